"""Drawing the interview with rich and reading typed lines; the flow itself lives in prepkit.assess.interview.

Plain text first: every mark that matters (current answer, progress, critical) is readable without color
or block characters, and lines wrap at any width down to 60 columns. With --plain or TERM=dumb the
progress bar is only its text count, for screen readers.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from prepkit.assess.interview import (
    SECONDS_PER_QUESTION,
    Event,
    Interview,
    Item,
    Mode,
    Section,
    minutes_for,
    option_keys,
)
from prepkit.cli.prompt_input import read_line
from prepkit.cli.show import fmt, level_label
from prepkit.content.models import MAX_NAME, MAX_NOTE, Question, Questionnaire
from prepkit.scoring import Scorecard, held_back, score

if TYPE_CHECKING:
    from prepkit.assess.autosave import Autosave
    from prepkit.history.compare import Comparison
    from prepkit.results.model import Result

SCALE_KEYS = "scale keys"
KEYS = "/n N/A  /u don't know  ? help  /b back  /s skip  /c note  /o outline  /z undo  /q quit"
PROFILE_KEYS = "? help  /b back  /s skip  /o outline  /z undo  /q quit"
PENDING_SHOWN = 8  # per list in the review: a list of a hundred questions would push the scores off the screen
KEYS_EXPLAINED = [
    (SCALE_KEYS, "answer with the key shown: a scored answer's key is its scale value, as in answers files"),
    ("1, 2, ...", "a profile question's answers are numbered from 1"),
    ("a label", "or type the answer itself; its start is enough (n for No, part for Partially in place)"),
    ("Enter", "keep the current answer, when there is one"),
    ("/n", "not applicable to your agency: asks for a short reason"),
    ("/u", "don't know: scored as 0 and listed as something to verify"),
    ("?", "help and examples of evidence; the question is shown again after it"),
    ("/b", "back to the question before, in questionnaire order"),
    ("/s", "skip for now: skipped questions come back before the end"),
    ("/c", "add a note and evidence to the answer"),
    ("/o", "outline: every domain with what is answered; type a number, name or word to go there"),
    ("/g WORD", "go to a domain (6, planning), a question (6.3) or the question a word finds"),
    ("/z", "undo the last answer"),
    ("/q", "save and quit; continue later with prepkit resume (Ctrl-C saves too)"),
]
ECHO = "->"


def plain_wanted(plain: bool) -> bool:
    """Text instead of bars: --plain, or a terminal that says it is dumb (screen readers, logs)."""
    return plain or os.environ.get("TERM", "") == "dumb"


def local_time(moment: dt.datetime) -> str:
    """A saved time in the local time zone, with its name, e.g. '2026-12-01 18:32 CST'."""
    local = moment.astimezone()
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".rstrip()


class Screen:
    def __init__(self, out: Console, *, plain: bool = False) -> None:
        self.out = out
        self.plain = plain_wanted(plain)
        self.utf = out.encoding.lower().startswith("utf") and not self.plain
        self.plan_notes: dict[str, str] = {}  # question id -> what the improvement plan says of it

    # ----- reading -----

    def read(self, prompt: str, limit: int = MAX_NOTE, *, multiline: bool = False) -> str | None:
        """One typed line that can be saved (see prompt_input), or None when input ends (Ctrl-D)."""
        return read_line(self.out, prompt, limit=limit, multiline=multiline)

    def ask_text(self, label: str, default: str | None, *, required: bool = False) -> str | None:
        shown = f"{label} [{default}]: " if default else f"{label}: "
        while True:
            line = self.read(shown, MAX_NAME)
            if line is None:
                return None
            text = line.strip() or (default or "")
            if text or not required:
                return text
            self.out.print(f"Please type the {label.lower()}.")

    def confirm(self, question: str) -> bool:
        while True:
            self.out.print(Text(question))
            line = self.read("Yes or no [Y/n]: ")
            if line is None:
                return False
            answer = line.strip().casefold()
            if answer in ("", "y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            self.out.print("Type y or n.")

    def choose(self, question: str, count: int) -> int | None:
        """A number from 1 to count (Enter picks 1), as an index; None when input ends."""
        while True:
            line = self.read(f"{question} [1-{count}, Enter for 1]: ")
            if line is None:
                return None
            text = line.strip() or "1"
            if text.isdigit() and 1 <= int(text) <= count:
                return int(text) - 1
            self.out.print(f"Type a number from 1 to {count}.")

    # ----- the loop -----

    def run(self, interview: Interview, save: Callable[[], object]) -> Mode:
        """Ask until the interview is finished or the user quits; save after every change."""
        drawn: object = None
        while interview.mode not in (Mode.DONE, Mode.QUIT):
            where = interview.mode if interview.mode in (Mode.REVIEW, Mode.OUTLINE) else interview.position
            if where != drawn:
                self.draw(interview)
                drawn = where
            free_text = interview.mode in (Mode.NOTE, Mode.EVIDENCE, Mode.NA_REASON)
            line = self.read(self.prompt(interview), multiline=free_text)
            if line is None:
                interview.quit()
                break
            before = interview.current
            event = interview.handle(line)
            if event.changed:
                save()
            self.after(interview, event, before)
            if event.kind in ("review", "back", "skipped", "help", "outline", "jumped", "undone"):
                drawn = None
        return interview.mode

    def draw(self, interview: Interview) -> None:
        if interview.mode is Mode.REVIEW:
            self.review(interview)
        elif interview.mode is Mode.OUTLINE:
            self.outline(interview)
        elif interview.current is not None:
            self.question(interview, interview.current)

    def prompt(self, interview: Interview) -> str:
        item = interview.current
        if interview.mode is Mode.OUTLINE:
            return "Go to (number, name or word; Enter returns): "
        if interview.mode is Mode.REVIEW or item is None:
            return "Your choice: "
        note, evidence = interview.note_of(item)
        if interview.mode is Mode.NA_REASON:
            existing = interview.answers.get(item.id)
            if existing is not None and existing.kind == "na" and existing.note:
                return f"Why does it not apply? [{existing.note}]: "
            return "Why does it not apply here? (Enter cancels): "
        if interview.mode is Mode.NOTE:
            return f"Note [{note}] (Enter keeps, - clears): " if note else "Note (Enter for none): "
        if interview.mode is Mode.EVIDENCE:
            if evidence:
                return f"Evidence [{evidence}] (Enter keeps, - clears): "
            return "Evidence, e.g. a document and where it is (Enter for none): "
        current = interview.answer_text(item)
        return f"Answer [{current}]: " if current else "Answer: "

    def after(self, interview: Interview, event: Event, before: Item | None = None) -> None:
        if event.kind == "help" and interview.current is not None:
            self.help(interview, interview.current)
        elif event.kind == "answered" and event.item is not None:
            item = interview.item(event.item)
            answer = interview.answers.get(item.id)
            shown = interview.answer_text(item) or ""
            if answer is not None and answer.kind == "na" and answer.note:
                shown += f" ({answer.note})"
            self.out.print(Text(f"{ECHO} {shown}", style="bold"))
        elif event.kind == "skipped" and not event.message:
            later = "it is listed at the end" if interview.revisiting else "it comes back before the end"
            self.out.print(f"Skipped; {later}.", style="dim")
        if event.message:
            style = "yellow" if event.kind in ("invalid", "na-cancelled") else "cyan"
            self.out.print(Text(event.message, style=style))
        for line in event.listing:
            self.out.print(Text(f"  {line}"))
        if (
            event.kind in ("answered", "kept", "skipped")
            and before is not None
            and interview.ends_section(before)
            and (interview.current is None or interview.current.domain is not before.domain)
        ):
            self.domain_line(interview, before)

    def domain_line(self, interview: Interview, item: Item) -> None:
        """One line at the end of a domain: its score and level, and why a level is held back."""
        assert item.domain is not None
        card = score(interview.q, interview.final_answers())
        domain = next(d for d in card.domains if d.id == item.domain.id)
        if domain.score is None:
            text = f"{domain.title} done: not assessed (nothing counted)."
        else:
            why = self.held_text(interview, card, domain.id)
            text = f"{domain.title} done: " + _sentence(
                why or f"{fmt(domain.score)}, {level_label(interview.q, domain.level)}"
            )
        self.out.print(Text(text, style="bold"))

    def held_text(self, interview: Interview, card: Scorecard, domain: str | None) -> str | None:
        """'75.0, held at Developing: 1 critical item not fully in place: <question>', or None."""
        held = held_back(interview.q, card, domain)
        if held is None:
            return None
        reached, missing = held
        value = card.score if domain is None else next(d.score for d in card.domains if d.id == domain)
        level = card.level if domain is None else next(d.level for d in card.domains if d.id == domain)
        texts = [interview.item(qid).question.text for qid in missing[:2]]
        more = f"; and {len(missing) - 2} more" if len(missing) > 2 else ""
        items = "critical item" if len(missing) == 1 else "critical items"
        return (
            f"{fmt(value)}, held at {level_label(interview.q, level)} (the score reaches {reached.label}): "
            f"{len(missing)} {items} not fully in place: {'; '.join(texts)}{more}"
        )

    # ----- screens -----

    def intro(self, q: Questionnaire) -> None:
        self.out.print()
        self.out.print(Text(f"{q.title} ({q.version})", style="bold"))
        if q.summary:
            self.out.print(Text(q.summary.strip()))
        profile = f" and {len(q.profile)} about your agency" if q.profile else ""
        self.out.print(
            f"{q.question_count()} questions in {len(q.domains)} domains{profile}; those that do "
            "not apply to your agency are left out."
        )
        least, most = Interview(q).scored_count(), q.question_count()
        default = q.default_scale or next(iter(q.scales))
        keys = ", ".join(option_keys([o.value for o in q.scales[default]]))
        span = f"{least} to {most}" if least != most else str(most)
        time = minutes_for(least), minutes_for(most)
        minutes = f"{time[0]} to {time[1]}" if time[0] != time[1] else str(time[0])
        self.out.print(
            f"It takes about {minutes} minutes: {span} questions apply, depending on the profile questions, "
            f"at about {SECONDS_PER_QUESTION} seconds each. You can stop at any point (/q or Ctrl-C) and "
            "continue later with prepkit resume."
        )
        self.out.print()
        self.out.print(Text("How answering works", style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for key, meaning in KEYS_EXPLAINED:
            grid.add_row(keys if key == SCALE_KEYS else key, meaning)
        self.out.print(Padding(grid, (0, 0, 0, 2), expand=False))
        self.out.print(
            "Commands start with / so that they never stand for an answer; ?, na and unknown work alone too. "
            "Every answer is saved at once; nothing is lost if you are interrupted."
        )
        self.out.print()

    def question(self, interview: Interview, item: Item) -> None:
        number, count = interview.section_position(item)
        self.out.print()
        self.out.rule(Text(f"{item.section} {number}/{count}", style="bold"), style="dim")
        self.out.print(self.where_line(interview, item))
        scale = interview.scale_name(item)
        if scale:
            keys = ", ".join(f"{o.key} {o.label}" for o in interview.options(item))
            changed = "The scale changes: " if interview.scale_changed(item) else ""
            self.out.print(Text(f"{changed}{scale} ({keys})", style="bold"))
        question = item.question
        text = Text(question.text, style="bold")
        if isinstance(question, Question) and question.critical:
            text.append(" (critical)", style="magenta")
        self.out.print(text)
        if item.id in self.plan_notes:
            self.out.print(Text(self.plan_notes[item.id], style="yellow"))
        current = interview.answers.get(item.id)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column()
        for option in interview.options(item):
            chosen = (
                current is not None
                and (option.answer.value, option.answer.choice) == (current.value, current.choice)
                and current.kind in ("value", "choice")
            )
            label = Text(option.label, style="bold" if chosen else "")
            if option.description:
                label.append(f" - {option.description}", style="dim")
            grid.add_row(">" if chosen else " ", option.key, label)
        self.out.print(Padding(grid, (0, 0, 0, 1), expand=False))
        if current is not None and current.kind in ("na", "unknown"):
            self.out.print(f"  Current answer: {interview.answer_text(item)}")
        note, evidence = interview.note_of(item)
        if note:
            self.out.print(Text(f"  Note: {note}", style="dim"))
        if evidence:
            self.out.print(Text(f"  Evidence: {evidence}", style="dim"))
        keys = PROFILE_KEYS if item.is_profile else KEYS if item.na_allowed else KEYS.replace("/n N/A  ", "")
        self.out.print(Text(_packed(keys, self.out.width), style="dim"))

    def where_line(self, interview: Interview, item: Item) -> Text:
        """Which domain of how many, and the progress: before the profile is done, no total (it would jump)."""
        if item.is_profile:
            return Text("About your agency: these answers decide which questions apply.")
        domains = len(interview.q.domains)
        line = Text(f"Domain {interview.section_number(item)} of {domains} | ")
        line.append_text(self.progress_line(interview))
        return line

    def progress_line(self, interview: Interview) -> Text:
        if interview.confirming:
            confirmed, carried, total = interview.rerun_progress()
            answered = confirmed
            count = f"{confirmed} confirmed, {carried} carried over, of {total}"
        else:
            answered, total = interview.progress()
            count = f"{answered} of {total} answered"
        if self.plain:
            return Text(count)
        width = max(10, min(30, self.out.width - 60))
        done = round(width * answered / total) if total else width
        full, empty = ("█", "░") if self.utf else ("#", "-")
        line = Text(full * done, style="green")
        line.append(empty * (width - done), style="dim")
        line.append(f" {count}")
        return line

    def help(self, interview: Interview, item: Item) -> None:
        question = item.question
        self.out.print(
            Text(question.help.strip() if question.help else "No further help for this question.", style="cyan")
        )
        if isinstance(question, Question):
            if question.evidence:
                self.out.print("Evidence that would show it:")
                for example in question.evidence:
                    self._bullet(example)
            if question.critical:
                self.out.print("Critical: the top levels need this fully in place.")
            assert item.domain is not None
            library = interview.q.library
            found = [library[rid] for rid in interview.q.resources_for(item.domain, question) if rid in library]
            if found:
                self.out.print("Resources:")
            for resource in found:
                self._bullet(resource.title)
                if resource.url:  # soft wrap keeps a long address whole, to copy or click
                    self.out.print(Text(f"    {resource.url}", style="dim"), soft_wrap=True)

    def _bullet(self, text: str) -> None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        grid.add_row("-", Text(text))
        self.out.print(Padding(grid, (0, 0, 0, 2), expand=False))

    def outline(self, interview: Interview, card: Scorecard | None = None) -> None:
        """Every section with its number (to go there), answered/total, and what is left to check."""
        narrow = self.out.width < 80  # one line per section, so that the outline fits 24 rows
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=narrow)
        table.add_column("#", no_wrap=True)
        if narrow:
            table.add_column("section", no_wrap=True, overflow="ellipsis", ratio=1)
        else:
            table.add_column("section", overflow="fold")
        table.add_column("answered" if not narrow else "done", no_wrap=True)
        if card is not None:
            table.add_column("score", no_wrap=True)
            table.add_column("level", no_wrap=narrow)
        table.add_column("to check", no_wrap=narrow)
        by_id = {d.id: d for d in card.domains} if card is not None else {}
        for section in interview.sections():
            notes = _section_notes(section)
            row = [str(section.number), section.title, f"{section.answered}/{len(section.items)}"]
            if card is not None:
                domain = by_id.get(section.domain.id) if section.domain is not None else None
                row += [fmt(domain.score), level_label(interview.q, domain.level)] if domain else ["", ""]
            table.add_row(*row, notes)
        if card is not None:
            table.add_row(
                "", Text("Overall", style="bold"), "", fmt(card.score), level_label(interview.q, card.level), ""
            )
        if interview.mode is Mode.OUTLINE:
            self.out.print()
            self.out.rule(Text("Outline", style="bold"), style="dim")
        self.out.print(table)
        if interview.mode is Mode.OUTLINE:
            self.out.print(
                "Type a section's number (6) or name, a question's number (6.3) or a search word; "
                "Enter returns to the question.",
                style="dim",
            )

    def review(self, interview: Interview) -> None:
        q = interview.q
        card = score(q, interview.final_answers())
        self.out.print()
        self.out.rule(Text("Review", style="bold"), style="dim")
        self.out.print(self.progress_line(interview))
        self.outline(interview, card)
        reasons = [(d.title, self.held_text(interview, card, d.id)) for d in card.domains]
        reasons.append(("Overall", self.held_text(interview, card, None)))
        for title, why in reasons:
            if why:
                self.out.print(Text(f"{title}: {_sentence(why)}"))
        self._listed(interview, "Unanswered", interview.pending(), "/s")
        self._listed(interview, "Don't know", interview.unknown_items(), "/u")
        self._listed(interview, "Critical items not fully in place", interview.critical_gaps(), "/c")
        if not interview.pending():
            self.out.print("Every question that applies has an answer.")
        self.out.print(interview.review_hint(), style="dim")

    def _listed(self, interview: Interview, title: str, items: list[Item], key: str) -> None:
        if not items:
            return
        self.out.print(Text(f"{title} ({len(items)}; {key} goes through them):", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for item in items[:PENDING_SHOWN]:
            grid.add_row(Text(interview.reference(item)), Text(item.question.text))
        self.out.print(Padding(grid, (0, 0, 0, 2), expand=False))
        if len(items) > PENDING_SHOWN:
            self.out.print(f"  and {len(items) - PENDING_SHOWN} more.")

    def in_progress_table(self, rows: list[tuple[Result, str, str]], skipped: int = 0) -> None:
        """Each in-progress result with its questionnaire title and progress, numbered to choose from;
        skipped: files that failed the checks (already named on standard error)."""
        left_out = f" ({skipped} skipped as unreadable)" if skipped else ""
        self.out.print(Text(f"Assessments in progress{left_out}", style="bold"))
        for n, (result, title, answered) in enumerate(rows, 1):
            self.out.print(Text(f"{n:>2}  {result.agency} - {title}"))
            self.out.print(Text(f"    {answered}, saved {local_time(result.updated)}"))
            self.out.print(Text(f"    id: {result.id}", style="dim"), soft_wrap=True)

    def quit_message(self, autosave: Autosave, interview: Interview, *, interrupted: bool = False) -> None:
        if not autosave.saved:
            self.out.print("Nothing answered yet, so nothing was saved.")
            return
        answered, total = interview.progress()
        lead = "Interrupted. " if interrupted else ""
        left = total - answered
        if not interview.profile_done():
            self.out.print(f"{lead}Saved the profile answers given so far; continue any time with:")
        else:
            self.out.print(
                f"{lead}Saved {answered} of {total} answers ({left} left, about {minutes_for(left)} minutes); "
                "continue any time with:"
            )
        # soft wrap: a command split by inserted line breaks would not paste back whole
        from prepkit.cli.app import command_name

        self.out.print(Text(f"  {command_name()} resume {autosave.result.id}", style="bold"), soft_wrap=True)

    def resuming(self, result: Result) -> None:
        title = result.snapshot.questionnaire.title if result.snapshot else result.questionnaire.id
        self.out.print(
            Text(
                f"Continuing the assessment of {result.agency} with {title}, started {local_time(result.created)}.",
                style="bold",
            )
        )

    def saved(self, path: Path) -> None:
        self.out.print(Text(f"Saved the complete assessment: {path}"), soft_wrap=True)


def _packed(keys: str, width: int) -> str:
    """The key line wrapped between keys, never between a key and its meaning."""
    lines: list[str] = []
    for chunk in keys.split("  "):
        if lines and len(lines[-1]) + 2 + len(chunk) <= width:
            lines[-1] += "  " + chunk
        else:
            lines.append(chunk)
    return "\n".join(lines)


def _sentence(text: str) -> str:
    """text ending in one full stop (a question quoted at its end keeps its question mark)."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _section_notes(section: Section) -> str:
    notes = []
    if section.skipped:
        notes.append(f"{section.skipped} skipped")
    if section.unknown:
        notes.append(f"{section.unknown} don't know")
    if section.critical_gaps:
        notes.append(f"{len(section.critical_gaps)} critical gap" + ("s" if len(section.critical_gaps) > 1 else ""))
    if not section.items:
        notes.append("does not apply")
    return ", ".join(notes)


def print_comparison(out: Console, before: Result, comparison: Comparison) -> None:
    utf = out.encoding.lower().startswith("utf")
    out.print()
    out.print(Text(f"Compared with the assessment of {before.date:%Y-%m-%d}", style="bold"))
    table = Table("", "before", "now", "change", box=None, padding=(0, 1), show_edge=False)
    table.add_row(
        Text("Overall", style="bold"),
        fmt(comparison.overall.before),
        fmt(comparison.overall.after),
        _arrow(comparison.overall.delta, utf),
    )
    for domain in comparison.domains:
        table.add_row(domain.title, fmt(domain.before), fmt(domain.after), _arrow(domain.delta, utf))
    out.print(table)
    closed, new = len(comparison.closed_gaps), len(comparison.new_gaps)
    counts = [
        f"{len(comparison.improved)} improved",
        f"{len(comparison.regressed)} regressed",
        f"{closed} {'gap' if closed == 1 else 'gaps'} closed",
        f"{new} new {'gap' if new == 1 else 'gaps'}",
    ]
    out.print("Questions: " + ", ".join(counts) + ".")


def _arrow(delta: float | None, utf: bool) -> Text:
    if delta is None:
        return Text("-")
    up, down, same = ("↑", "↓", "→") if utf else ("+", "-", "=")
    text = fmt(delta, signed=True)
    if text.startswith("+"):
        return Text(f"{up} {text}", style="green")
    if text.startswith("-"):
        return Text(f"{down} {text}", style="red")
    return Text(f"{same} 0.0")
