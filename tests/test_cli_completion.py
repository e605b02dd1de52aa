"""Shell completion of questionnaire ids and result ids: offered from names alone, never by reading the
store's results (a store of thousands must not slow a Tab press)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PACK
from prepkit.cli import app
from prepkit.results.store import Store
from resultkit import save_result


def complete(line: str, env: dict[str, str] | None = None) -> list[str]:
    words = line.split(" ")
    result = CliRunner().invoke(
        app,
        [],
        prog_name="prepkit",
        env={
            "_PREPKIT_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            **(env or {}),
        },
    )
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_questionnaire_ids_are_completed_from_bundled_and_user_folders() -> None:
    assert complete("prepkit assess ac") == ["active-assailant"]
    assert complete("prepkit assess ") == [
        q["id"] for q in json.loads(CliRunner().invoke(app, ["list", "--json"]).stdout)
    ]
    assert "mass-demonstration" in complete("prepkit rollup -q ")
    assert complete("prepkit score x.yaml --questionnaire mi", {"PREPKIT_QUESTIONNAIRES": str(PACK)}) == ["mini"]


def test_result_ids_are_completed_without_reading_any_result(
    hermetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = save_result(Store(hermetic))

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("completion read a result file")

    monkeypatch.setattr(Store, "load", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "read_text", no_reading)
    assert complete("prepkit delete ") == [first.id]
    assert complete("prepkit export ") == ["latest", "previous", first.id]
    assert complete(f"prepkit report {first.id[:8]}") == [first.id]
    assert complete(f"prepkit export --store {tmp_path / 'elsewhere'} ") == ["latest", "previous"]
