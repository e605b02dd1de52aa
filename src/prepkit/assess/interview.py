"""The question loop as a pure state machine: what to ask next and what a typed line means.

No terminal here. The CLI draws `Interview.current` and feeds every typed line to `handle`, so the whole
flow (back, skip and return, N/A reasons, notes, live skip logic, review) is tested by feeding lines.

Answers already given are the defaults: Enter keeps the current answer. That one rule serves going back
(`b`), resuming, and rerunning from an earlier result with pre-filled answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

from prepkit.content.applicability import applicability, conditions_of
from prepkit.content.models import Answer, Domain, ProfileQuestion, Question, Questionnaire
from prepkit.scoring import answer_label

PROFILE_TITLE = "Profile"
NA_KEYS = frozenset({"n", "na", "n/a"})
UNKNOWN_KEYS = frozenset({"u", "unknown"})


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
    REVIEW = "review"  # every question was visited: scores, what is left, save
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


class Interview:
    def __init__(
        self,
        q: Questionnaire,
        answers: dict[str, Answer] | None = None,
        *,
        start: Literal["resume", "beginning"] = "resume",
        confirming: bool = False,
    ) -> None:
        """confirming: a rerun of pre-filled answers, where Enter on one is a check worth saving."""
        self.q = q
        self.confirming = confirming
        self.seen: set[str] = set()  # questions answered or confirmed in this session
        self.items: list[Item] = [Item(i, p, None) for i, p in enumerate(q.profile)]
        self.items += [
            Item(len(self.items) + i, question, domain) for i, (domain, question) in enumerate(q.questions())
        ]
        self._by_id = {item.id: item for item in self.items}
        # Answers to questions that stopped applying stay here, so changing a profile answer back restores them.
        self.answers: dict[str, Answer] = dict(answers or {})
        self.skipped: set[str] = set()
        self.history: list[int] = []
        self.revisiting = False
        self.mode = Mode.QUESTION
        self.position: int | None = None
        self._drafts: dict[str, tuple[str | None, str | None]] = {}  # note/evidence typed before answering
        self._pending_note: str | None = None
        # Only an answer to a question that others depend on can change what applies; the rest keeps
        # every answer's cost independent of the questionnaire's length (progress and positions cached).
        self._condition_refs = frozenset(c.ref for item in conditions_of(q) for c in item.conditions)
        self._set_applies(applicability(q, self.answers))
        self._go(self._start(start))

    def _set_applies(self, applies: dict[str, bool]) -> None:
        self._applies = applies
        self._applicable = [item for item in self.items if applies[item.id]]
        self._answered = sum(item.id in self.answers for item in self._applicable)
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
        return [
            Option(str(n), o.label, o.description, Answer(kind="value", value=o.value))
            for n, o in enumerate(self.q.scale_of(question), 1)
        ]

    def answer_text(self, item: Item, answer: Answer | None = None) -> str | None:
        """An answer as shown: '3 Partially in place', 'N/A', "don't know", or None."""
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

    def pending(self) -> list[Item]:
        """Applicable questions without an answer: skipped, or never reached."""
        return [item for item in self.applicable() if item.id not in self.answers]

    def progress(self) -> tuple[int, int]:
        """(answered, applicable) over every applicable question, profile included."""
        return self._answered, len(self._applicable)

    def section_position(self, item: Item) -> tuple[int, int]:
        """(number, count) of item among the applicable questions of its section, e.g. Planning 3/12."""
        count = self._section_count.get(id(item.domain), 0)
        return self._section_number.get(item.index, count + 1), count

    def saved_answers(self) -> dict[str, Answer]:
        """Every answer given, in questionnaire order: what an in-progress result keeps."""
        # in the order of the answers' questions: as many steps as answers, whatever the questionnaire's length
        by_id = self._by_id
        ordered = sorted((by_id[qid].index, qid) for qid in self.answers if qid in by_id)
        return {qid: self.answers[qid] for _, qid in ordered}

    def final_answers(self) -> dict[str, Answer]:
        """The answers of a finished assessment: only those to questions that apply, in questionnaire order."""
        return {qid: answer for qid, answer in self.saved_answers().items() if self._applies[qid]}

    def hint(self, item: Item) -> str:
        count = len(self.options(item))
        allowed = f"Type 1-{count} or a label"
        if item.is_profile:
            return f"{allowed}; ? help, b back, s skip, q save and quit."
        na = "n N/A, " if item.na_allowed else ""
        return f"{allowed}; {na}u don't know, ? help, b back, s skip, c note, q save and quit."

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
        if self.mode is Mode.REVIEW:
            return self._on_review(text)
        return Event("invalid", message="The assessment is over.")

    def _on_question(self, text: str) -> Event:
        item = self.current
        assert item is not None
        key = text.casefold()
        existing = self.answers.get(item.id)
        if key == "":
            if existing is None:
                return Event("invalid", item.id, self.hint(item))
            self._leave(item)
            return self._advance(item, Event("kept", item.id))
        if key == "?":
            return Event("help", item.id)
        if key == "b":
            return self._back()
        if key == "s":
            self.skipped.add(item.id)
            self._leave(item)
            return self._advance(item, Event("skipped", item.id))
        if key == "c":
            self.mode = Mode.NOTE
            return Event("input", item.id)
        if key == "q":
            self.mode = Mode.QUIT
            return Event("quit", item.id)
        if key in NA_KEYS or key in UNKNOWN_KEYS:
            if item.is_profile:
                return Event(
                    "invalid",
                    item.id,
                    "This question decides which questions apply: choose one of its answers. " + self.hint(item),
                )
            if key in UNKNOWN_KEYS:
                return self._record(item, Answer(kind="unknown"))
            if not item.na_allowed:
                return Event(
                    "invalid",
                    item.id,
                    "N/A is not allowed here: this question applies to every agency. " + self.hint(item),
                )
            self.mode = Mode.NA_REASON
            return Event("input", item.id)
        matches = self._match(item, key)
        if len(matches) == 1:
            return self._record(item, matches[0].answer)
        if matches:
            labels = ", ".join(f"{o.key} {o.label}" for o in matches)
            return Event("invalid", item.id, f"'{text}' could be {labels}; type more of it or the number.")
        return Event("invalid", item.id, f"'{text}' is not an answer here. {self.hint(item)}")

    def _match(self, item: Item, key: str) -> list[Option]:
        """The options that key names: by number, by label or choice id, else by an unambiguous start."""
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
                self._leave(item)
                return self._advance(item, Event("kept", item.id))
            return Event("na-cancelled", item.id, "N/A needs a reason; not answered.")
        return self._record(item, Answer(kind="na", note=text))

    def _on_note(self, text: str) -> Event:
        item = self.current
        assert item is not None
        note, evidence = self.note_of(item)
        if text.casefold() == "q":  # save and quit, as everywhere: never a note that says "q"
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
        existing = self.answers.get(item.id)
        if existing is None:
            self._drafts[item.id] = new
            return Event("noted", item.id, "Note and evidence kept; they are saved with your answer.")
        self.answers[item.id] = existing.model_copy(update={"note": new[0], "evidence": new[1]})
        return Event("noted", item.id, "Note and evidence saved with your answer.", changed=True)

    def _on_review(self, text: str) -> Event:
        key = text.casefold()
        pending = self.pending()
        if key == "":
            if not pending:
                self.mode = Mode.DONE
                return Event("finished")
            self.revisiting = True
            self._go(pending[0].index)
            return Event("revisit", message=_revisit_message(len(pending)))
        if key == "b":
            return self._back()
        if key == "q":
            self.mode = Mode.QUIT
            return Event("quit")
        if key in UNKNOWN_KEYS and pending:
            scored = [item for item in pending if not item.is_profile]
            for item in scored:
                self.answers[item.id] = self._with_notes(item, Answer(kind="unknown"), None)
            self._set_applies(applicability(self.q, self.answers))
            left = len(self.pending())
            message = f"{_count(len(scored), 'question')} marked don't know."
            if left:
                message += f" {_count(left, 'profile question')} still need an answer."
            return Event("review", message=message, changed=bool(scored))
        return Event("invalid", message=self.review_hint())

    def quit(self) -> None:
        """Stop here (input ended); the answers so far are kept as in progress."""
        self.mode = Mode.QUIT

    def review_hint(self) -> str:
        if self.pending():
            return "Enter answers the unanswered questions; u marks them don't know; b back; q save and quit."
        return "Enter saves the finished assessment; b goes back to change answers; q saves and quits."

    # ----- moving around -----

    def _record(self, item: Item, answer: Answer) -> Event:
        previous = self.answers.get(item.id)
        self.answers[item.id] = self._with_notes(item, answer, previous)
        self.skipped.discard(item.id)
        if item.id in self._condition_refs:  # scored answers can be conditions too
            self._set_applies(applicability(self.q, self.answers))
        elif previous is None and self._applies[item.id]:
            self._answered += 1
        self._leave(item)
        return self._advance(item, Event("answered", item.id, changed=True, previous=previous))

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

    def _leave(self, item: Item) -> None:
        if not self.history or self.history[-1] != item.index:
            self.history.append(item.index)

    def _advance(self, item: Item, event: Event) -> Event:
        """Move past item: onward in the first pass, then through what is still unanswered, then review."""
        if not self.revisiting:
            items, applies = self.items, self._applies
            following = self._first(items[n] for n in range(item.index + 1, len(items)) if applies[items[n].id])
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

    def _back(self) -> Event:
        here = self.position
        while self.history:
            index = self.history.pop()
            if index != here and self._applies[self.items[index].id]:
                self._go(index)
                return Event("back", self.items[index].id)
        limit = len(self.items) if here is None else here
        earlier = [i for i in self.items[:limit] if self._applies[i.id]]
        if not earlier:
            return Event("invalid", message="This is the first question.")
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
