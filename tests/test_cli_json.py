"""One stream discipline: with --json, standard output is one JSON document and nothing else; messages
("Saved ...", "Report: ...", "Wrote ...") go to standard error, for every command."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import PACK
from prepkit.cli import app
from prepkit.results.store import Store
from resultkit import V2_ANSWERS, save_result
from test_cli_help import COMMANDS, NAMES

ANSWERS = str(PACK / "answers.yaml")


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, (args, result.output, result.exception)
    return result


def data(*args: str, code: int = 0) -> object:
    """The JSON a command prints; json.loads of all of standard output fails if any message is mixed in."""
    result = run(*args, code=code)
    return json.loads(result.stdout)


@pytest.fixture
def two_results(hermetic: Path) -> list[str]:
    store = Store(hermetic)
    first, _ = save_result(store)
    second, _ = save_result(store, V2_ANSWERS)
    return [first.id, second.id]


@pytest.fixture
def partner(tmp_path: Path) -> str:
    """A second respondent's answers for the same agency, for `merge`."""
    other = tmp_path / "partner.yaml"
    text = Path(ANSWERS).read_text().replace("questionnaire: mini", f"questionnaire: {PACK / 'mini.yaml'}")
    other.write_text(text.replace("Lt. Example", "Sgt. Partner").replace("planning-policy: 2", "planning-policy: 1"))
    return str(other)


# Every command with --json, and a way to run it here; a new --json command must be added.
def cases(tmp: Path, ids: list[str], partner: str) -> dict[str, list[list[str]]]:
    exported = tmp / "exported.json"
    run("export", ids[0], "--format", "json", "--what", "result", "-o", str(exported))
    return {
        "list": [["list", "--json"]],
        "example": [["example", "--json"]],
        "validate": [["validate", "--json", str(PACK / "mini.yaml"), ANSWERS, str(PACK / "resources.yaml")]],
        "score": [["score", ANSWERS, "--json"], ["score", ids[0], "--json"]],
        "resources": [["resources", "school", "--json"]],
        "history": [["history", "--json"]],
        "compare": [["compare", *ids, "--json"]],
        "import": [["import", str(exported), "--json"]],
        "resume": [["resume", "--json"]],
        "assess": [["assess", str(PACK / "mini.yaml"), "--answers", ANSWERS, "--no-report", "--json"]],
        "merge": [["merge", ANSWERS, partner, "--no-save", "--json"]],
        "rollup": [["rollup", "--json"]],
        "plan show": [["plan", "show", "--json"], ["plan", "show", "1", "--json"]],
    }


def test_every_json_output_parses_and_stdout_holds_nothing_else(
    two_results: list[str], tmp_path: Path, partner: str
) -> None:
    with_json = {name for name, command in zip(NAMES, (c for _, c in COMMANDS), strict=True) if _has_json(command)}
    runs = cases(tmp_path, two_results, partner)
    assert set(runs) == with_json, "a command with --json has no case here"
    for name, calls in runs.items():
        for args in calls:
            parsed = data(*args)
            assert isinstance(parsed, (dict, list)), name


def _has_json(command: object) -> bool:
    return any("--json" in getattr(p, "opts", []) for p in getattr(command, "params", []))


def test_validate_json_reports_problems_and_warnings_per_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: x\n")
    result = run("validate", "--json", str(PACK / "mini.yaml"), str(bad), code=1)
    ok, failed = json.loads(result.stdout)
    assert ok["ok"] is True and ok["kind"] == "questionnaire" and ok["problems"] == []
    assert failed["ok"] is False and failed["summary"] is None
    assert failed["problems"][0] == {
        "file": str(bad),
        "line": 1,
        "column": 1,
        "message": "missing required key 'version'",
    }
    assert f"{bad}:1:1: missing required key 'version'" in result.stderr  # the errors still go to stderr
    assert ": ok," not in result.stdout


def test_assess_answers_json_names_the_saved_result_its_path_and_scores(hermetic: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    result = run("assess", str(PACK / "mini.yaml"), "--answers", ANSWERS, "--json", "-o", str(report))
    saved = json.loads(result.stdout)
    assert Path(saved["path"]) == hermetic / "results" / f"{saved['id']}.json" and Path(saved["path"]).is_file()
    assert saved["status"] == "complete" and saved["report"] == str(report) and report.is_file()
    assert saved["overall"] == {"score": 68.5, "level": "developing"}
    assert saved["questionnaire"]["id"] == "mini" and saved["gaps"]
    assert f"Saved {saved['path']}" in result.stderr and f"Report: {report}" in result.stderr
    interactive = run("assess", "mini", "--json", code=2)
    assert "--answers" in interactive.stderr


def test_resume_json_lists_in_progress_assessments(hermetic: Path, tmp_path: Path) -> None:
    assert data("resume", "--json") == []
    assert run("resume").stdout == ""  # "No assessment in progress." is a message
    partial = tmp_path / "partial.yaml"
    partial.write_text("agency: Test Town\nanswers:\n  has-schools: no\n  planning-policy: 1\n")
    run("assess", str(PACK / "mini.yaml"), "--answers", str(partial), "--no-report")
    [item] = data("resume", "--json")  # type: ignore[misc]
    assert item["agency"] == "Test Town" and item["questionnaire"] == "mini"
    assert (item["answered"], item["applicable"]) == (1, 2)  # scored questions; the profile is counted apart
    assert item["resume"].endswith(f"resume {item['id']}")


@pytest.mark.parametrize(
    "args",
    [
        ["export", "latest", "--what", "gaps", "-o", "{tmp}/plan.csv"],
        ["example", "county-sheriff-answers", "-o", "{tmp}/answers.yaml"],
        ["assess", str(PACK / "mini.yaml"), "--answers", ANSWERS, "--no-report"],
        ["report", ANSWERS, "-o", "{tmp}/report.html"],
        ["rollup", "-o", "{tmp}/region.html"],
        ["delete", "latest-id", "--yes"],
    ],
    ids=lambda args: args[0],
)
def test_messages_go_to_standard_error(two_results: list[str], tmp_path: Path, args: list[str]) -> None:
    args = [a.replace("{tmp}", str(tmp_path)).replace("latest-id", two_results[1]) for a in args]
    result = run(*args)
    assert result.stderr.strip(), "no message at all"
    for word in ("Saved", "Wrote", "Report:", "Deleted"):
        assert word not in result.stdout, f"{word!r} on standard output"


def test_export_json_names_result_agency_questionnaire_version_and_date(two_results: list[str]) -> None:
    for what in ("answers", "gaps", "scores"):
        export = data("export", two_results[0], "--format", "json", "--what", what)
        assert isinstance(export, dict)
        assert {"export", "result", "agency", "questionnaire", "date", what} <= set(export)
        assert export["result"] == two_results[0] and export["export"] == what
        assert set(export["questionnaire"]) == {"id", "version"}


def test_example_prints_or_copies_and_lists(tmp_path: Path) -> None:
    listed = data("example", "--json")
    assert isinstance(listed, list)
    names = [e["name"] for e in listed]
    assert "county-sheriff-answers" in names
    printed = run("example", "county-sheriff-answers").stdout
    assert printed == (Path(listed[names.index("county-sheriff-answers")]["path"])).read_text()
    target = tmp_path / "answers.yaml"
    run("example", "county-sheriff-answers.yaml", "-o", str(target))
    assert target.read_text() == printed and target.stat().st_mode & 0o777 == 0o600
    again = run("example", "county-sheriff-answers", "-o", str(target), code=2)
    assert "--force" in again.stderr
    unknown = run("example", "county-sherif", code=2)
    assert "did you mean 'county-sheriff-answers'" in unknown.stderr


@pytest.mark.parametrize("args", [["schema", "questionnaire"], ["resources", "--json"]])
def test_a_reader_that_goes_away_ends_prepkit_quietly(args: list[str]) -> None:
    """`prepkit ... | head`: no error message, and the exit code of a Unix tool stopped by SIGPIPE."""
    with subprocess.Popen(
        [sys.executable, "-m", "prepkit", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # before prepkit writes anything: every write fails
        errors = proc.stderr.read()
        code = proc.wait(timeout=60)
    assert (code, errors) == (141, b"")


def test_each_examples_try_it_line_works_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    listed = data("example", "--json")
    assert isinstance(listed, list) and listed
    for example in listed:
        line = next(x for x in Path(example["path"]).read_text().splitlines() if x.startswith("# Try it: "))
        for command in line.removeprefix("# Try it: ").split(" && "):
            words = shlex.split(command)
            assert words[0] == "prepkit"
            run(*words[1:])
        (tmp_path / "answers.yaml").unlink()


def test_hints_name_prepkit_as_it_was_started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The wheel test covers an activated venv and a typed path; here `python -m prepkit` and the rest."""
    import prepkit
    from prepkit.cli.app import command_name

    monkeypatch.setattr(sys, "argv", [str(Path(prepkit.__file__).parent / "__main__.py")])
    assert command_name().endswith(" -m prepkit")
    assert command_name().split(" -m ")[0] in ("python3", sys.executable)
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "bin" / "prepkit")])
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
    assert command_name() == str(tmp_path / "bin" / "prepkit")  # not on PATH: the path as typed
    monkeypatch.setattr(sys, "argv", ["/somewhere/pytest"])
    assert command_name() == "prepkit"  # not a prepkit script at all (tests, embedding)
