"""Where bundled data lives: inside the installed package, or in the source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def _data_dir(installed: str, checkout: str) -> Path:
    inside = _PACKAGE / installed  # force-included into the wheel by pyproject.toml
    return inside if inside.is_dir() else _CHECKOUT / checkout


def bundled_questionnaires() -> Path:
    return _data_dir("questionnaires", "questionnaires")


def bundled_templates() -> Path:
    return _data_dir("templates", "reports/templates")


def bundled_examples() -> Path:
    return _data_dir("examples", "examples")
