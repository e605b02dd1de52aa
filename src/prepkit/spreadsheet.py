"""The one guard for text that leaves prepkit as a spreadsheet cell (CSV exports, the roll-up CSV).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and some also after a
leading tab or carriage return ("CSV injection"). Agency names, notes and questionnaire text are free
text, so such a cell gets a leading apostrophe: the spreadsheet shows it as text. Numbers stay numbers.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """value as a CSV cell: None empty, booleans yes/no, formula-like text quoted, anything else as is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unguarded(text: str) -> str:
    """The text that spreadsheet_cell quoted, as it was (a round trip through a spreadsheet gives it back)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
