"""The hostile-input corpus: files a careless or malicious author could hand to prepkit.

For each file the real process must exit with the documented code, print one `FILE:LINE:COL: message`
line per problem (exactly one for a file that is simply broken), never a traceback, and leave a
pre-populated result store byte for byte as it was. Speed is measured by benchmarks/bench.py, not here;
the subprocess timeout is only a guard against hangs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import stat
import subprocess
from functools import cache
from pathlib import Path

import pytest
from generated import MB, answers_text, huge_file, questionnaire_text
from hostile_cases import CASES, HOSTILE_MARKUP, SECRET, Case

from conftest import PACK
from conftest import run_process as run_prepkit

HERE = Path(__file__).parent
CASES_DIR = HERE / "cases"
MINI = "../../fixtures/pack/mini.yaml"  # as the answers cases name it, relative to CASES_DIR
HANG_GUARD = 30.0

StoreState = dict[str, tuple[int, int, int, bytes | None]]


def store_state(root: Path) -> StoreState:
    """Every entry under root with its type, mode, modification time and content."""
    state: StoreState = {}
    for path in [root, *sorted(root.rglob("*"))]:
        info = path.lstat()
        content = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
        state[str(path.relative_to(root))] = (
            stat.S_IFMT(info.st_mode),
            stat.S_IMODE(info.st_mode),
            info.st_mtime_ns,
            content,
        )
    return state


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one real result, so that any write, rename or deletion would show."""
    from prepkit.content.answers import load_answers
    from prepkit.results.model import new_result
    from prepkit.results.store import Store

    root = tmp_path_factory.mktemp("hostile") / "store"
    sheet = load_answers(PACK / "answers.yaml")
    result = new_result(sheet.questionnaire, sheet.agency, sheet.respondent, sheet.answers, complete=True)
    Store(root).save(result)
    assert len(list((root / "results").iterdir())) == 1
    return root


def prepkit(store: Path, *args: str, cwd: Path = CASES_DIR) -> subprocess.CompletedProcess[str]:
    """Run prepkit against store and assert that the store did not change."""
    env = {
        "PREPKIT_STORE": str(store),
        "PREPKIT_QUESTIONNAIRES": "",
        "PREPKIT_DEBUG": "",
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    before = store_state(store)
    proc = run_prepkit(*args, cwd=cwd, env=env, timeout=HANG_GUARD)
    assert store_state(store) == before, f"prepkit {' '.join(args)} changed the store"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def assert_rejected(case: Case, lines: list[str]) -> None:
    """Exactly case.lines lines, the first pointing at case.named:line:column with case.message."""
    assert len(lines) == case.lines, "\n".join(lines)
    first = lines[0]
    assert re.match(rf"^{re.escape(case.named)}:{case.line}:{case.column}: \S", first), first
    assert case.message in first, first
    for line in lines:
        assert re.match(r"^[^:]+:\d+:\d+: \S", line), line
        assert len(line) < 400, f"a message must stay short: {line[:200]}..."


def assert_outcome(case: Case, problems: list[str], stdout: str) -> None:
    accepted = f"{case.file}: ok, " in stdout
    if case.exit == 0:
        assert problems == [], "\n".join(problems)
        assert accepted, stdout
    else:
        assert not accepted, stdout
        assert_rejected(case, problems)


# --- the corpus itself


def test_every_corpus_file_has_exactly_one_expectation() -> None:
    files = sorted(p.name for p in CASES_DIR.iterdir())
    listed = [case.file for case in CASES]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    assert sorted(listed) == files
    assert len(files) >= 40
    kinds = {case.kind for case in CASES}
    assert kinds == {"questionnaire", "library", "answers", "result"}


def test_committed_corpus_files_are_small() -> None:
    assert all(p.stat().st_size < 64 * 1024 for p in CASES_DIR.iterdir())


# --- validate: the files that only name themselves run in one process, the rest on their own

BATCHED = [case for case in CASES if case.names is None]


@pytest.fixture(scope="module")
def batch(store: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    proc = prepkit(store, "validate", *(case.file for case in BATCHED))
    by_file: dict[str, list[str]] = {}
    for line in proc.stderr.splitlines():
        by_file.setdefault(line.split(":", 1)[0], []).append(line)
    return proc, by_file


def test_batch_prints_only_file_lines(batch: tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]) -> None:
    proc, by_file = batch
    assert proc.returncode == 1
    assert set(by_file) <= {case.file for case in BATCHED}, set(by_file) - {case.file for case in BATCHED}
    ok_lines = [line for line in proc.stdout.splitlines() if line]
    assert len(ok_lines) == sum(case.exit == 0 for case in BATCHED), proc.stdout


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.file)
def test_validate(
    case: Case, store: Path, batch: tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]
) -> None:
    if case.names is None:
        proc, by_file = batch
        assert_outcome(case, by_file.get(case.file, []), proc.stdout)
        return
    proc = prepkit(store, "validate", case.file)
    assert proc.returncode == case.exit, proc.stderr
    assert_outcome(case, proc.stderr.splitlines(), proc.stdout)


# --- score reads answers files and results the way a user would

# Every result (score finds them through the store, validate beside the file); for answers files score
# and validate share load_answers, so the accepted ones and a few refused ones suffice.
SCORED = [
    case
    for case in CASES
    if case.kind == "result"
    or (
        case.kind == "answers"
        and (
            case.exit == 0
            or case.file in ("a-value-outside-scale.yaml", "a-questionnaire-broken.yaml", "a-control-in-note.yaml")
        )
    )
]


@pytest.mark.parametrize("case", SCORED, ids=lambda case: case.file)
def test_score(case: Case, store: Path) -> None:
    proc = prepkit(store, "score", case.file, "--json")
    expected = case.exit if case.score_exit is None else case.score_exit
    assert proc.returncode == expected, proc.stderr
    if expected:
        assert_rejected(case, proc.stderr.splitlines())
        assert proc.stdout == ""
        return
    assert proc.stderr == ""
    card = json.loads(proc.stdout)
    assert card["agency"] == agency_of(case)
    plain = prepkit(store, "score", case.file)  # the table escapes rich markup in user text
    assert plain.returncode == 0, plain.stderr
    assert agency_of(case).split(" [")[0] in plain.stdout


def agency_of(case: Case) -> str:
    path = CASES_DIR / case.file
    if case.kind == "result":
        agency: str = json.loads(path.read_text(encoding="utf-8"))["agency"]
        return agency
    from prepkit.content.yamlio import load_yaml

    return str(load_yaml(path).data["agency"])


# --- what cannot be committed: huge files and files that are not files


@pytest.mark.parametrize(
    "kind, name", [("questionnaire", "huge.yaml"), ("answers", "huge-answers.yaml"), ("result", "huge.json")]
)
def test_huge_files_are_refused_unread(kind: str, name: str, store: Path, tmp_path: Path) -> None:
    path = huge_file(tmp_path / name, 50 * MB, kind)
    for command in (("validate", name), ("score", name)):
        if kind == "questionnaire" and command[0] == "score":
            continue
        proc = prepkit(store, *command, cwd=tmp_path)
        assert proc.returncode == 1
        size = path.stat().st_size / 1e6
        assert_rejected(Case(name, 1, 1, 1, f"file is {size:.1f} MB; the limit is 5 MiB"), proc.stderr.splitlines())


def test_huge_values_are_cut_short_in_messages(store: Path, tmp_path: Path) -> None:
    text = (CASES_DIR / "q-crlf-ok.yaml").read_text(encoding="utf-8").replace("\r", "")
    text = text.replace('version: "1"', 'version: "1"\n? ' + "k" * 3 * MB + "\n: 1")
    text = text.replace("title: Planning", "title: Planning\n    weight: '" + "w" * MB + "'")
    (tmp_path / "long.yaml").write_text(text, encoding="utf-8")
    proc = prepkit(store, "validate", "long.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert_rejected(Case("long.yaml", 1, 4, 3, "unknown key 'kkkkkkkkkk", lines=2), lines)
    assert "(3,000,000 characters)" in lines[0]
    assert lines[1].startswith("long.yaml:17:13: weight: expected a number, got 'wwww")
    assert lines[1].endswith("... (1,000,000 characters)'")


@pytest.mark.parametrize("what", ["fifo", "directory", "dangling-symlink", "dev-zero", "missing"])
def test_paths_that_are_not_regular_files(what: str, store: Path, tmp_path: Path) -> None:
    path = tmp_path / "special.yaml"
    if what == "fifo":
        os.mkfifo(path)  # opening it for reading would block forever
    elif what == "directory":
        path.mkdir()
    elif what == "dangling-symlink":
        path.symlink_to(tmp_path / "nowhere.yaml")
    elif what == "dev-zero":
        path.symlink_to("/dev/zero")  # endless
    proc = prepkit(store, "validate", path.name, cwd=tmp_path)
    assert proc.returncode == 1
    assert_rejected(Case(path.name, 1, 1, 1, "not a regular file"), proc.stderr.splitlines())


def test_a_questionnaire_with_2000_questions_is_accepted(store: Path, tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(questionnaire_text(2000), encoding="utf-8")
    (tmp_path / "big-answers.yaml").write_text(answers_text("big.yaml", 2000), encoding="utf-8")
    proc = prepkit(store, "validate", "big.yaml", "big-answers.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2000 questions" in proc.stdout
    proc = prepkit(store, "score", "big-answers.yaml", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["complete"] is True


def test_thousands_of_unknown_names_are_each_refused_without_stalling(store: Path, tmp_path: Path) -> None:
    """Each unknown name gets its line; "did you mean" stops after a budget of comparisons. Without one,
    difflib compared every name with every question: 20,000 unknown answers to a 10,000-question
    questionnaire took 27 minutes, and these files would outlast the hang guard."""
    (tmp_path / "big.yaml").write_text(questionnaire_text(5000), encoding="utf-8")
    unknown = [f"  nope-{n}: 1" for n in range(8000)]
    answers = answers_text("big.yaml", 1).replace("  has-schools: yes\n", "\n".join(unknown) + "\n")
    (tmp_path / "answers.yaml").write_text(answers, encoding="utf-8")
    proc = prepkit(store, "validate", "answers.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 8000
    assert lines[0] == "answers.yaml:5:3: unknown question 'nope-0'"
    assert lines[-1] == "answers.yaml:8004:3: unknown question 'nope-7999'"

    text = questionnaire_text(5000).replace("        when: {has-schools: [yes, unsure]}\n", "")
    text = text.replace("        help:", "        when: {nope: [yes]}\n        help:")
    (tmp_path / "conditions.yaml").write_text(text, encoding="utf-8")
    proc = prepkit(store, "validate", "conditions.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert len(lines) == 5000 and all("unknown question 'nope'" in line for line in lines)


# --- accepted on purpose: HTML, script, URLs and bidi marks in text come out as text in the report


@cache
def report_api() -> tuple[object, object] | None:
    """build_context and render_html of the report code, or None before the report branch lands."""
    if importlib.util.find_spec("prepkit.report") is None:
        return None
    from prepkit.report.context import build_context  # if these move, this test must follow them
    from prepkit.report.html import render_html

    return build_context, render_html


def accepted_results() -> list[object]:
    from prepkit.content.answers import load_answers
    from prepkit.results.gate import read_result
    from prepkit.results.model import new_result

    sheet = load_answers(CASES_DIR / "a-html-note-ok.yaml")
    from_answers = new_result(sheet.questionnaire, sheet.agency, sheet.respondent, sheet.answers, complete=False)
    return [read_result(CASES_DIR / "res-html-text-ok.json"), from_answers]


def test_hostile_text_renders_as_text_in_the_report() -> None:
    api = report_api()
    if api is None:
        pytest.skip("the report code (prepkit.report) is not on this branch yet")
    build_context, render_html = api
    for result in accepted_results():
        html = render_html(build_context(result))  # type: ignore[operator]
        for markup in HOSTILE_MARKUP:
            assert markup not in html
        assert "&lt;script&gt;" in html
        tags = re.findall(r"<[a-zA-Z][^<>]*>", html)  # real tags only; escaped text has &lt; instead
        urls = [url for tag in tags for url in re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", tag)]
        assert not [url for url in urls if url.startswith(("file:", "http:", "javascript:"))], urls
        assert "\u202e" in html  # bidi marks are kept as the author wrote them


# --- commands from other branches that write to the store must refuse the same files without writing


@cache
def commands() -> frozenset[str]:
    import typer

    from prepkit.cli import app

    group = typer.main.get_command(app)
    return frozenset(getattr(group, "commands", {}))


REFUSED_RESULTS = [case for case in CASES if case.kind == "result" and case.exit and case.score_exit is None]
REFUSED_ANSWERS = [case for case in CASES if case.kind == "answers" and case.exit and not case.by_questionnaire]


@pytest.mark.parametrize("case", REFUSED_RESULTS, ids=lambda case: case.file)
def test_import_refuses_without_writing(case: Case, store: Path) -> None:
    if "import" not in commands():
        pytest.skip("n/a (command not available): prepkit import")
    proc = prepkit(store, "import", case.file)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert_rejected(case, proc.stderr.splitlines())


@pytest.mark.parametrize("case", REFUSED_ANSWERS, ids=lambda case: case.file)
def test_assess_refuses_without_writing(case: Case, store: Path) -> None:
    if "assess" not in commands():
        pytest.skip("n/a (command not available): prepkit assess")
    proc = prepkit(store, "assess", MINI, "--answers", case.file, "--no-report")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert_rejected(case, proc.stderr.splitlines())


def test_a_file_that_is_not_a_prepkit_file_is_never_quoted(store: Path, tmp_path: Path) -> None:
    """`questionnaire: /etc/shadow`: no message shows a line of a file that did not parse as ours."""
    plain = tmp_path / "shadow"  # not .yaml: never even read as a questionnaire
    plain.write_text((CASES_DIR / "q-shadow-like.yaml").read_text())
    secret_yaml = tmp_path / "shadow.yaml"  # a .yaml file: read, found not to be ours, not quoted
    secret_yaml.write_text("root:$6$SECRETHASH$x:19000:0:99999: 7\nadmin: SECRET-password\n")
    answers = tmp_path / "answers.yaml"
    for named in (plain, secret_yaml):
        answers.write_text(f"questionnaire: {named}\nagency: A\nanswers:\n  planning-policy: 2\n")
        for args in (
            ["validate", str(answers)],
            ["validate", str(named)],
            ["score", str(answers)],
            ["score", str(CASES_DIR / "a-html-note-ok.yaml"), "-q", str(named)],
            ["history", "-q", str(named)],
            ["assess", str(named), "--answers", str(answers)],
        ):
            proc = prepkit(store, *args, cwd=tmp_path)
            assert proc.returncode in (1, 2), (args, proc.stderr)
            assert SECRET not in proc.stderr + proc.stdout, (args, proc.stderr)
