"""Changing an item's editable columns: the one check of each value, shared by `plan set` and `plan import`."""

from __future__ import annotations

import datetime as dt
import re

from prepkit.content.models import MAX_NAME, MAX_NOTE
from prepkit.plan.changelog import record, shown
from prepkit.plan.model import EDITABLE, ELEMENTS, STATUSES, Change, Item, Plan

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadValue(ValueError):
    """A value that a column does not accept; the message says what is allowed. column: the one at
    fault when the value was checked against another one (a due date before the start)."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


# Longest text a column takes, as for an answer's note and a name (content.models).
TEXT_LIMITS = {"action": MAX_NOTE, "note": MAX_NOTE, "owner": MAX_NAME}


def parse_date(text: str) -> dt.date | None:
    """`YYYY-MM-DD`, or None for an empty value."""
    text = text.strip()
    if not text:
        return None
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise BadValue(f"'{text}' is not a date: write YYYY-MM-DD (for example 2027-03-01), or leave it empty")


def check(column: str, text: str) -> object:
    """The value to store for an editable column, from its text; BadValue if it is not allowed."""
    if column not in EDITABLE:
        raise BadValue(f"'{column}' is read-only: it comes from the assessment")
    text = text.strip()
    if _CONTROL.search(text):
        raise BadValue("a control character; write plain text")
    if column in ("start", "due"):
        return parse_date(text)
    if column == "status":
        if text not in STATUSES:
            raise BadValue(f"status '{text}' is not one of: {', '.join(STATUSES)}")
        return text
    if column == "element":
        if text and text not in ELEMENTS:
            raise BadValue(f"element '{text}' is not one of: {', '.join(ELEMENTS)} (or empty)")
        return text
    limit = TEXT_LIMITS.get(column)
    if limit is not None and len(text) > limit:
        raise BadValue(f"at most {limit:,} characters ({len(text):,} given)")
    return text


def changes_of(item: Item, values: dict[str, object]) -> list[Change]:
    """What would change; BadValue when `verified` would be set by hand."""
    out = []
    for column in EDITABLE:
        if column not in values:
            continue
        old, new = getattr(item, column), values[column]
        if old == new:
            continue
        if column == "status" and new == "verified":
            raise BadValue("only prepkit sets 'verified', when a newer assessment shows the gap closed", "status")
        out.append(Change(field=column, old=shown(old), new=shown(new)))
    start, due = values.get("start", item.start), values.get("due", item.due)
    dated = {c.field for c in out} & {"start", "due"}  # checked when either changes, not on every edit
    if dated and isinstance(start, dt.date) and isinstance(due, dt.date) and due < start:
        raise BadValue(f"due {due} is before the start {start}", "due" if "due" in values else "start")
    return out


def apply(
    plan: Plan,
    item: Item,
    values: dict[str, object],
    *,
    source: str,
    at: dt.datetime,
    by: str | None,
) -> list[Change]:
    """Set the checked values on item and log them; a new status is dated today (local)."""
    changes = changes_of(item, values)
    if not changes:
        return []
    for change in changes:
        setattr(item, change.field, values[change.field])
    if any(c.field == "status" for c in changes):
        changes.append(Change(field="status_date", old=shown(item.status_date), new=shown(at.date())))
        item.status_date = at.date()
        item.not_effective = False
    record(plan, item, source, at=at, by=by, changes=changes)
    return changes
