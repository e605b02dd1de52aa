"""`plan import`: a CSV or XLSX plan read back, every row checked, and all changes applied or none."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from prepkit.content.yamlio import open_regular
from prepkit.errors import ContentError, Problem, file_problem, os_reason
from prepkit.plan.edit import BadValue, apply, changes_of, check, parse_date
from prepkit.plan.model import COLUMNS, DATE_COLUMNS, EDITABLE, Change, Item, Plan, flags, text_row
from prepkit.plan.tabular import Cell, Sheet
from prepkit.results.model import same_agency
from prepkit.spreadsheet import unguarded


@dataclass
class Imported:
    item: str
    changes: list[Change]


def read_sheet(path: Path) -> Sheet:
    """By the file's content: a zip archive is read as XLSX, anything else as CSV."""
    from prepkit.plan.csvio import read_csv
    from prepkit.plan.xlsxio import read_xlsx

    try:
        with open_regular(path) as handle:  # a FIFO or device is refused, never waited on
            magic = handle.read(4)
    except IsADirectoryError:
        raise file_problem(path, "a folder, not a plan file") from None
    except OSError as err:
        raise file_problem(path, f"cannot read the file: {os_reason(err)}") from None
    if magic.startswith(b"PK") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return read_csv(path)


def _text(cell: Cell) -> str:
    """A cell as text: numbers as written (2.0 as 2), dates as YYYY-MM-DD, guarded text unguarded."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unguarded(str(value).replace("\r\n", "\n")).strip()


def _date(cell: Cell) -> dt.date | None:
    """A date column's cell: a real date (no time of day), or text YYYY-MM-DD, or empty."""
    value = cell.value
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise BadValue(f"'{value}' has a time of day: give only the date (YYYY-MM-DD)")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BadValue(f"'{_text(cell)}' is a number, not a date: format the cell as a date or write YYYY-MM-DD")
    return parse_date(_text(cell))


def _same(column: str, item: Item, cell: Cell, today: dt.date) -> bool:
    """Whether a read-only cell still says what the plan says."""
    expected = text_row(item, today)[column]
    if column == "priority":
        try:
            return abs(float(_text(cell)) - round(item.priority, 3)) < 5e-4
        except ValueError:
            return False
    if column == "status_date":
        try:
            return _date(cell) == item.status_date
        except BadValue:
            return False
    if column in ("resources", "flags"):
        got = [part.strip() for part in _text(cell).split(";") if part.strip()]
        if column == "flags":  # overdue depends on the day and the due date: not compared
            return [f for f in got if f != "overdue"] == [f for f in flags(item, today) if f != "overdue"]
        return got == item.resources
    if column == "critical":
        return _text(cell).casefold() == expected
    return " ".join(_text(cell).split()) == " ".join(expected.split())


def _problems_of_header(path: Path, sheet: Sheet, plan: Plan) -> list[Problem]:
    where = str(path)
    problems = []
    if sheet.agency is not None and not same_agency(sheet.agency, plan.agency):
        problems.append(
            Problem(where, 1, 1, f"this is the plan of {sheet.agency}, not of {plan.agency}: nothing imported")
        )
    elif sheet.questionnaire is not None and sheet.questionnaire != plan.questionnaire:
        problems.append(
            Problem(
                where, 1, 1, f"this is a plan for {sheet.questionnaire}, not for {plan.questionnaire}: nothing imported"
            )
        )
    names = [h.strip().lstrip("\ufeff") for h in sheet.header]
    if not set(names) & set(COLUMNS):  # not a plan at all (/etc/shadow, an answers file): quote none of it
        problems.append(
            Problem(
                where,
                1,
                1,
                f"not a prepkit plan: none of its columns is one a plan has ({', '.join(COLUMNS)}); "
                "its content is not shown",
            )
        )
        return problems
    for index, name in enumerate(names, 1):
        if name not in COLUMNS:
            problems.append(Problem(where, 1, index, f"unknown column '{name}'; a plan has: {', '.join(COLUMNS)}"))
        elif names.index(name) != index - 1:
            problems.append(Problem(where, 1, index, f"column '{name}' appears twice"))
    for column in COLUMNS:
        if column not in names:
            problems.append(
                Problem(where, 1, len(names) + 1, f"missing column '{column}'; a plan has: {', '.join(COLUMNS)}")
            )
    return problems


def check_sheet(path: Path, sheet: Sheet, plan: Plan, today: dt.date) -> list[tuple[Item, dict[str, object]]]:
    """Every row checked against the plan; ContentError with every problem found, or the new values."""
    problems = _problems_of_header(path, sheet, plan)
    if problems:
        raise ContentError(problems)
    where = str(path)
    position = {name.strip().lstrip("\ufeff"): index for index, name in enumerate(sheet.header)}
    by_id = {item.item: item for item in plan.items}
    seen: dict[str, int] = {}
    wanted: list[tuple[Item, dict[str, object]]] = []
    rows = unknown = 0
    for number, cells in sheet.rows:
        if all(_text(c) == "" for c in cells):
            continue
        rows += 1
        row = {column: cells[i] if i < len(cells) else Cell(None) for column, i in position.items()}
        bad = [
            Problem(where, number, position[c] + 1, f"'{c}': a formula where a value belongs; type the value itself")
            for c in COLUMNS
            if row[c].formula or (isinstance(row[c].value, str) and str(row[c].value).startswith("="))
        ]
        if bad:
            problems += bad
            continue
        item_id = _text(row["item"])
        item = by_id.get(item_id)
        if item is None:
            unknown += 1
            problems.append(
                Problem(
                    where,
                    number,
                    position["item"] + 1,
                    f"unknown item '{item_id}': the plan of {plan.agency} ({plan.questionnaire}) has no such item",
                )
            )
            continue
        if item_id in seen:
            problems.append(
                Problem(where, number, position["item"] + 1, f"item '{item_id}' again (first in row {seen[item_id]})")
            )
            continue
        seen[item_id] = number
        values: dict[str, object] = {}
        for column in COLUMNS:
            col = position[column] + 1
            cell = row[column]
            if column not in EDITABLE:
                if not _same(column, item, cell, today):
                    expected = text_row(item, today)[column]
                    problems.append(
                        Problem(
                            where,
                            number,
                            col,
                            f"'{column}' is read-only (it comes from the assessment): the plan has "
                            f"'{_short(expected)}', the file '{_short(_text(cell))}'",
                        )
                    )
                continue
            try:
                values[column] = _date(cell) if column in DATE_COLUMNS else check(column, _text(cell))
            except BadValue as err:
                problems.append(Problem(where, number, col, f"'{column}': {err}"))
        try:
            changes_of(item, values)
        except BadValue as err:
            column = err.column or "status"
            problems.append(Problem(where, number, position[column] + 1, f"'{column}': {err}"))
        wanted.append((item, values))
    if rows and unknown == rows:
        problems.insert(
            0,
            Problem(
                where,
                1,
                1,
                f"no row is an item of the plan of {plan.agency} ({plan.questionnaire}): "
                "is this another agency's plan?",
            ),
        )
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (p.line, p.column)))
    return wanted


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def import_plan(path: Path, plan: Plan, *, today: dt.date, at: dt.datetime, by: str | None) -> list[Imported]:
    """Check the whole file, then apply every change (in memory; the caller writes the plan)."""
    wanted = check_sheet(path, read_sheet(path), plan, today)
    source = f"plan import {path.name}"
    done = []
    for item, values in wanted:
        changes = apply(plan, item, values, source=source, at=at, by=by)
        if changes:
            done.append(Imported(item.item, changes))
    return done
