"""Terminal rendering of history and comparisons (rich); consoles read no markup, so user text is printed as it is."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from prepkit import console
from prepkit.assess.rerun import provenance_counts
from prepkit.cli.show import fmt, level_label
from prepkit.history.compare import Comparison, Delta
from prepkit.history.timeline import Entry, sparkline, trends
from prepkit.results.model import same_agency
from prepkit.results.store import Store
from prepkit.scoring import QuestionScore


def _signed(value: float | None) -> str:
    return fmt(value, signed=True)


def _signed_by(entry: Entry) -> str:
    """Who signed the result; "changed after approval" when its answers no longer match the signature."""
    from prepkit.results.approval import approval_state

    approval = entry.result.approval
    if approval is None:
        return ""
    if approval_state(entry.result) == "changed":
        return f"{approval.name}: changed after approval"
    return f"{approval.name}, {approval.title}, {approval.date.isoformat()}"


def _carried_note(entry: Entry) -> str:
    carried = provenance_counts(entry.result)["carried"]
    return str(carried) if carried else ""


def _plan_note(counts: dict[str, int] | None) -> str:
    if counts is None:
        return ""
    return f"{counts.get('open', 0)}/{counts.get('done', 0)}/{counts.get('verified', 0)}"


def print_history(entries: list[Entry], store: Store, plan_counts: dict[str, dict[str, int]] | None = None) -> None:
    """plan_counts: result id -> the improvement plan's counts once that result moved it forward."""
    out = console.out()
    if not entries:
        out.print(f"No results in {store.results_dir!s}.")
        return
    one_agency = all(same_agency(e.result.agency, entries[0].result.agency) for e in entries)
    notes = [_carried_note(e) for e in entries]
    signers = [_signed_by(e) for e in entries]
    plans = [_plan_note((plan_counts or {}).get(e.result.id)) for e in entries]
    columns = [
        "date",
        *([] if one_agency else ["agency"]),
        "questionnaire",
        "complete",
        "score",
        "level",
        "id",
        *(["signed by"] if any(signers) else []),
        *(["carried, unchecked"] if any(notes) else []),
        *(["plan: open/done/verified"] if any(plans) else []),
    ]
    whose = f" of {entries[0].result.agency}" if one_agency else ""
    count = f"{len(entries)} result{'s' if len(entries) != 1 else ''}"
    table = Table(title=f"History{whose} ({count}, oldest first)")
    for column in columns:
        # never cut an id or a level with an ellipsis: people copy ids into `compare` and `delete`
        table.add_column(column, overflow="fold")
    for e, note, signer, plan in zip(entries, notes, signers, plans, strict=True):
        r = e.result
        cells = [
            r.date.isoformat(),
            *([] if one_agency else [r.agency]),
            f"{r.questionnaire.id} {r.questionnaire.version}",
            "yes" if e.card.complete else "no",
            fmt(e.card.score),
            level_label(e.questionnaire, e.card.level),
            r.id,
        ]
        table.add_row(
            *cells,
            *([signer] if any(signers) else []),
            *([note] if any(notes) else []),
            *([plan] if any(plans) else []),
        )
    out.print(table)
    if one_agency:
        _print_trends(entries)
    else:
        out.print("Trends are shown for one agency: add --agency.")


def _print_trends(entries: list[Entry]) -> None:
    out = console.out()
    for qid in dict.fromkeys(e.result.questionnaire.id for e in entries):
        rows = [t for t in trends(entries) if t.questionnaire == qid]
        table = Table(
            "",
            "trend (0-100)",
            "first",
            "latest",
            "change",
            title=f"{entries[0].result.agency} — {qid}: trend by domain",
        )
        for t in rows:
            first = next((s for s in t.scores if s is not None), None)
            latest = t.scores[-1]
            change = Delta(before=first, after=latest).shown()[2] if len(t.scores) > 1 else None
            name = Text(t.title, style="" if t.key else "bold")
            table.add_row(name, sparkline(t.scores), fmt(first), fmt(latest), _signed(change))
        out.print(table)


def print_comparison(old: Entry, new: Entry, comparison: Comparison) -> None:
    out = console.out()
    for label, e in (("Before", old), ("After", new)):
        r = e.result
        out.print(
            f"{label}: {r.date.isoformat()} {r.agency}, {e.questionnaire.title} {r.questionnaire.version} ({r.id})"
        )
    before, after, delta = comparison.overall.shown()
    out.print(
        f"Overall: {fmt(before)} → {fmt(after)} ({_signed(delta)}), "
        f"{level_label(old.questionnaire, old.card.level)} → "
        f"{level_label(new.questionnaire, new.card.level)}"
    )
    table = Table("domain", "before", "after", "change", title="Domains")
    for d in comparison.domains:
        b, a, change = d.shown()
        table.add_row(d.title, fmt(b), fmt(a), _signed(change))
    out.print(table)
    _print_lists(old, new, comparison)
    carried = provenance_counts(new.result)["carried"]
    if carried:
        out.print(
            console.bold(
                "Note:",
                f" {carried} answers of the later result were carried over from an earlier "
                "result without being checked again.",
            )
        )


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
    sections = [
        ("Improved", comparison.improved),
        ("Regressed", comparison.regressed),
        ("Gaps closed", comparison.closed_gaps),
        ("New gaps", comparison.new_gaps),
        ("Not comparable (counted on one side only)", comparison.not_comparable),
    ]
    for title, ids in sections:
        if not ids:
            continue
        out.print(console.bold(f"{title} ({len(ids)})"))
        for qid in ids:
            was = comparison.matches.get(qid)
            then = old_answer.get(was, "not asked") if was else "new question"
            renamed = f" (was {was})" if was and was != qid else ""
            out.print(f"  {qid}{renamed}: {new_text[qid]} — {then} → {new_answer[qid]}")
    if comparison.renamed:
        out.print(console.bold(f"Matched across a change of id ({len(comparison.renamed)})"))
        for qid, was in comparison.renamed.items():
            out.print(f"  {qid} (was {was}): {old_answer[was]} → {new_answer[qid]}")
    if comparison.removed:
        out.print(console.bold(f"Removed from the questionnaire ({len(comparison.removed)})"))
        for qid in comparison.removed:
            out.print(f"  {qid}: {old_text[qid]} — was {old_answer[qid]}")
