"""Result formats: each older format is brought up to the current one, one step at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prepkit.errors import file_problem
from prepkit.results.model import RESULT_FORMAT

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _from_format_0(data: dict[str, Any]) -> dict[str, Any]:
    """Format 0 (the pre-release prototype): `complete: bool`, one `saved` time, flat answer values.

    A format-0 answer was {"value": 2 | "na" | "unknown" | "<choice id>", "note", "evidence"}.
    """
    out = {k: v for k, v in data.items() if k not in ("complete", "saved", "answers")}
    saved = data.get("saved")
    out.update(
        format=1,
        status="complete" if data.get("complete") is True else "in-progress",
        created=saved,
        updated=saved,
        answers={},
    )
    answers = data.get("answers")
    for qid, old in answers.items() if isinstance(answers, dict) else ():
        if not isinstance(old, dict):
            out["answers"][qid] = old  # left for validation to report
            continue
        value = old.get("value")
        new: dict[str, Any] = {k: old[k] for k in ("note", "evidence") if old.get(k) is not None}
        if isinstance(value, str) and value.casefold() in ("na", "unknown"):
            new["kind"] = value.casefold()
        elif isinstance(value, str):
            new.update(kind="choice", choice=value)
        else:
            new.update(kind="value", value=value)
        out["answers"][qid] = new
    return out


# Format N -> the function that turns a format-N result into format N+1. Register one per new format.
MIGRATIONS: dict[int, Migration] = {0: _from_format_0}


def migrate(path: Path | str, data: dict[str, Any]) -> dict[str, Any]:
    """data brought up to RESULT_FORMAT, step by step; a ContentError for an unknown or newer format."""
    fmt = data.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 0:
        raise file_problem(path, f"unsupported result format {fmt!r}; this prepkit reads formats 0 to {RESULT_FORMAT}")
    if fmt > RESULT_FORMAT:
        raise file_problem(
            path,
            f"result format {fmt} was written by a newer prepkit; this one reads "
            f"formats up to {RESULT_FORMAT} (upgrade prepkit)",
        )
    while fmt < RESULT_FORMAT:
        step = MIGRATIONS.get(fmt)
        if step is None:
            raise file_problem(path, f"result format {fmt} cannot be migrated by this prepkit")
        fmt += 1
        data = {**step(data), "format": fmt}
    return data
