"""prepkit's command line. Each module registers its commands on the one app."""

from __future__ import annotations

from . import assess, core, history, report, team  # noqa: F401  (registers commands)
from .app import app


def main() -> None:
    app(prog_name="prepkit")


__all__ = ["app", "main"]
