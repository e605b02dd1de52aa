"""Terminal rendering of history and comparisons (rich); user text is always escaped."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from .. import console
from ..compare import Comparison, Delta
from ..history import Entry, same_agency, sparkline, trends
from ..rerun import provenance_counts
from ..scoring import QuestionScore
from ..store import Store
from .show import fmt, level_label


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _carried_note(entry: Entry) -> str:
    carried = provenance_counts(entry.result)["carried"]
    return str(carried) if carried else ""


def print_history(entries: list[Entry], store: Store) -> None:
    out = console.out()
    if not entries:
        out.print(f"No results in {escape(str(store.results_dir))}.")
        return
    one_agency = all(same_agency(e.result.agency, entries[0].result.agency) for e in entries)
    notes = [_carried_note(e) for e in entries]
    columns = ["date", *([] if one_agency else ["agency"]), "questionnaire", "complete", "score", "level", "id",
               *(["carried, unchecked"] if any(notes) else [])]
    whose = f" of {escape(entries[0].result.agency)}" if one_agency else ""
    count = f"{len(entries)} result{'s' if len(entries) != 1 else ''}"
    table = Table(title=f"History{whose} ({count}, oldest first)")
    for column in columns:
        # never cut an id or a level with an ellipsis: people copy ids into `compare` and `delete`
        table.add_column(column, overflow="fold")
    for e, note in zip(entries, notes, strict=True):
        r = e.result
        cells = [r.date.isoformat(), *([] if one_agency else [escape(r.agency)]),
                 escape(f"{r.questionnaire.id} {r.questionnaire.version}"), "yes" if e.card.complete else "no",
                 fmt(e.card.score), escape(level_label(e.questionnaire, e.card.level)), escape(r.id)]
        table.add_row(*cells, *([note] if any(notes) else []))
    out.print(table)
    if one_agency:
        _print_trends(entries)
    else:
        out.print("Trends are shown for one agency: add --agency.")


def _print_trends(entries: list[Entry]) -> None:
    out = console.out()
    for qid in dict.fromkeys(e.result.questionnaire.id for e in entries):
        rows = [t for t in trends(entries) if t.questionnaire == qid]
        table = Table("", "trend (0-100)", "first", "latest", "change",
                      title=f"{escape(entries[0].result.agency)} — {escape(qid)}: trend by domain")
        for t in rows:
            first = next((s for s in t.scores if s is not None), None)
            latest = t.scores[-1]
            change = Delta(before=first, after=latest).shown()[2] if len(t.scores) > 1 else None
            name = f"[bold]{escape(t.title)}[/]" if not t.key else escape(t.title)
            table.add_row(name, sparkline(t.scores), fmt(first), fmt(latest), _signed(change))
        out.print(table)


def print_comparison(old: Entry, new: Entry, comparison: Comparison) -> None:
    out = console.out()
    for label, e in (("Before", old), ("After", new)):
        r = e.result
        out.print(f"{label}: {r.date.isoformat()} {escape(r.agency)}, {escape(e.questionnaire.title)} "
                  f"{escape(r.questionnaire.version)} ({escape(r.id)})")
    before, after, delta = comparison.overall.shown()
    out.print(f"Overall: {fmt(before)} → [bold]{fmt(after)}[/] ({_signed(delta)}), "
              f"{escape(level_label(old.questionnaire, old.card.level))} → "
              f"{escape(level_label(new.questionnaire, new.card.level))}")
    table = Table("domain", "before", "after", "change", title="Domains")
    for d in comparison.domains:
        b, a, change = d.shown()
        table.add_row(escape(d.title), fmt(b), fmt(a), _signed(change))
    out.print(table)
    _print_lists(old, new, comparison)
    carried = provenance_counts(new.result)["carried"]
    if carried:
        out.print(f"[bold]Note:[/] {carried} answers of the later result were carried over from an earlier "
                  "result without being checked again.")


def _answer(item: QuestionScore) -> str:
    if item.status == "not-applicable":
        return "does not apply"
    return item.answer or "unanswered"


def _print_lists(old: Entry, new: Entry, comparison: Comparison) -> None:
    out = console.out()
    new_text = {q.id: q.text for _, q in new.questionnaire.questions()}
    old_text = {q.id: q.text for _, q in old.questionnaire.questions()}
    old_answer = {s.id: _answer(s) for s in old.card.questions}
    new_answer = {s.id: _answer(s) for s in new.card.questions}
    sections = [("Improved", comparison.improved), ("Regressed", comparison.regressed),
                ("Gaps closed", comparison.closed_gaps), ("New gaps", comparison.new_gaps),
                ("Not comparable (counted on one side only)", comparison.not_comparable)]
    for title, ids in sections:
        if not ids:
            continue
        out.print(f"[bold]{title} ({len(ids)})[/]")
        for qid in ids:
            was = comparison.matches.get(qid)
            then = old_answer.get(was, "not asked") if was else "new question"
            renamed = f" (was {escape(was)})" if was and was != qid else ""
            out.print(f"  {escape(qid)}{renamed}: {escape(new_text[qid])} — {escape(then)} → "
                      f"{escape(new_answer[qid])}")
    if comparison.renamed:
        out.print(f"[bold]Matched across a change of id ({len(comparison.renamed)})[/]")
        for qid, was in comparison.renamed.items():
            out.print(f"  {escape(qid)} (was {escape(was)}): {escape(old_answer[was])} → {escape(new_answer[qid])}")
    if comparison.removed:
        out.print(f"[bold]Removed from the questionnaire ({len(comparison.removed)})[/]")
        for qid in comparison.removed:
            out.print(f"  {escape(qid)}: {escape(old_text[qid])} — was {escape(old_answer[qid])}")
