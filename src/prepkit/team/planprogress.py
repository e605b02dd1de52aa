"""How far an agency's improvement plan has come, for the roll-up: its critical gaps with an owner and a
due date, and the items its latest result verified closed. The plan is read from the store the result
file lives in (STORE/plans/), moved forward in memory to that result, never written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from prepkit.content.models import Questionnaire
from prepkit.errors import ContentError, SystemRefusal
from prepkit.history.timeline import Entry
from prepkit.plan.forward import move_forward
from prepkit.plan.planfile import plan_path, read_plan
from prepkit.results.model import Result
from prepkit.results.store import Store
from prepkit.scoring import score


@dataclass(frozen=True)
class PlanProgress:
    critical_gaps: int  # critical gaps of the latest result
    planned: int  # of these, items with an owner and a due date
    verified: int  # items the latest result verified closed
    has_plan: bool


def plan_progress(
    path: Path, result: Result, q: Questionnaire, gaps: tuple[str, ...], *, at: dt.datetime
) -> PlanProgress:
    """gaps: the result's gaps (question ids), as the roll-up's scorer found them."""
    criticals = {question.id for _, question in q.questions() if question.critical}
    critical = [qid for qid in gaps if qid in criticals]
    try:
        plan = read_plan(plan_path(Store(path.parent.parent), result.agency, q.id))
    except (ContentError, OSError, SystemRefusal):
        plan = None
    if plan is None or plan.order() > (result.date.isoformat(), result.created.isoformat(), result.id):
        return PlanProgress(len(critical), 0, 0, has_plan=False)
    if plan.result != result.id:
        move_forward(plan, Entry(path, result, q, score(q, result.answers)), at)
    items = {item.item: item for item in plan.items}
    planned = sum(1 for qid in critical if qid in items and items[qid].owner and items[qid].due is not None)
    verified = {
        entry.item for entry in plan.log if entry.source == f"result {result.id}" and entry.item is not None
        for change in entry.changes if change.field == "status" and change.new == "verified"
    }  # fmt: skip
    return PlanProgress(len(critical), planned, len(verified), has_plan=True)
