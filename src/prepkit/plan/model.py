"""The plan and its items (spec 7): columns in contract order, statuses, elements, flags, counts."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from prepkit.content.validation import shown

PLAN_FORMAT: Literal[1] = 1

COLUMNS: tuple[str, ...] = (
    "item",
    "domain",
    "capability",
    "finding",
    "priority",
    "critical",
    "action",
    "element",
    "owner",
    "start",
    "due",
    "status",
    "status_date",
    "note",
    "resources",
    "flags",
)
EDITABLE: tuple[str, ...] = ("action", "element", "owner", "start", "due", "status", "note")
READ_ONLY: tuple[str, ...] = tuple(c for c in COLUMNS if c not in EDITABLE)
DATE_COLUMNS: tuple[str, ...] = ("start", "due", "status_date")

STATUSES: tuple[str, ...] = ("open", "in-progress", "done", "deferred", "dropped", "verified")
ELEMENTS: tuple[str, ...] = ("planning", "organization", "equipment", "training", "exercises")
FLAGS: tuple[str, ...] = ("overdue", "not-effective", "removed")
NOT_OVERDUE: frozenset[str] = frozenset({"done", "verified", "dropped"})

Status = Literal["open", "in-progress", "done", "deferred", "dropped", "verified"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item(Strict):
    """One gap's action. The first six fields and `resources` come from the result (read-only)."""

    item: str
    domain: str
    capability: str
    finding: str = ""
    priority: float
    critical: bool
    action: str = ""
    element: str = ""
    owner: str = ""
    start: dt.date | None = None
    due: dt.date | None = None
    status: Status = "open"
    status_date: dt.date
    note: str = ""
    resources: list[str] = Field(default_factory=list)
    not_effective: bool = False  # set when a newer result still shows the gap of a `done` item
    removed: bool = False  # the question no longer exists in the latest questionnaire


class Change(Strict):
    """One field of one item: what it was and what it became (as shown in the columns)."""

    field: str
    old: str
    new: str

    def text(self) -> str:
        """`owner '' -> 'Lt. Ames'`, as messages and the log show it (a long note cut short)."""
        return f"{self.field} {shown(self.old, 80)!r} -> {shown(self.new, 80)!r}"


class LogEntry(Strict):
    at: dt.datetime  # local time, with its offset
    item: str | None = None  # None: the plan as a whole
    by: str | None = None  # who made it, where known
    source: str  # "plan set", "plan import FILE", "result ID"
    message: str = ""
    changes: list[Change] = Field(default_factory=list)


class Cycle(Strict):
    """The plan's counts just after a result moved it forward (shown per result by `history`)."""

    result: str
    date: dt.date
    counts: dict[str, int]


class Plan(Strict):
    format: Literal[1] = PLAN_FORMAT
    agency: str
    questionnaire: str
    result: str  # the id of the latest complete result taken into the plan
    result_date: dt.date
    result_created: dt.datetime
    items: list[Item] = Field(default_factory=list)
    cycles: list[Cycle] = Field(default_factory=list)
    log: list[LogEntry] = Field(default_factory=list)

    def find(self, ref: str) -> Item | None:
        """An item by question id or by its number as `plan show` prints it (1-based)."""
        for item in self.items:
            if item.item == ref:
                return item
        if ref.isdigit() and 1 <= int(ref) <= len(self.items):
            return self.items[int(ref) - 1]
        return None

    def order(self) -> tuple[str, str, str]:
        return (self.result_date.isoformat(), self.result_created.isoformat(), self.result)


def flags(item: Item, today: dt.date) -> list[str]:
    """overdue (a due date before today, status not done/verified/dropped), not-effective, removed."""
    out = []
    if item.due is not None and item.due < today and item.status not in NOT_OVERDUE:
        out.append("overdue")
    if item.not_effective and item.status == "done":
        out.append("not-effective")
    if item.removed:
        out.append("removed")
    return out


def date_text(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def priority_value(value: float) -> float:
    return round(value, 3)


def item_row(item: Item, today: dt.date) -> dict[str, object]:
    """The item as the columns of spec 7, in order; `flags` as a list (the JSON form)."""
    return {
        "item": item.item,
        "domain": item.domain,
        "capability": item.capability,
        "finding": item.finding,
        "priority": priority_value(item.priority),
        "critical": "yes" if item.critical else "no",
        "action": item.action,
        "element": item.element,
        "owner": item.owner,
        "start": date_text(item.start),
        "due": date_text(item.due),
        "status": item.status,
        "status_date": date_text(item.status_date),
        "note": item.note,
        "resources": "; ".join(item.resources),
        "flags": flags(item, today),
    }


def text_row(item: Item, today: dt.date) -> dict[str, str]:
    """The item as the text of each cell of an exported row (flags and resources joined by '; ')."""
    row = item_row(item, today)
    return {key: "; ".join(value) if isinstance(value, list) else str(value) for key, value in row.items()}


def plan_json(plan: Plan, today: dt.date) -> dict[str, object]:
    """The `prepkit plan show --json` object of spec 7."""
    return {
        "agency": plan.agency,
        "questionnaire": plan.questionnaire,
        "result": plan.result,
        "items": [item_row(item, today) for item in plan.items],
    }


def counts(plan: Plan, today: dt.date) -> dict[str, int]:
    """Items per status, and how many are overdue."""
    out = dict.fromkeys(STATUSES, 0)
    for item in plan.items:
        out[item.status] += 1
    out["overdue"] = sum(1 for item in plan.items if "overdue" in flags(item, today))
    return out


def status_counts(plan: Plan) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for item in plan.items:
        out[item.status] += 1
    return out


def summary_line(plan: Plan, today: dt.date) -> str:
    """ "12 items: 5 open, 2 in progress, 3 done, 2 verified, 1 overdue" (deferred/dropped when any)."""
    c = counts(plan, today)
    parts = [f"{c['open']} open", f"{c['in-progress']} in progress", f"{c['done']} done", f"{c['verified']} verified"]
    parts += [f"{c[s]} {s}" for s in ("deferred", "dropped") if c[s]]
    parts.append(f"{c['overdue']} overdue")
    total = len(plan.items)
    return f"{total} item{'' if total == 1 else 's'}: " + ", ".join(parts)
