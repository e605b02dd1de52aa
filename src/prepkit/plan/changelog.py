"""The plan's dated log: every change, when (local time), by whom where known, and from where."""

from __future__ import annotations

import datetime as dt
import getpass

from prepkit.plan.model import Change, Item, LogEntry, Plan, date_text


def now_local() -> dt.datetime:
    """Now, in the local time zone, to the second (log times and dates are local)."""
    return dt.datetime.now().astimezone().replace(microsecond=0)


def who() -> str | None:
    """The login name of the person running prepkit, where the system knows it."""
    try:
        return getpass.getuser() or None
    except (OSError, KeyError, ImportError):
        return None


def shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def record(
    plan: Plan,
    item: Item | None,
    source: str,
    *,
    at: dt.datetime,
    by: str | None = None,
    message: str = "",
    changes: list[Change] | None = None,
) -> LogEntry:
    entry = LogEntry(
        at=at, item=None if item is None else item.item, by=by, source=source, message=message, changes=changes or []
    )
    plan.log.append(entry)
    return entry


def item_log(plan: Plan, item_id: str) -> list[LogEntry]:
    """The entries about one item, oldest first (following it across `replaces` renames)."""
    names = {item_id}
    for entry in reversed(plan.log):  # a rename is logged under the new id with the old one in `changes`
        if entry.item in names:
            names.update(c.old for c in entry.changes if c.field == "item" and c.old)
    return [e for e in plan.log if e.item in names]


def describe(entry: LogEntry) -> str:
    """One line: `2027-03-01 14:02 +0100  plan set by ames: status open -> done; owner '' -> 'Lt. Ames'`."""
    head = f"{entry.at:%Y-%m-%d %H:%M %z}  {entry.source}" + (f" by {entry.by}" if entry.by else "")
    parts = [entry.message] if entry.message else []
    parts += [c.text() for c in entry.changes]
    return head + (": " + "; ".join(parts) if parts else "")
