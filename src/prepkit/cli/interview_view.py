"""Drawing the interview with rich and reading typed lines; the flow itself lives in prepkit.assess.interview.

Plain text first: every mark that matters (current answer, progress) is readable without color, and
lines wrap at any width down to 60 columns.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from prepkit.assess.interview import Event, Interview, Item, Mode
from prepkit.cli.prompt_input import read_line
from prepkit.cli.show import fmt, level_label
from prepkit.content.models import MAX_NAME, MAX_NOTE, Question, Questionnaire
from prepkit.scoring import score

if TYPE_CHECKING:
    from prepkit.assess.autosave import Autosave
    from prepkit.history.compare import Comparison
    from prepkit.results.model import Result

KEYS = "n N/A  u don't know  ? help  b back  s skip  c note  q quit"
PENDING_SHOWN = 15  # a review listing a hundred questions would push the scores off the screen
PROFILE_KEYS = "? help  b back  s skip  q quit"
KEYS_EXPLAINED = [
    ("1, 2, ...", "answer with the number shown, or type the answer's label (its start is enough)"),
    ("Enter", "keep the current answer, when there is one"),
    ("n", "not applicable to your agency: asks for a short reason"),
    ("u", "don't know: scored as 0 and listed as something to verify"),
    ("?", "help and examples of evidence for the question"),
    ("b", "back to the previous question, to change its answer"),
    ("s", "skip for now: skipped questions come back before the end"),
    ("c", "add a note and evidence to the answer"),
    ("q", "save and quit; continue later with prepkit resume"),
]


class Screen:
    def __init__(self, out: Console) -> None:
        self.out = out
        self.utf = out.encoding.lower().startswith("utf")
        self.plan_notes: dict[str, str] = {}  # question id -> what the improvement plan says of it

    # ----- reading -----

    def read(self, prompt: str, limit: int = MAX_NOTE) -> str | None:
        """One typed line that can be saved (see prompt_input), or None when input ends (Ctrl-D)."""
        return read_line(self.out, prompt, limit=limit)

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
            where = "review" if interview.mode is Mode.REVIEW else interview.position
            if where != drawn:
                self.draw(interview)
                drawn = where
            line = self.read(self.prompt(interview))
            if line is None:
                interview.quit()
                break
            event = interview.handle(line)
            if event.changed:
                save()
            self.after(interview, event)
            if event.kind in ("review", "back", "skipped"):
                drawn = None
        return interview.mode

    def draw(self, interview: Interview) -> None:
        if interview.mode is Mode.REVIEW:
            self.review(interview)
        elif interview.current is not None:
            self.question(interview, interview.current)

    def prompt(self, interview: Interview) -> str:
        item = interview.current
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

    def after(self, interview: Interview, event: Event) -> None:
        if event.kind == "help" and interview.current is not None:
            self.help(interview, interview.current)
        elif event.kind == "skipped" and not event.message:
            later = "it is listed at the end" if interview.revisiting else "it comes back before the end"
            self.out.print(f"Skipped; {later}.", style="dim")
        if event.message:
            style = "yellow" if event.kind in ("invalid", "na-cancelled") else "cyan"
            self.out.print(Text(event.message, style=style))

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
        self.out.print()
        self.out.print(Text("How answering works", style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for key, meaning in KEYS_EXPLAINED:
            grid.add_row(key, meaning)
        self.out.print(Padding(grid, (0, 0, 0, 2), expand=False))
        self.out.print("Every answer is saved at once; nothing is lost if you are interrupted.")
        self.out.print()

    def question(self, interview: Interview, item: Item) -> None:
        number, count = interview.section_position(item)
        self.out.print()
        self.out.rule(Text(f"{item.section} {number}/{count}", style="bold"), style="dim")
        self.out.print(self.progress_line(*interview.progress()))
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
        self.out.print(
            PROFILE_KEYS if item.is_profile else KEYS if item.na_allowed else KEYS.replace("n N/A  ", ""), style="dim"
        )

    def progress_line(self, answered: int, total: int) -> Text:
        width = max(10, min(30, self.out.width - 24))
        done = round(width * answered / total) if total else width
        full, empty = ("█", "░") if self.utf else ("#", "-")
        line = Text(full * done, style="green")
        line.append(empty * (width - done), style="dim")
        line.append(f" {answered}/{total} answered")
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

    def review(self, interview: Interview) -> None:
        q = interview.q
        card = score(q, interview.final_answers())
        self.out.print()
        self.out.rule(Text("Review", style="bold"), style="dim")
        self.out.print(self.progress_line(*interview.progress()))
        table = Table("domain", "score", "level", box=None, padding=(0, 1), show_edge=False)
        for domain in card.domains:
            table.add_row(domain.title, fmt(domain.score), level_label(q, domain.level))
        table.add_row(Text("Overall", style="bold"), fmt(card.score), level_label(q, card.level))
        self.out.print(table)
        pending = interview.pending()
        if pending:
            self.out.print(Text(f"Still unanswered ({len(pending)}):", style="bold yellow"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column()
            for item in pending[:PENDING_SHOWN]:
                number, _ = interview.section_position(item)
                grid.add_row(Text(f"{item.section} {number}"), Text(item.question.text))
            self.out.print(Padding(grid, (0, 0, 0, 2), expand=False))
            if len(pending) > PENDING_SHOWN:
                self.out.print(f"  and {len(pending) - PENDING_SHOWN} more.")
        else:
            self.out.print("Every question that applies has an answer.")
        self.out.print(interview.review_hint(), style="dim")

    def in_progress_table(self, rows: list[tuple[Result, str, str]]) -> None:
        """Each in-progress result with its questionnaire title and progress, numbered to choose from."""
        self.out.print(Text("Assessments in progress", style="bold"))
        for n, (result, title, answered) in enumerate(rows, 1):
            self.out.print(Text(f"{n:>2}  {result.agency} - {title}"))
            self.out.print(Text(f"    {answered}, saved {result.updated:%Y-%m-%d %H:%M} UTC"))
            self.out.print(Text(f"    id: {result.id}", style="dim"), soft_wrap=True)

    def quit_message(self, autosave: Autosave, interview: Interview, *, interrupted: bool = False) -> None:
        if not autosave.saved:
            self.out.print("Nothing answered yet, so nothing was saved.")
            return
        answered, total = interview.progress()
        lead = "Interrupted. " if interrupted else ""
        self.out.print(f"{lead}Saved {answered} of {total} answers; continue any time with:")
        # soft wrap: a command split by inserted line breaks would not paste back whole
        from prepkit.cli.app import command_name

        self.out.print(Text(f"  {command_name()} resume {autosave.result.id}", style="bold"), soft_wrap=True)

    def resuming(self, result: Result) -> None:
        title = result.snapshot.questionnaire.title if result.snapshot else result.questionnaire.id
        self.out.print(
            Text(
                f"Continuing the assessment of {result.agency} with {title}, started {result.created:%Y-%m-%d}.",
                style="bold",
            )
        )

    def saved(self, path: Path) -> None:
        self.out.print(Text(f"Saved the complete assessment: {path}"), soft_wrap=True)


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
