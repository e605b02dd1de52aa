"""What an agency sends its state training board: the packet of a signed result (results/packet.py)
with the public summary rendered here and the improvement plan's CSV when there is one."""

from __future__ import annotations

from collections.abc import Callable

from prepkit.errors import UsageError
from prepkit.report import render_report_pdf
from prepkit.results.approval import approval_state
from prepkit.results.model import Result
from prepkit.results.packet import build_packet

# Hook for the improvement plan: (result) -> its plan as CSV bytes, or None when the agency has no plan.
PlanCsv = Callable[[Result], bytes | None]


def make_packet(
    result: Result,
    *,
    marking: str | None = None,
    plan_csv: PlanCsv | None = None,
    plan_counts: dict[str, int] | None = None,
    messages: list[str] | None = None,
) -> bytes:
    """The packet's bytes for a signed result (its snapshot attached). marking: the public summary's own
    marking (none by default); plan_csv: how to get the plan's CSV (the part is left out without one)."""
    state = approval_state(result)
    if state == "unsigned":
        raise UsageError(f"result {result.id} is not signed; sign it first (prepkit sign RESULT --name N --title T)")
    if state == "changed":
        raise UsageError(
            f"result {result.id} changed after approval; sign it again before making a packet (prepkit sign)"
        )
    summary = render_report_pdf(result, audience="public", marking=marking, plan_counts=plan_counts, messages=messages)
    plan = plan_csv(result) if plan_csv is not None else None
    return build_packet(result, public_summary=summary, plan_csv=plan)
