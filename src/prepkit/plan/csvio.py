"""The plan as CSV: UTF-8 (with a byte order mark for Excel), never run as formulas; and read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from prepkit.errors import ContentError, Problem, file_problem
from prepkit.plan.model import COLUMNS, Plan, text_row
from prepkit.plan.tabular import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, Cell, Sheet
from prepkit.spreadsheet import spreadsheet_cell


def plan_csv(plan: Plan, today: dt.date, *, excel: bool = False) -> bytes:
    """The columns of spec 7 with a header row, one row per item; a leading ' keeps text from being a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for item in plan.items:
        row = text_row(item, today)
        writer.writerow([spreadsheet_cell(row[column]) for column in COLUMNS])
    return ("\ufeff" if excel else "").encode() + buffer.getvalue().encode()


def read_csv(path: Path) -> Sheet:
    """The rows of a CSV file (UTF-8, with or without a byte order mark; `,` or, as some Excel
    locales save it, `;`). A cell starting with = is marked a formula: a spreadsheet would run it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise file_problem(
            path, f"the file is {size / 1e6:.1f} MB; a plan file is at most {MAX_FILE_BYTES // 2**20} MiB"
        )
    raw = path.read_bytes()[: MAX_FILE_BYTES + 1]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise file_problem(path, "not UTF-8 text: save it as 'CSV UTF-8'", line, 1) from None
    if "\x00" in text:
        raise file_problem(path, "a NUL character: this is not a CSV text file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, list[Cell]]] = []
    header: list[str] = []
    try:
        for number, cells in enumerate(reader, 1):
            if number > MAX_ROWS or len(cells) > MAX_COLUMNS:
                raise file_problem(path, f"more than {MAX_ROWS} rows or {MAX_COLUMNS} columns", number, 1)
            if number == 1:
                header = cells
                continue
            rows.append((number, [Cell(c, formula=c.startswith("=")) for c in cells]))
    except csv.Error as err:
        raise ContentError([Problem(str(path), reader.line_num, 1, f"not a readable CSV file: {err}")]) from None
    if not header:
        raise file_problem(path, "the file is empty: a plan file starts with a header row")
    return Sheet(header, rows)
