"""The collector's pauses: restored afterwards, and frozen garbage only in a process that ends with its command."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from prepkit import gcpause


def _cycles(n: int) -> None:
    for _ in range(n):
        node: list[object] = []
        node.append(node)


def test_paused_in_process_collects_as_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcpause, "_process_ends_with_command", False)
    frozen = gc.get_freeze_count()
    with gcpause.paused():
        assert not gc.isenabled()
        _cycles(1000)
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_paused_freezes_what_the_step_made_when_the_process_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcpause, "_process_ends_with_command", True)
    frozen = gc.get_freeze_count()
    try:
        with gcpause.paused():
            _cycles(1000)
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + 1000
    finally:
        gc.unfreeze()


def test_paused_keeps_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gcpause.paused(), gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_only_the_command_line_entry_point_says_the_process_ends_with_its_command() -> None:
    assert gcpause._process_ends_with_command is False  # the tests run commands in-process
    code = (
        "import prepkit.cli as cli, prepkit.gcpause as g\n"
        "cli.app = lambda **kw: print(g._process_ends_with_command)\n"
        "cli.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
