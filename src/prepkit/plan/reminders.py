"""What the plan tells the next assessment: the items marked done, to confirm with the new answer."""

from __future__ import annotations

from prepkit.content.models import Questionnaire
from prepkit.history.compare import match_ids
from prepkit.plan.model import Plan


def done_reminders(plan: Plan, q: Questionnaire) -> dict[str, str]:
    """Question id (in q, following `replaces`) -> "the plan marks this done on DATE, owner X: confirm ..."."""
    done = {item.item: item for item in plan.items if item.status == "done"}
    out = {}
    for question_id, item_id in match_ids(set(done), q).items():
        item = done[item_id]
        owner = f"owner {item.owner}" if item.owner else "no owner named"
        out[question_id] = (
            f"the plan marks this done on {item.status_date.isoformat()}, {owner}: confirm the new answer"
        )
    return out
