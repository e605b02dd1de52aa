"""A plan file as rows of cells, whichever format it came in: what `plan import` checks."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_FILE_BYTES = 10 * 1024 * 1024  # a plan of a thousand items is well under 1 MB
MAX_ROWS = 20_000
MAX_COLUMNS = 200


@dataclass(frozen=True)
class Cell:
    value: object  # str, int, float, bool, date, datetime or None, as the file holds it
    formula: bool = False


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number, header = 1; cells)
    agency: str | None = None  # what the file says it is the plan of, where it says so (XLSX)
    questionnaire: str | None = None
    notes: list[str] = field(default_factory=list)
