"""The commands of the core issue, run as a user runs them: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
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


def test_scoring_an_answers_file_loads_no_store_code_and_no_content_hash() -> None:
    """`score answers.yaml` needs neither the store (asked for only for a saved result) nor the
    questionnaire's content hash (worked out when first asked for): both cost time at 10,000 questions."""
    code = (
        "import sys; from prepkit.cli import app; from typer.testing import CliRunner; "
        "import prepkit.content.models as q; calls = []; real = q.content_hash; "
        "q.content_hash = lambda *a: calls.append(1) or real(*a); "
        f"r = CliRunner().invoke(app, ['score', {str(PACK / 'answers.yaml')!r}, '--json']); "
        "print(r.exit_code, sorted(m for m in sys.modules if m.startswith('prepkit.results')), len(calls))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "0 [] 0"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """prepkit built as a wheel, offline (no build isolation), as `pip install .` builds it."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("prepkit-*.whl")
    return built


@pytest.mark.timeout(300)
def test_wheel_carries_questionnaires_templates_and_examples_and_works_from_anywhere(
    wheel: Path, tmp_path: Path
) -> None:
    """A non-editable install must find its bundled data from any folder."""
    names = zipfile.ZipFile(wheel).namelist()
    bundled = sorted(p.name for p in (REPO / "questionnaires").glob("*.yaml"))
    assert all(f"prepkit/questionnaires/{name}" in names for name in bundled)
    examples = sorted(p.name for p in (REPO / "examples").glob("*.yaml"))
    assert examples and all(f"prepkit/examples/{name}" in names for name in examples)
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
    code = "from prepkit.paths import bundled_questionnaires as b, bundled_examples as e; print(b()); print(e())"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert proc.stdout.split() == [str(target / "prepkit" / "questionnaires"), str(target / "prepkit" / "examples")]
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


def readme_blocks(section: str) -> list[str]:
    """The sh code blocks of one README section (up to the next `## ` heading)."""
    text = (REPO / "README.md").read_text()
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", body, flags=re.S)


# Tour lines that need a terminal: run verbatim they must say so (exit 2, pointing to --answers).
INTERACTIVE = ("prepkit assess active-assailant", "prepkit assess active-assailant --from previous")
# Tour lines whose arguments stand for the reader's own files.
PLACEHOLDERS = ("prepkit merge R1 R2 R3 -o team.json",)
# The next year's assessment, without a terminal, so that `compare previous latest` has two results.
NEXT_YEAR = "prepkit assess active-assailant --answers answers.yaml --no-report"


@pytest.mark.timeout(900)
def test_readme_setup_and_tour_work_verbatim_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    """The README's set-up leaves `prepkit` on PATH, and every tour command works from another folder
    with only the installed wheel (no checkout): the wheel goes into `.venv` offline, its dependencies
    come from the test environment (a .pth file), and each line runs verbatim in bash."""
    setup = readme_blocks("Set up")
    assert [block.strip() for block in setup] == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && prepkit assess active-assailant",
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest",
    ]
    assert (REPO / ".ci" / "run").read_text().strip().splitlines()[-1] == setup[1].strip()
    home = tmp_path / "home"
    folder = tmp_path / "agency"
    folder.mkdir(parents=True)
    venv = folder / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    (purelib / "prepkit_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "LANG": "C.UTF-8",
    }

    def shell(line: str, activate: bool = True) -> subprocess.CompletedProcess[str]:
        script = f". .venv/bin/activate && {line}" if activate else line
        return subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True, timeout=300)

    where = shell("python -c 'import prepkit; print(prepkit.__file__)'")
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr  # the wheel, not the checkout
    # The first set-up command after installing: `prepkit` is on PATH, and without a terminal it says so.
    first = shell(setup[0].split(" && ")[-1])
    assert first.returncode == 2 and "--answers" in first.stderr, first.stderr

    tour = [line for block in readme_blocks("A short tour") for line in block.splitlines() if line.strip()]
    assert all(line.startswith("prepkit ") for line in tour)
    commands = [line.split("  #")[0].strip() for line in tour]
    assert set(INTERACTIVE) <= set(commands) and set(PLACEHOLDERS) <= set(commands)
    shell("mkdir -p collected-results my-pack")
    for line, command in zip(tour, commands, strict=True):
        if command in PLACEHOLDERS:
            continue
        if command.startswith("prepkit rollup ./collected-results"):  # results collected from agencies: here, our own
            assert (
                shell("prepkit export latest --format json --what result -o collected-results/a.json").returncode == 0
            )
        if command.startswith("prepkit rollup board-inbox/"):  # packets received: here, the one just made
            assert shell("mkdir -p board-inbox && cp riverbend-2026.prepkit board-inbox/").returncode == 0
        if command.startswith("prepkit validate my-pack"):
            assert shell("prepkit example county-sheriff-answers -o my-pack/answers.yaml").returncode == 0
        proc = shell(line)
        if command in INTERACTIVE:
            assert proc.returncode == 2 and "--answers" in proc.stderr, (line, proc.stderr)
            if "--from" in command:
                assert shell(NEXT_YEAR).returncode == 0
            continue
        assert proc.returncode == 0, (line, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        if "--json" in command:
            json.loads(proc.stdout)
    made = sorted(p.name for p in folder.iterdir())
    assert {"action-plan.csv", "action-plan.xlsx", "answers.yaml", "questionnaire.schema.json", "region.pdf"} <= set(
        made
    )
    assert "riverbend-2026.prepkit" in made
    assert len([name for name in made if name.endswith(".pdf")]) >= 2  # the assessment's report and region.pdf
    json.loads((folder / "questionnaire.schema.json").read_text())

    # Hints name a command that works: `prepkit` when activated, the path typed when not.
    (folder / "partial.yaml").write_text("questionnaire: active-assailant\nagency: Hint Test\nanswers: {}\n")
    for activate, typed in ((True, "prepkit"), (False, ".venv/bin/prepkit")):
        proc = shell(f"{typed} assess active-assailant --answers partial.yaml --no-report", activate=activate)
        assert proc.returncode == 0, proc.stderr
        hint = next(line.strip() for line in proc.stderr.splitlines() if " resume " in line)
        assert hint.startswith(f"{typed} resume ")
        again = shell(hint, activate=activate)
        assert again.returncode == 2 and "terminal" in again.stderr, again.stderr  # found and run, not 127
