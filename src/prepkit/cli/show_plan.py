"""Terminal rendering of the improvement plan (rich); consoles read no markup, so user text is printed as it is."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text

from prepkit import console
from prepkit.plan.changelog import describe, item_log
from prepkit.plan.model import COLUMNS, Item, Plan, flags, summary_line, text_row


def print_plan(plan: Plan, today: dt.date) -> None:
    out = console.out()
    out.print(console.bold(f"Improvement plan of {plan.agency}", f" ({plan.questionnaire}, result {plan.result})"))
    if not plan.items:
        out.print("No items: the latest result has no gaps.")
    else:
        table = Table("#", "item", "status", "owner", "due", "flags", "action")
        table.columns[1].overflow = "fold"  # never cut an id: people copy it into `plan set`
        for number, item in enumerate(plan.items, 1):
            marks = flags(item, today)
            table.add_row(
                str(number),
                Text(item.item, style="magenta" if item.critical else ""),
                item.status,
                item.owner,
                "" if item.due is None else item.due.isoformat(),
                Text(", ".join(marks), style="red" if marks else ""),
                item.action,
            )
        out.print(table)
    out.print(summary_line(plan, today))


def print_item(plan: Plan, item: Item, today: dt.date) -> None:
    out = console.out()
    row = text_row(item, today)
    for column in COLUMNS:
        out.print(console.bold(f"{column}: ", row[column]), soft_wrap=True)
    entries = item_log(plan, item.item)
    out.print(console.bold(f"Log ({len(entries)} entries)"))
    for entry in entries:
        out.print("  " + describe(entry), soft_wrap=True)
