"""The question loop as a pure state machine: what to ask next and what a typed line means.

No terminal here. The CLI draws `Interview.current` and feeds every typed line to `handle`, so the whole
flow (back, skip and return, N/A reasons, notes, live skip logic, outline, jumps, undo, review) is tested
by feeding lines.

Keys (docs/interview.md): a scored answer's key is its scale value when every value of the scale is a
small whole number (0..10), else its 1-based position; a profile choice's key is its position. A typed
line that is a key or (the start of) a label is an answer, always: commands begin with `/` (`/n` N/A,
`/u` don't know, `/b` back, `/s` skip, `/c` note, `/o` outline, `/g` go to, `/z` undo, `/q` quit), and
`?`, `na`, `n/a` and `unknown` work alone when no label starts with them.

Answers already given are the defaults: Enter keeps the current answer. That one rule serves going back,
jumping, resuming, and rerunning from an earlier result with pre-filled answers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

from prepkit.content.applicability import applicability, conditions_of
from prepkit.content.models import Answer, Domain, ProfileQuestion, Question, Questionnaire, ScaleOption
from prepkit.scoring import answer_label

PROFILE_TITLE = "Profile"
SECONDS_PER_QUESTION = 40  # an estimate for reading, thinking and typing a key; notes and help take longer
LARGEST_KEY_VALUE = 10  # scale values up to this (whole, not negative) are typed as they are
PREFIX = "/"
# Commands, typed after PREFIX; the bare words in BARE work too when no label starts with them.
COMMANDS: dict[str, str] = {
    "n": "na", "na": "na", "n/a": "na",
    "u": "unknown", "unknown": "unknown", "dk": "unknown",
    "b": "back", "back": "back",
    "s": "skip", "skip": "skip",
    "c": "note", "note": "note",
    "q": "quit", "quit": "quit",
    "o": "outline", "outline": "outline",
    "g": "go", "go": "go",
    "z": "undo", "undo": "undo",
    "?": "help", "h": "help", "help": "help",
}  # fmt: skip
BARE = {"?": "help", "na": "na", "n/a": "na", "unknown": "unknown"}
SEARCH_SHOWN = 8  # matches of a search word listed to choose from


@dataclass(frozen=True)
class Item:
    """One askable question: a profile question (no domain) or a scored one."""

    index: int
    question: ProfileQuestion | Question
    domain: Domain | None

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def is_profile(self) -> bool:
        return self.domain is None

    @property
    def section(self) -> str:
        return self.domain.title if self.domain else PROFILE_TITLE

    @property
    def na_allowed(self) -> bool:
        return isinstance(self.question, Question) and self.question.na


@dataclass(frozen=True)
class Option:
    """A numbered choice as shown: `key` is what to type."""

    key: str
    label: str
    description: str | None
    answer: Answer


class Mode(StrEnum):
    QUESTION = "question"  # the current item waits for an answer or a command
    NA_REASON = "na-reason"  # `n` was typed: the next line is why the question does not apply
    NOTE = "note"  # `c` was typed: the next line is the note ...
    EVIDENCE = "evidence"  # ... and the one after it the evidence
    OUTLINE = "outline"  # the outline is shown: the next line names where to go, Enter returns
    REVIEW = "review"  # every question was visited: the outline with scores, gaps to open, save
    DONE = "done"  # finished: save as complete
    QUIT = "quit"  # save as in progress and stop


EventKind = Literal[
    "answered",
    "kept",
    "skipped",
    "back",
    "help",
    "invalid",
    "input",
    "noted",
    "na-cancelled",
    "revisit",
    "review",
    "outline",
    "jumped",
    "undone",
    "finished",
    "quit",
]


@dataclass(frozen=True)
class Event:
    """What one line did, for the CLI to show; `changed` means the answers changed and must be saved."""

    kind: EventKind
    item: str | None = None
    message: str = ""
    changed: bool = False
    previous: Answer | None = None  # the answer it replaced, for "answered"
    listing: tuple[str, ...] = ()  # lines to show under the message, e.g. the questions a search found


@dataclass(frozen=True)
class Section:
    """The profile (number 0) or a domain (1..n, questionnaire order) with what its items stand at."""

    number: int
    title: str
    domain: Domain | None
    items: list[Item]  # the items that apply, in order
    answered: int = 0
    skipped: int = 0
    unknown: int = 0
    critical_gaps: list[Item] = field(default_factory=list)  # counted critical items not fully in place


@dataclass
class _Step:
    """What undo needs to put one answer back: the item, the answer before, and where the flow was."""

    index: int
    before: Answer | None
    route: list[int]
    back_to: int | Literal["review"] | None
    revisiting: bool
    marked: tuple[int, ...] = ()  # /mark: every question it marked don't know, undone together


def option_keys(values: list[float]) -> list[str]:
    """The keys of a scale: the values themselves when all are whole numbers 0..10, else positions 1..n."""
    if all(float(v).is_integer() and 0 <= v <= LARGEST_KEY_VALUE for v in values):
        return [str(int(v)) for v in values]
    return [str(n) for n in range(1, len(values) + 1)]


def minutes_for(questions: int) -> int:
    """About how long questions take to answer, in whole minutes (at least 1)."""
    return max(1, math.ceil(questions * SECONDS_PER_QUESTION / 60))


class Interview:
    def __init__(
        self,
        q: Questionnaire,
        answers: dict[str, Answer] | None = None,
        *,
        start: Literal["resume", "beginning"] = "resume",
        confirming: bool = False,
        checked: Iterable[str] = (),
        drafts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        """confirming: a rerun of pre-filled answers, where Enter on one is a check worth saving;
        checked: the answers of such a rerun that an earlier session already confirmed or changed;
        drafts: notes and evidence saved for questions without an answer (saved_drafts of a session before)."""
        self.q = q
        self.confirming = confirming
        self.seen: set[str] = set()  # questions answered or confirmed in this session
        self.checked: set[str] = set(checked)
        self.items: list[Item] = [Item(i, p, None) for i, p in enumerate(q.profile)]
        self.items += [
            Item(len(self.items) + i, question, domain) for i, (domain, question) in enumerate(q.questions())
        ]
        self._by_id = {item.id: item for item in self.items}
        self._section_of = {id(domain): n for n, domain in enumerate(q.domains, 1)}
        # Answers to questions that stopped applying stay here, so changing a profile answer back restores them.
        self.answers: dict[str, Answer] = dict(answers or {})
        self.skipped: set[str] = set()
        self.revisiting = False
        self.mode = Mode.QUESTION
        self.position: int | None = None
        self.route: list[int] = []  # items to visit next after a jump (a domain's, or the review's gaps)
        self.back_to: int | Literal["review"] | None = None  # where a jump returns once its route is done
        self._undo: list[_Step] = []
        self._outline_from: int | None = None
        # note/evidence typed before answering: saved with the result, and joined to the answer once given
        self._drafts: dict[str, tuple[str | None, str | None]] = {
            qid: draft for qid, draft in (drafts or {}).items() if qid in self._by_id and qid not in self.answers
        }
        self._pending_note: str | None = None
        # Only an answer to a question that others depend on can change what applies; the rest keeps
        # every answer's cost independent of the questionnaire's length (progress and positions cached).
        self._condition_refs = frozenset(c.ref for item in conditions_of(q) for c in item.conditions)
        self._set_applies(applicability(q, self.answers))
        self._go(self._start(start))

    def _set_applies(self, applies: dict[str, bool]) -> None:
        self._applies = applies
        self._applicable = [item for item in self.items if applies[item.id]]
        self._applicable_profile = [item for item in self._applicable if item.is_profile]
        scored = [item for item in self._applicable if not item.is_profile]
        # progress, kept up to date by _record between recomputations (every answer would otherwise
        # walk the questionnaire: a 10,000-question interview took 3.5 ms an answer)
        self._scored_total = len(scored)
        self._scored_answered = sum(item.id in self.answers for item in scored)
        self._section_count: dict[int, int] = {}
        self._section_number: dict[int, int] = {}
        for item in self._applicable:
            key = id(item.domain)
            self._section_count[key] = self._section_number[item.index] = self._section_count.get(key, 0) + 1

    # ----- what the CLI draws -----

    @property
    def current(self) -> Item | None:
        return None if self.position is None else self.items[self.position]

    def item(self, question_id: str) -> Item:
        return self._by_id[question_id]

    def options(self, item: Item) -> list[Option]:
        question = item.question
        if isinstance(question, ProfileQuestion):
            return [
                Option(str(n), c.display, None, Answer(kind="choice", choice=c.id))
                for n, c in enumerate(question.choices, 1)
            ]
        scale = self.q.scale_of(question)
        keys = option_keys([o.value for o in scale])
        return [
            Option(key, o.label, o.description, Answer(kind="value", value=o.value))
            for key, o in zip(keys, scale, strict=True)
        ]

    def scale_of(self, item: Item) -> list[ScaleOption] | None:
        return self.q.scale_of(item.question) if isinstance(item.question, Question) else None

    def scale_name(self, item: Item) -> str | None:
        """How the header names a scale other than the questionnaire's usual one, e.g. 'Yes/No question'."""
        if not isinstance(item.question, Question):
            return None
        name = item.question.scale or self.q.default_scale or next(iter(self.q.scales))
        usual = self.q.default_scale or next(iter(self.q.scales))
        if name == usual:
            return None
        labels = [o.label.strip() for o in self.q.scales[name]]
        if sorted(label.casefold() for label in labels) == ["no", "yes"]:
            return "Yes/No question"
        if len(labels) <= 3:
            return "/".join(labels) + " question"
        return f"{name.replace('-', ' ').capitalize()} scale ({len(labels)} answers)"

    def scale_changed(self, item: Item) -> bool:
        """Whether item's scale differs from the applicable scored question before it."""
        if not isinstance(item.question, Question):
            return False
        # the nearest applicable scored question before item: a step or two back, not a walk of all
        previous = next(
            (
                i.question
                for i in reversed(self.items[: item.index])
                if isinstance(i.question, Question) and self._applies[i.id]
            ),
            None,
        )
        if previous is None:
            return False
        return self.q.scale_of(previous) is not self.q.scale_of(item.question)

    def answer_text(self, item: Item, answer: Answer | None = None) -> str | None:
        """An answer as shown: '2 Partially in place', 'N/A', "don't know", or None."""
        answer = self.answers.get(item.id) if answer is None else answer
        if answer is None:
            return None
        if answer.kind == "na":
            return "N/A"
        if answer.kind == "unknown":
            return "don't know"
        for option in self.options(item):
            if (option.answer.value, option.answer.choice) == (answer.value, answer.choice):
                return f"{option.key} {option.label}"
        if isinstance(item.question, Question):  # a value no longer on the scale
            return answer_label(self.q, item.question, answer)
        return answer.choice

    def note_of(self, item: Item) -> tuple[str | None, str | None]:
        answer = self.answers.get(item.id)
        if answer is not None:
            return answer.note, answer.evidence
        return self._drafts.get(item.id, (None, None))

    def pending_note(self) -> str | None:
        """The note typed in NOTE mode, while the evidence is being asked."""
        return self._pending_note

    def applicable(self) -> list[Item]:
        return list(self._applicable)

    def applies(self, item: Item) -> bool:
        return self._applies[item.id]

    def pending(self) -> list[Item]:
        """Applicable questions without an answer: skipped, or never reached."""
        return [item for item in self.applicable() if item.id not in self.answers]

    def progress(self) -> tuple[int, int]:
        """(answered, applicable) over the scored questions that apply (the profile is counted on its own,
        as content.applicability.answered_count)."""
        return self._scored_answered, self._scored_total

    def rerun_progress(self) -> tuple[int, int, int]:
        """In a rerun: (confirmed or changed, carried over and not yet seen, applicable)."""
        applicable = [item for item in self.applicable() if not item.is_profile]
        answered = [item.id for item in applicable if item.id in self.answers]
        confirmed = sum(qid in self.seen or qid in self.checked for qid in answered)
        return confirmed, len(answered) - confirmed, len(applicable)

    def profile_done(self) -> bool:
        return all(item.id in self.answers for item in self._applicable_profile)

    def scored_count(self) -> int:
        """The scored questions that apply (the profile aside)."""
        return self._scored_total

    def section_number(self, item: Item) -> int:
        """0 for the profile, else the domain's number in questionnaire order (as in the outline)."""
        return 0 if item.domain is None else self._section_of[id(item.domain)]

    def section_position(self, item: Item) -> tuple[int, int]:
        """(number, count) of item among the applicable questions of its section, e.g. Planning 3/12."""
        count = self._section_count.get(id(item.domain), 0)
        return self._section_number.get(item.index, count + 1), count

    def reference(self, item: Item) -> str:
        """How to name item in /g: section.number, e.g. '6.3'."""
        return f"{self.section_number(item)}.{self.section_position(item)[0]}"

    def sections(self) -> list[Section]:
        """The profile and every domain with its counts: what the outline and the review show."""
        applicable = self.applicable()
        result = []
        for number, (title, domain) in enumerate([(PROFILE_TITLE, None), *((d.title, d) for d in self.q.domains)]):
            if domain is None and not self.q.profile:
                continue
            items = [i for i in applicable if i.domain is domain]
            answers = [self.answers.get(i.id) for i in items]
            result.append(
                Section(
                    number=number,
                    title=title,
                    domain=domain,
                    items=items,
                    answered=sum(a is not None for a in answers),
                    skipped=sum(i.id in self.skipped and i.id not in self.answers for i in items),
                    unknown=sum(a is not None and a.kind == "unknown" for a in answers),
                    critical_gaps=[i for i in items if self.is_critical_gap(i)],
                )
            )
        return result

    def is_critical_gap(self, item: Item) -> bool:
        """A critical question that applies, answered below full credit or don't know (unanswered ones are
        listed as unanswered)."""
        question = item.question
        if not isinstance(question, Question) or not question.critical or not self._applies[item.id]:
            return False
        answer = self.answers.get(item.id)
        if answer is None:
            return False
        if answer.kind == "unknown":
            return True
        if answer.kind != "value" or answer.value is None:
            return False
        return float(answer.value) < max(o.value for o in self.q.scale_of(question))

    def unknown_items(self) -> list[Item]:
        return [i for i in self.applicable() if (a := self.answers.get(i.id)) is not None and a.kind == "unknown"]

    def critical_gaps(self) -> list[Item]:
        return [i for i in self.applicable() if self.is_critical_gap(i)]

    def ends_section(self, item: Item) -> bool:
        """Whether item is the last applicable question of its domain (profile excluded)."""
        if item.domain is None or not self._applies[item.id]:
            return False
        following = next((i for i in self.items[item.index + 1 :] if self._applies[i.id]), None)
        return following is None or following.domain is not item.domain

    def saved_answers(self) -> dict[str, Answer]:
        """Every answer given, in questionnaire order: what an in-progress result keeps."""
        # in the order of the answers' questions: as many steps as answers, whatever the questionnaire's length
        by_id = self._by_id
        ordered = sorted((by_id[qid].index, qid) for qid in self.answers if qid in by_id)
        return {qid: self.answers[qid] for _, qid in ordered}

    def saved_drafts(self) -> dict[str, tuple[str | None, str | None]]:
        """Notes and evidence of questions without an answer, in questionnaire order, including a note
        typed while its evidence is still being asked: what the result keeps so that none is lost."""
        drafts = dict(self._drafts)
        item = self.current
        typing = self.mode is Mode.EVIDENCE and self._pending_note is not None
        if typing and item is not None and item.id not in self.answers:
            drafts[item.id] = (self._pending_note, drafts.get(item.id, (None, None))[1])
        by_id = self._by_id
        ordered = sorted((by_id[qid].index, qid) for qid, (note, evidence) in drafts.items() if note or evidence)
        return {qid: drafts[qid] for _, qid in ordered}

    def final_answers(self) -> dict[str, Answer]:
        """The answers of a finished assessment: only those to questions that apply, in questionnaire order."""
        return {qid: answer for qid, answer in self.saved_answers().items() if self._applies[qid]}

    def hint(self, item: Item) -> str:
        keys = [o.key for o in self.options(item)]
        allowed = f"Type {keys[0]}-{keys[-1]} or the start of an answer"
        if item.is_profile:
            return f"{allowed}; ? help, /b back, /s skip, /o outline, /q save and quit."
        na = "/n N/A, " if item.na_allowed else ""
        return f"{allowed}; {na}/u don't know, ? help, /b back, /s skip, /o outline, /q save and quit."

    def go_to(self, question_id: str) -> None:
        """Continue at question_id (when it applies), e.g. the first pre-filled answer not yet checked."""
        item = self._by_id.get(question_id)
        if item is not None and self._applies[item.id]:
            self.revisiting = False  # walk onward from there, as in a first pass
            self._go(item.index)

    # ----- what a typed line does -----

    def handle(self, line: str) -> Event:
        event = self._handle(line.strip())
        if event.kind in ("answered", "kept") and event.item is not None:
            self.seen.add(event.item)
            if event.kind == "kept" and self.confirming:
                event = replace(event, changed=True)
        return event

    def _handle(self, text: str) -> Event:
        if self.mode is Mode.QUESTION:
            return self._on_question(text)
        if self.mode is Mode.NA_REASON:
            return self._on_na_reason(text)
        if self.mode in (Mode.NOTE, Mode.EVIDENCE):
            return self._on_note(text)
        if self.mode is Mode.OUTLINE:
            return self._on_outline(text)
        if self.mode is Mode.REVIEW:
            return self._on_review(text)
        return Event("invalid", message="The assessment is over.")

    def command_of(self, item: Item | None, text: str) -> tuple[str, str] | None:
        """(command, argument) when text is a command here; None when it is (or starts) an answer."""
        key = text.casefold()
        if item is not None and self._match(item, key):
            return None  # an answer always wins: commands never shadow a label
        if key.startswith(PREFIX):
            word, _, argument = key[len(PREFIX) :].strip().partition(" ")
            argument = text[len(PREFIX) :].strip()[len(word) :].strip()
            return (COMMANDS[word], argument) if word in COMMANDS else ("unknown-command", word)
        if key in BARE:
            return BARE[key], ""
        return None

    def _on_question(self, text: str) -> Event:
        item = self.current
        assert item is not None
        existing = self.answers.get(item.id)
        if text == "":
            if existing is None:
                return Event("invalid", item.id, self.hint(item))
            return self._advance(item, Event("kept", item.id))
        command = self.command_of(item, text)
        if command is None:
            matches = self._match(item, text.casefold())
            if len(matches) == 1:
                return self._record(item, matches[0].answer)
            if matches:
                labels = ", ".join(f"{o.key} {o.label}" for o in matches)
                return Event("invalid", item.id, f"'{text}' could be {labels}; type more of it or the key.")
            return Event("invalid", item.id, f"'{text}' is not an answer here. {self.hint(item)}")
        name, argument = command
        if name == "help":
            return Event("help", item.id)
        if name == "back":
            return self._back()
        if name == "skip":
            self.skipped.add(item.id)
            return self._advance(item, Event("skipped", item.id))
        if name == "note":
            self.mode = Mode.NOTE
            return Event("input", item.id)
        if name == "quit":
            self.mode = Mode.QUIT
            return Event("quit", item.id)
        if name == "outline":
            return self._open_outline(argument)
        if name == "go":
            return self.jump(argument) if argument else self._open_outline("")
        if name == "undo":
            return self.undo()
        if name in ("na", "unknown"):
            return self._na_or_unknown(item, name)
        return Event("invalid", item.id, f"'/{argument}' is not a command. {self.hint(item)}")

    def _na_or_unknown(self, item: Item, name: str) -> Event:
        if item.is_profile:
            return Event(
                "invalid",
                item.id,
                "This question decides which questions apply: choose one of its answers. " + self.hint(item),
            )
        if name == "unknown":
            return self._record(item, Answer(kind="unknown"))
        if not item.na_allowed:
            return Event(
                "invalid",
                item.id,
                "N/A is not allowed here: this question applies to every agency. " + self.hint(item),
            )
        self.mode = Mode.NA_REASON
        return Event("input", item.id)

    def _match(self, item: Item, key: str) -> list[Option]:
        """The options that key names: by key, by label or choice id, else by an unambiguous start."""
        if not key:
            return []
        options = self.options(item)
        exact = [o for o in options if key in (o.key, o.label.casefold(), (o.answer.choice or "").casefold())]
        if exact:
            return exact[:1]
        return [o for o in options if o.label.casefold().startswith(key)]

    def _on_na_reason(self, text: str) -> Event:
        item = self.current
        assert item is not None
        self.mode = Mode.QUESTION
        existing = self.answers.get(item.id)
        if not text:
            if existing is not None and existing.kind == "na" and existing.note:
                return self._advance(item, Event("kept", item.id))
            return Event("na-cancelled", item.id, "N/A needs a reason; not answered.")
        return self._record(item, Answer(kind="na", note=text))

    def _on_note(self, text: str) -> Event:
        item = self.current
        assert item is not None
        note, evidence = self.note_of(item)
        if text.casefold() in ("q", f"{PREFIX}q", f"{PREFIX}quit"):  # save and quit: never a note that says "q"
            if self.mode is Mode.EVIDENCE:  # the note just typed is kept, with the evidence as it was
                self._keep_note(item, (self._pending_note, evidence))
            self._pending_note = None
            self.mode = Mode.QUIT
            return Event("quit")
        if self.mode is Mode.NOTE:
            self._pending_note = _edited(note, text)
            self.mode = Mode.EVIDENCE
            return Event("input", item.id)
        new = (self._pending_note, _edited(evidence, text))
        self._pending_note = None
        self.mode = Mode.QUESTION
        on_answer = self._keep_note(item, new)
        if new == (None, None):
            return Event("noted", item.id, "No note or evidence now.", changed=True)
        if on_answer:
            return Event("noted", item.id, "Note and evidence saved with your answer.", changed=True)
        return Event(
            "noted", item.id, "Note and evidence saved; they join your answer when you give one.", changed=True
        )

    def _keep_note(self, item: Item, note: tuple[str | None, str | None]) -> bool:
        """Put a note and evidence on item's answer (True), or keep them as a draft until it has one."""
        existing = self.answers.get(item.id)
        if existing is None:
            self._drafts[item.id] = note
            return False
        self.answers[item.id] = existing.model_copy(update={"note": note[0], "evidence": note[1]})
        return True

    # ----- outline, jumps, undo -----

    def _open_outline(self, argument: str) -> Event:
        if argument:
            return self.jump(argument)
        self._outline_from = self.position
        self.mode = Mode.OUTLINE
        return Event("outline")

    def _on_outline(self, text: str) -> Event:
        key = text.casefold().lstrip(PREFIX)
        if key == "":
            self._go(self._outline_from)
            return Event("back", self.current.id if self.current else None)
        if key in ("q", "quit"):
            self.mode = Mode.QUIT
            return Event("quit")
        if key in ("z", "undo"):
            return self.undo()
        if key in ("b", "back"):
            self._go(self._outline_from)
            return self._back()
        event = self.jump(text.lstrip(PREFIX).removeprefix("g ").removeprefix("go "))
        if event.kind != "jumped":
            self.mode = Mode.OUTLINE  # stay on the outline and try again
        return event

    def locate(self, target: str) -> tuple[list[Item], str, tuple[str, ...]]:
        """What target names: (items to visit, a message, lines to list).

        A number is a section (0 the profile, 1.. the domains), 'N.M' the M-th question of section N;
        a word is a domain whose title (a word of it) starts with it, else a search of the question texts
        for every word given. Several matches: no items, the matches listed to choose from.
        """
        text = target.strip().casefold()
        sections = {s.number: s for s in self.sections()}
        numbered = re.fullmatch(r"(\d+)(?:\.(\d+))?", text)
        if numbered:
            section = sections.get(int(numbered.group(1)))
            if section is None or not section.items:
                return [], f"There is no section {numbered.group(1)} with questions that apply; /o shows them.", ()
            if numbered.group(2) is None:
                return section.items, f"{section.title}: {len(section.items)} questions.", ()
            number = int(numbered.group(2))
            if not 1 <= number <= len(section.items):
                return (
                    [],
                    f"{section.title} has questions {section.number}.1 to {section.number}.{len(section.items)}.",
                    (),
                )
            return [section.items[number - 1]], "", ()
        if not text:
            return [], "Name a section by its number or name, a question by its number (6.3), or a search word.", ()
        named = [
            s
            for s in sections.values()
            if s.items
            and (
                s.title.casefold().startswith(text)
                or any(w.startswith(text) for w in re.split(r"[^\w]+", s.title.casefold()) if len(text) >= 3)
                or (s.domain is not None and s.domain.id == text)
            )
        ]
        if len(named) == 1:
            return named[0].items, f"{named[0].title}: {len(named[0].items)} questions.", ()
        how = "type /g and the number of one" if self.mode is Mode.QUESTION else "type the number of one"
        if len(named) > 1:
            shown = tuple(f"{s.number}  {s.title}" for s in named)
            return [], f"'{target}' names {len(named)} sections; {how}:", shown
        words = text.split()
        found = [
            item for item in self.applicable() if all(w in f"{item.question.text} {item.id}".casefold() for w in words)
        ]
        if len(found) == 1:
            return found, "", ()
        if not found:
            return [], f"No question that applies mentions '{target}'.", ()
        shown = tuple(f"{self.reference(i)}  {i.question.text}" for i in found[:SEARCH_SHOWN])
        more = f" (the first {SEARCH_SHOWN} shown)" if len(found) > SEARCH_SHOWN else ""
        return [], f"{len(found)} questions mention '{target}'{more}; {how}:", shown

    def jump(self, target: str, *, back_to: int | Literal["review"] | None = None) -> Event:
        """Go to what target names; after it (or after every question of a section) return to where we were."""
        items, message, listing = self.locate(target)
        if not items:
            return Event("invalid", self.current.id if self.current else None, message, listing=listing)
        return self.visit(items, message, back_to=back_to)

    def visit(self, items: list[Item], message: str = "", *, back_to: int | Literal["review"] | None = None) -> Event:
        """Visit items in order, then return (to the question we were at, or the review)."""
        if not items:
            return Event("invalid", message="Nothing to visit.")
        if self.back_to is None:  # a jump inside a jump returns to where the first one started
            if back_to is not None:
                self.back_to = back_to
            elif self.mode is Mode.REVIEW or (self.mode is Mode.OUTLINE and self._outline_from is None):
                self.back_to = "review"
            else:
                where = self.position if self.mode is not Mode.OUTLINE else self._outline_from
                self.back_to = where
        self.route = [i.index for i in items[1:]]
        self._go(items[0].index)
        return Event("jumped", items[0].id, message)

    def undo(self) -> Event:
        """Take back the last answer given: the one before it returns (or none), and it is asked again."""
        if not self._undo:
            return Event("invalid", self.current.id if self.current else None, "There is no answer to undo.")
        step = self._undo.pop()
        if step.marked:
            for index in step.marked:
                self._take_back(self.items[index])
            self._set_applies(applicability(self.q, self.answers))
            self.route, self.back_to, self.revisiting = list(step.route), step.back_to, step.revisiting
            self._go(None)  # back to the review, where /mark was typed
            marked = _count(len(step.marked), "question")
            return Event("undone", message=f"Undone: {marked} marked don't know are unanswered again.", changed=True)
        item = self.items[step.index]
        taken = self.answer_text(item) or "no answer"
        if step.before is None:
            self._take_back(item)
        else:
            self.answers[item.id] = step.before
        self._set_applies(applicability(self.q, self.answers))
        self.route, self.back_to, self.revisiting = list(step.route), step.back_to, step.revisiting
        self.mode = Mode.QUESTION
        self._go(item.index)
        restored = self.answer_text(item) or "no answer"
        return Event("undone", item.id, f"Undone: {taken}; back to {restored}.", changed=True)

    def _take_back(self, item: Item) -> None:
        """Remove item's answer; a note or evidence it carried becomes a draft again."""
        undone = self.answers.pop(item.id, None)
        if undone is not None and (undone.note or undone.evidence) and undone.kind != "na":
            self._drafts[item.id] = (undone.note, undone.evidence)  # typed words outlive the answer

    # ----- the review -----

    def _on_review(self, text: str) -> Event:
        key = text.casefold().lstrip(PREFIX)
        pending = self.pending()
        if key == "":
            if not pending:
                self.mode = Mode.DONE
                return Event("finished")
            return self.visit(pending, _revisit_message(len(pending)), back_to="review")
        if key in ("b", "back"):
            return self._back()
        if key in ("q", "quit"):
            self.mode = Mode.QUIT
            return Event("quit")
        if key in ("z", "undo"):
            return self.undo()
        if key in ("o", "outline", "?", "h", "help"):
            return Event("review")
        walks = {
            "s": (pending, "unanswered"),
            "skipped": (pending, "unanswered"),
            "u": (self.unknown_items(), "don't know"),
            "unknown": (self.unknown_items(), "don't know"),
            "c": (self.critical_gaps(), "critical items not fully in place"),
            "critical": (self.critical_gaps(), "critical items not fully in place"),
        }
        if key in walks:
            items, what = walks[key]
            if not items:
                return Event("invalid", message=f"No {what} questions.")
            return self.visit(
                items, f"{what.capitalize()}: {_count(len(items), 'question')}, one after another.", back_to="review"
            )
        if key == "mark":
            return self._mark_unknown(pending)
        return self.jump(text.lstrip(PREFIX), back_to="review")

    def _mark_unknown(self, pending: list[Item]) -> Event:
        scored = [item for item in pending if not item.is_profile]
        if not scored:
            return Event("invalid", message="No unanswered question to mark.")
        marked = tuple(item.index for item in scored)
        self._undo.append(_Step(marked[0], None, list(self.route), self.back_to, self.revisiting, marked))
        for item in scored:
            self.answers[item.id] = self._with_notes(item, Answer(kind="unknown"), None)
        self._set_applies(applicability(self.q, self.answers))
        left = len(self.pending())
        message = f"{_count(len(scored), 'question')} marked don't know."
        if left:
            message += f" {_count(left, 'profile question')} still need an answer."
        return Event("review", message=message, changed=True)

    def quit(self) -> None:
        """Stop here (input ended); the answers so far are kept as in progress."""
        self.mode = Mode.QUIT

    def review_hint(self) -> str:
        walk = "/s each unanswered, /u each don't know, /c each critical gap"
        open_ = "a number (6 or 6.3), a section's name or a search word opens it"
        if self.pending():
            return (
                f"Enter answers the unanswered questions; {walk}; {open_}; /mark marks the unanswered "
                "don't know; /b back; /q save and quit."
            )
        return f"Enter saves the finished assessment; {open_}; {walk}; /z undo; /q save and quit."

    # ----- moving around -----

    def _record(self, item: Item, answer: Answer) -> Event:
        previous = self.answers.get(item.id)
        self._undo.append(_Step(item.index, previous, list(self.route), self.back_to, self.revisiting))
        profile_was_done = self.profile_done()
        self.answers[item.id] = self._with_notes(item, answer, previous)
        if previous is None and not item.is_profile and self._applies[item.id]:
            self._scored_answered += 1  # recounted by _set_applies whenever that runs below
        self.skipped.discard(item.id)
        before: set[str] = set()
        after: set[str] = set()
        if item.id in self._condition_refs:  # only an answer others depend on can change what applies
            before = {i.id for i in self._applicable if not i.is_profile}
            self._set_applies(applicability(self.q, self.answers))
            after = {i.id for i in self._applicable if not i.is_profile}
        message = ""
        if not profile_was_done and self.profile_done() and not self.confirming:
            after = {i.id for i in self._applicable if not i.is_profile}
            n = len(after)
            message = (
                f"{_count(n, 'question')} apply to your agency: about {minutes_for(n)} minutes at "
                f"~{SECONDS_PER_QUESTION} s each. /q stops at any point; prepkit resume continues."
            )
        elif before != after and (previous is not None or profile_was_done):
            came, went = len(after - before), len(before - after)
            parts = ([f"brings in {_count(came, 'question')}"] if came else []) + (
                [f"takes out {_count(went, 'question')}"] if went else []
            )
            message = f"This answer {' and '.join(parts)}; {len(after)} apply now."
        event = self._advance(item, Event("answered", item.id, changed=True, previous=previous))
        if message:
            event = replace(event, message=" ".join(filter(None, [message, event.message])))
        return event

    def _with_notes(self, item: Item, answer: Answer, previous: Answer | None) -> Answer:
        """Carry the note and evidence over; an N/A's note is its reason and does not outlive it."""
        note, evidence = self._drafts.pop(item.id, (None, None))
        if previous is not None:
            note, evidence = previous.note, previous.evidence
            if previous.kind == "na" and answer.kind != "na":
                note = None
        if answer.kind == "na":
            note = answer.note
        return answer.model_copy(update={"note": note, "evidence": evidence})

    def _advance(self, item: Item, event: Event) -> Event:
        """Move past item: along a jump's route, back to where the jump started, onward in the first pass,
        then through what is still unanswered, then the review."""
        while self.route:
            index = self.route.pop(0)
            if self._applies[self.items[index].id]:
                self._go(index)
                return event
        if self.back_to is not None:
            back_to, self.back_to = self.back_to, None
            if back_to == "review":
                self._go(None)
                return event
            if self._applies[self.items[back_to].id] and back_to != item.index:
                self._go(back_to)
                return event
        if not self.revisiting:
            following = self._first(i for i in self.items if i.index > item.index and self._ahead(i))
            if following is not None:
                self._go(following)
                return event
            self.revisiting = True
            # what was just skipped waits for the next round (or the review), not right now
            pending = [i for i in self.pending() if not (event.kind == "skipped" and i.index == item.index)]
            if pending:
                self._go(pending[0].index)
                return Event(event.kind, event.item, _revisit_message(len(pending)), event.changed, event.previous)
        self._go(self._first(i for i in self.pending() if i.index > item.index))
        return event

    def _ahead(self, item: Item) -> bool:
        """Whether the first pass stops at item: it applies and, outside a rerun, has no answer yet and was
        not skipped (an answer given by a jump ahead is not asked again; skipped ones come back at the end)."""
        if not self._applies[item.id]:
            return False
        return self.confirming or (item.id not in self.answers and item.id not in self.skipped)

    def _back(self) -> Event:
        """The applicable question before this one in questionnaire order (the last one, from the review)."""
        here = self.position
        limit = len(self.items) if here is None else here
        earlier = [i for i in self.items[:limit] if self._applies[i.id]]
        if not earlier:
            return Event("invalid", message="This is the first question.")
        if here is not None:
            self.route.insert(0, here)  # Enter walks forward again, one question at a time
        elif here is None and self.back_to is None and self.mode is Mode.REVIEW:
            self.back_to = "review"
        self._go(earlier[-1].index)
        return Event("back", earlier[-1].id)

    def _go(self, index: int | None) -> None:
        self.position = index
        if self.mode not in (Mode.QUIT, Mode.DONE):
            self.mode = Mode.REVIEW if index is None else Mode.QUESTION

    def _first(self, items: Iterable[Item]) -> int | None:
        return next((item.index for item in items), None)

    def _start(self, start: str) -> int | None:
        applicable = self.applicable()
        if start == "beginning" or not self.answers:
            return applicable[0].index if applicable else None
        last = max((item.index for item in applicable if item.id in self.answers), default=-1)
        following = self._first(item for item in applicable if item.index > last)
        if following is not None:
            return following
        self.revisiting = True
        return self._first(self.pending())


def _edited(current: str | None, text: str) -> str | None:
    """Enter keeps the current text, '-' clears it, anything else replaces it."""
    if text == "":
        return current
    return None if text == "-" else text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _revisit_message(n: int) -> str:
    what = "question" if n == 1 else f"{n} questions"
    return f"Back to the {what} you skipped or left unanswered."
