"""The commands of the core issue, run as a user runs them: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import PACK, REPO, run_prepkit


def test_no_arguments_shows_help_with_usage_exit() -> None:
    proc = run_prepkit()
    assert proc.returncode == 2
    assert "Usage" in proc.stdout + proc.stderr


def test_unknown_option_is_usage_error() -> None:
    proc = run_prepkit("score", "--bogus")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_validate_many_files_exit_1_when_one_is_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: x\n")
    proc = run_prepkit("validate", str(PACK / "mini.yaml"), str(bad), str(PACK / "resources.yaml"))
    assert proc.returncode == 1
    assert f"{PACK / 'mini.yaml'}: ok" in proc.stdout
    assert f"{PACK / 'resources.yaml'}: ok" in proc.stdout
    assert proc.stderr.splitlines() == [
        f"{bad}:1:1: missing required key 'version'",
        f"{bad}:1:1: missing required key 'title'",
        f"{bad}:1:1: missing required key 'scales'",
        f"{bad}:1:1: missing required key 'levels'",
        f"{bad}:1:1: missing required key 'domains'",
    ]


def test_validate_missing_file_names_it(tmp_path: Path) -> None:
    proc = run_prepkit("validate", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"{tmp_path / 'nope.yaml'}:1:1: not a regular file (or it does not exist)"


def test_score_table_names_agency_and_levels() -> None:
    proc = run_prepkit("score", str(PACK / "answers.yaml"), env={"COLUMNS": "100"})
    assert proc.returncode == 0, proc.stderr
    assert "Test Town Police Department" in proc.stdout
    assert "Overall: 68.5 (Developing), complete" in proc.stdout
    assert "Is there a written active assailant policy?" in proc.stdout


def test_score_unknown_questionnaire_option_is_usage_error() -> None:
    proc = run_prepkit("score", str(PACK / "answers.yaml"), "--questionnaire", "no-such-thing")
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: unknown questionnaire 'no-such-thing'")


def test_score_missing_result_id_is_usage_error() -> None:
    proc = run_prepkit("score", "20260101-no-such-result")
    assert proc.returncode == 2
    assert "no result '20260101-no-such-result'" in proc.stderr


def test_score_saved_result_equals_score_of_answers(tmp_path: Path) -> None:
    from prepkit.content.answers import load_answers
    from prepkit.results.model import new_result
    from prepkit.results.store import Store

    sheet = load_answers(PACK / "answers.yaml")
    result = new_result(sheet.questionnaire, sheet.agency, sheet.respondent, sheet.answers, complete=True)
    store = Store(tmp_path / "s")
    path = store.save(result)
    assert path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "s").stat().st_mode & 0o777 == 0o700
    from_answers = json.loads(run_prepkit("score", str(PACK / "answers.yaml"), "--json").stdout)
    by_path = json.loads(run_prepkit("score", str(path), "--json").stdout)
    by_id = json.loads(run_prepkit("score", result.id, "--json", "--store", str(tmp_path / "s")).stdout)
    assert from_answers == by_path == by_id


def test_saved_result_scores_after_the_questionnaire_is_gone(tmp_path: Path) -> None:
    from prepkit.content.answers import load_answers
    from prepkit.results.model import new_result
    from prepkit.results.store import Store

    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    sheet = load_answers(pack / "answers.yaml")
    path = Store(tmp_path / "s").save(new_result(sheet.questionnaire, sheet.agency, None, sheet.answers, complete=True))
    shutil.rmtree(pack)
    proc = run_prepkit("score", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["overall"]["score"] == 68.5


def test_corrupt_result_file_names_line(tmp_path: Path) -> None:
    bad = tmp_path / "r.json"
    bad.write_text('{"format": 1,\n "id": ')
    proc = run_prepkit("score", str(bad))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{bad}:2:8: not a valid result file (JSON): Expecting value")


def test_schema_commands_emit_json_schema() -> None:
    for kind, key in (("questionnaire", "domains"), ("answers", "answers"), ("resources", "resources")):
        proc = run_prepkit("schema", kind)
        assert proc.returncode == 0
        document = json.loads(proc.stdout)
        assert key in document["properties"]
        assert document["additionalProperties"] is False
    assert run_prepkit("schema", "nonsense").returncode == 2


def test_resources_search(tmp_path: Path) -> None:
    proc = run_prepkit("resources", "school maps", "--json", env={"PREPKIT_QUESTIONNAIRES": str(PACK)})
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert "school-maps" in [r["id"] for r in found]
    for r in found:
        text = " ".join([r["id"], r["title"], r["publisher"] or "", r["summary"] or "", *r["topics"]]).lower()
        assert "school" in text and "maps" in text
    proc = run_prepkit("resources", "--topic", "schools", "--json", env={"PREPKIT_QUESTIONNAIRES": str(PACK)})
    found = json.loads(proc.stdout)
    assert "school-maps" in [r["id"] for r in found]
    assert all(any("schools" in t.lower() for t in r["topics"]) for r in found)
    proc = run_prepkit("resources", "no such words anywhere", "--json")
    assert json.loads(proc.stdout) == []


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from prepkit.cli import app; from typer.testing import CliRunner; "
        "CliRunner().invoke(app, ['--help']); "
        "print(sorted(m for m in ('weasyprint', 'jinja2', 'prepkit.report') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


@pytest.mark.timeout(300)
def test_wheel_carries_questionnaires_and_templates_and_works_from_anywhere(tmp_path: Path) -> None:
    """A non-editable install must find its bundled data from any folder."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("prepkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    bundled = sorted(p.name for p in (REPO / "questionnaires").glob("*.yaml"))
    assert all(f"prepkit/questionnaires/{name}" in names for name in bundled)
    templates = sorted(
        p.relative_to(REPO / "reports" / "templates").as_posix()
        for p in (REPO / "reports" / "templates").rglob("*")
        if p.is_file()
    )
    assert all(f"prepkit/templates/{name}" in names for name in templates)
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "from prepkit.paths import bundled_questionnaires as b; print(b())"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert proc.stdout.strip() == str(target / "prepkit" / "questionnaires")
    proc = subprocess.run(
        [sys.executable, "-m", "prepkit", "list", "--json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(Path(x["path"]).name for x in json.loads(proc.stdout)) == [
        n for n in bundled if n != "resources.yaml"
    ]
