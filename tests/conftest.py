"""Hermetic test session: no colors, a fixed width, a private store and no user questionnaire folders."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

FIXTURES = Path(__file__).parent / "fixtures"
PACK = FIXTURES / "pack"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    store = tmp_path / "store"
    monkeypatch.setenv("PREPKIT_STORE", str(store))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("PREPKIT_QUESTIONNAIRES", raising=False)
    monkeypatch.delenv("PREPKIT_DEBUG", raising=False)
    reset_process_state()
    return store


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@dataclass
class Ran:
    """What a prepkit run left behind: the exit code and both output streams, as text."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run_prepkit(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    input: str | None = None,
) -> Ran:
    """Run prepkit in this process (typer's CliRunner): the exit code, standard output and standard error
    that `python -m prepkit ARGS` gives, a tenth of the time. Where the process itself matters
    (start-up, a terminal, signals, hostile input that might hang) use `run_process`.

    Every run starts from a fresh process's state: the consoles, the --debug flag and the caches of
    trusted snapshots and resource libraries are reset, so that runs stay independent.
    """
    del timeout  # a run in this process is bounded by pytest-timeout
    from typer.testing import CliRunner

    from prepkit.cli import app

    reset_process_state()
    with _environment(env or {}), _working_directory(cwd):
        _app_state()["debug"] = bool(os.environ.get("PREPKIT_DEBUG"))
        result = CliRunner().invoke(app, list(args), input=input, prog_name="prepkit")
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # what the real process would print: an uncaught exception is a traceback and exit code 1
        assert result.exc_info is not None
        stderr += "".join(traceback.format_exception(*result.exc_info))
        code = 1
    reset_process_state()
    return Ran(list(args), code, result.stdout, stderr)


def _app_state() -> dict[str, bool]:
    import importlib

    state: dict[str, bool] = importlib.import_module("prepkit.cli.app")._state  # the module, not the Typer app
    return state


def reset_process_state() -> None:
    """Module-level state a new process would not have: cached consoles and trust caches."""
    from prepkit import console
    from prepkit.content import questionnaire
    from prepkit.results import gate

    console._settings["no_color"] = False
    console.out.cache_clear()
    console.err.cache_clear()
    gate._trusted.clear()
    questionnaire._load_library_cached.cache_clear()
    _app_state()["debug"] = bool(os.environ.get("PREPKIT_DEBUG"))


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _working_directory(cwd: Path | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    before = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)


def run_process(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real `prepkit` process (python -m prepkit), as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "prepkit", *args],
        cwd=cwd,
        env=full_env,
        text=True,
        capture_output=True,
        timeout=timeout,
        input=input,
    )
