"""Terminal rendering of a roll-up (rich); consoles read no markup, so user text is printed as it is."""

from __future__ import annotations

from rich.table import Table

from prepkit import console
from prepkit.cli.show import fmt
from prepkit.team.summary import CommonGap, Rollup


def print_rollup(rollup: Rollup, *, named: bool = False) -> None:
    out = console.out()
    out.print(
        console.bold(
            rollup.title,
            f" ({', '.join(rollup.versions) or '—'}): "
            f"{rollup.agencies} agencies from {rollup.files} files"
            + (f", {rollup.skipped} skipped" if rollup.skipped else ""),
        )
    )
    levels = Table("level", "agencies", title="Agencies per level")
    for level in rollup.levels:
        levels.add_row(level.label, str(level.agencies))
    out.print(levels)
    domains = Table("domain", "agencies", "min", "Q1", "median", "Q3", "max", title="Domain scores")
    for d in rollup.domains:
        domains.add_row(d.title, str(d.agencies), fmt(d.min), fmt(d.q1), fmt(d.median), fmt(d.q3), fmt(d.max))
    out.print(domains)
    _print_gaps(rollup.critical_gaps, "Most common critical gaps", rollup.agencies)
    _print_gaps(rollup.common_gaps, "Most common gaps", rollup.agencies)
    m = rollup.movement
    out.print(
        f"Since their previous result: {m.improved} improved, {m.slipped} slipped, {m.unchanged} unchanged; "
        f"{m.no_previous} without an earlier result"
    )
    p = rollup.plan
    share = "—" if p.share_planned is None else f"{p.share_planned:.0%}"
    out.print(
        f"Improvement plans: {p.agencies_with_plan} of {rollup.agencies} agencies; {share} of critical gaps "
        f"({p.critical_gaps_planned} of {p.critical_gaps}) have an owner and a due date; "
        f"{p.verified_since_previous} items verified closed since the previous cycle"
    )
    if named and m.moves:
        moves = Table("agency", "before", "after", "change", "level", title="Movement")
        for move in [x for x in m.moves if x.delta]:
            moves.add_row(
                move.agency,
                fmt(move.before),
                fmt(move.after),
                fmt(move.delta, signed=True),
                f"{move.level_before or '—'} → {move.level_after or '—'}",
            )
        out.print(moves)


def _print_gaps(gaps: list[CommonGap], title: str, agencies: int) -> None:
    if not gaps:
        return
    table = Table("question", "agencies", "resources", title=title)
    for gap in gaps:
        table.add_row(gap.text, f"{gap.agencies} of {agencies}", ", ".join(r.title for r in gap.resources) or "—")
    console.out().print(table)
