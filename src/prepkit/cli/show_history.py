"""Terminal rendering of history and comparisons (rich); consoles read no markup, so user text is printed as it is."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from prepkit import console
from prepkit.cli.long_table import print_long_table
from prepkit.cli.show import fmt, level_label
from prepkit.history.compare import Comparison, Delta
from prepkit.history.timeline import Entry, Row, sparkline, trends
from prepkit.results.model import provenance_counts, same_agency
from prepkit.results.store import Store
from prepkit.scoring import QuestionScore


def _signed(value: float | None) -> str:
    return fmt(value, signed=True)


def _signed_by(row: Row) -> str:
    """Who signed the result; "changed after approval" when its answers no longer match the signature."""
    approval = row.approval
    if approval is None:
        return ""
    if row.approval_changed:
        return f"{approval.name}: changed after approval"
    return f"{approval.name}, {approval.title}, {approval.date.isoformat()}"


def _plan_note(counts: dict[str, int] | None) -> str:
    if counts is None:
        return ""
    return f"{counts.get('open', 0)}/{counts.get('done', 0)}/{counts.get('verified', 0)}"


def print_history(
    rows: list[Row], store: Store, plan_counts: dict[str, dict[str, int]] | None = None, skipped: int = 0
) -> None:
    """plan_counts: result id -> the improvement plan's counts once that result moved it forward.
    skipped: result files that failed the gate (named on standard error), counted here (spec 5)."""
    out = console.out()
    left_out = f", {skipped} skipped as unreadable" if skipped else ""
    if not rows:
        out.print(f"No results in {store.results_dir!s}{left_out}.")
        return
    one_agency = all(same_agency(row.agency, rows[0].agency) for row in rows)
    versions = {f"{row.questionnaire.id} {row.version}" for row in rows}
    one_questionnaire = len(versions) == 1
    notes = [str(row.carried) if row.carried else "" for row in rows]
    signers = [_signed_by(row) for row in rows]
    plans = [_plan_note((plan_counts or {}).get(row.id)) for row in rows]
    # asked once: asked per row, as it was, it made a long table quadratic
    any_signer, any_note, any_plan = any(signers), any(notes), any(plans)
    # One column for score and level, and the questionnaire in the title when there is one: an id of
    # ~30 characters stays whole on one line at 80 columns.
    columns = [
        "date",
        *([] if one_agency else ["agency"]),
        *([] if one_questionnaire else ["questionnaire"]),
        "score, level",
        "id",
        *(["signed by"] if any_signer else []),
        *(["carried, unchecked"] if any_note else []),
        *(["plan: open/done/verified"] if any_plan else []),
    ]
    whose = f" of {rows[0].agency}" if one_agency else ""
    count = f"{len(rows)} result{'s' if len(rows) != 1 else ''}{left_out}"
    cells = [
        [
            row.date.isoformat(),
            *([] if one_agency else [row.agency]),
            *([] if one_questionnaire else [f"{row.questionnaire.id} {row.version}"]),
            _score_and_level(row),
            row.id,
            *([signer] if any_signer else []),
            *([note] if any_note else []),
            *([plan] if any_plan else []),
        ]
        for row, note, signer, plan in zip(rows, notes, signers, plans, strict=True)
    ]
    # never cut an id or a level with an ellipsis (columns fold): people copy ids into `compare` and `delete`
    which = f", questionnaire {next(iter(versions))}" if one_questionnaire else ""
    # the heading above the table, not its title: a title wraps at the table's width, which is narrow now
    out.print(Text(f"History{whose} ({count}, oldest first){which}", style="bold"))
    print_long_table(out, "", columns, cells)
    complete = [row for row in rows if row.complete]
    if one_agency and complete:
        _print_trends(complete)  # an unfinished result has no score to trend
    elif not one_agency:
        out.print("Trends are shown for one agency: add --agency.")


def _score_and_level(row: Row) -> str:
    """'60.9 Developing'; an unfinished result has no score or level (domains not reached would count as
    0), only how far it got: 'in progress, 48 of 134'."""
    if not row.complete:
        return f"in progress, {row.answered} of {row.applicable}"
    return f"{fmt(row.score)} {level_label(row.questionnaire, row.level)}".strip()


def _print_trends(rows: list[Row]) -> None:
    out = console.out()
    all_trends = trends(rows)
    for qid in dict.fromkeys(row.questionnaire.id for row in rows):
        table = Table(
            "",
            "trend (0-100)",
            "first",
            "latest",
            "change",
            title=f"{rows[0].agency} — {qid}: trend by domain",
        )
        for t in all_trends:
            if t.questionnaire != qid:
                continue
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
