"""The improvement plan as the report shows it: each gap's action, element, owner, due date and status
(overdue marked), the plan in the improvement-plan matrix layout, and what the latest result verified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from prepkit.content.models import Questionnaire
from prepkit.plan.model import Item, Plan, counts, flags


@dataclass(frozen=True)
class PlanItemView:
    number: int
    item: str
    domain: str
    capability: str
    finding: str
    critical: bool
    action: str
    element: str
    owner: str
    start: str
    due: str
    status: str
    status_date: str
    note: str
    flags: list[str]

    @property
    def overdue(self) -> bool:
        return "overdue" in self.flags

    @property
    def untouched(self) -> bool:
        """Open, and nothing planned yet: the matrix leaves it out (the action plan lists every gap)."""
        planned = (self.action, self.element, self.owner, self.start, self.due, self.note)
        return self.status == "open" and not any(planned) and not self.flags


@dataclass(frozen=True)
class PlanDomainView:
    title: str
    items: list[PlanItemView]


@dataclass(frozen=True)
class PlanView:
    today: str
    counts: dict[str, int]
    items: list[PlanItemView]
    by_question: dict[str, PlanItemView]
    matrix: list[PlanDomainView]  # items acted on, by domain (questionnaire order), plan order within
    untouched: int  # open items without action, element, owner, dates or note: in the action plan only
    verified_now: list[PlanItemView]  # closed and verified by this result
    not_effective: list[PlanItemView]  # marked done, still a gap in this result
    history: list[str] = field(default_factory=list)


def _view(number: int, item: Item, today: dt.date) -> PlanItemView:
    return PlanItemView(
        number=number,
        item=item.item,
        domain=item.domain,
        capability=item.capability,
        finding=item.finding or "unanswered",
        critical=item.critical,
        action=item.action,
        element=item.element,
        owner=item.owner,
        start="" if item.start is None else item.start.isoformat(),
        due="" if item.due is None else item.due.isoformat(),
        status=item.status,
        status_date=item.status_date.isoformat(),
        note=item.note,
        flags=flags(item, today),
    )


def plan_view(plan: Plan, q: Questionnaire, today: dt.date) -> PlanView:
    """The plan as of `today` (for overdue); `plan` is at the reported result."""
    items = [_view(n, item, today) for n, item in enumerate(plan.items, 1)]
    order = {d.title: i for i, d in enumerate(q.domains)}
    acted = [v for v in items if not v.untouched]
    titles = sorted({v.domain for v in acted}, key=lambda t: (order.get(t, len(order)), t))
    verified_by = {
        entry.item for entry in plan.log if entry.source == f"result {plan.result}" and entry.item is not None
        for change in entry.changes if change.field == "status" and change.new == "verified"
    }  # fmt: skip
    return PlanView(
        today=today.isoformat(),
        counts=counts(plan, today),
        items=items,
        by_question={v.item: v for v in items},
        matrix=[PlanDomainView(t, [v for v in acted if v.domain == t]) for t in titles],
        untouched=len(items) - len(acted),
        verified_now=[v for v in items if v.status == "verified" and v.item in verified_by],
        not_effective=[v for v in items if "not-effective" in v.flags],
    )
