"""prepkit's command line. Each module registers its commands on the one app (`app.py`, whose help
layout is `helpformat.py`); data goes to standard output, messages to standard error."""

from __future__ import annotations

from prepkit.cli import (  # noqa: F401  (each module registers its commands)
    assess_commands,
    board_commands,
    core_commands,
    history_commands,
    plan_commands,
    report_commands,
    team_commands,
)
from prepkit.cli.app import app, prepare_streams


def main() -> None:
    prepare_streams()
    from prepkit.gcpause import command_ends_process, freeze_imports

    freeze_imports()  # the modules and schemas imported above are never garbage: collections skip them
    command_ends_process()  # paused steps may then leave their garbage to the system (gcpause.paused)
    app(prog_name="prepkit")


__all__ = ["app", "main"]
