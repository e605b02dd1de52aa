"""`prepkit assess --answers`, no terminal, the store side of assessments in progress."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, PACK, REPO, run_prepkit
from prepkit.assess.autosave import Autosave, read_store
from prepkit.content.models import Answer
from prepkit.content.questionnaire import load_questionnaire
from prepkit.results.store import Store

DRILL = FIXTURES / "assess" / "drill.yaml"
MINI = str(PACK / "mini.yaml")


def stored(store: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted((store / "results").glob("*.json"))]


def test_without_a_terminal_or_answers_it_stops_with_usage_error() -> None:
    proc = run_prepkit("assess", MINI, input="1\n1\n", timeout=30)
    assert proc.returncode == 2
    assert "not one" in proc.stderr and "--answers FILE" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_resume_of_an_id_needs_a_terminal_too(hermetic: Path) -> None:
    saved = run_prepkit("assess", MINI, "--answers", str(PACK / "answers.yaml"), "--no-report")
    assert saved.returncode == 0, saved.stderr
    result_id = stored(hermetic)[0]["id"]
    proc = run_prepkit("resume", str(result_id), input="", timeout=30)
    assert proc.returncode == 2 and "--answers" in proc.stderr


def test_answers_file_is_assessed_without_prompts(hermetic: Path, tmp_path: Path) -> None:
    proc = run_prepkit("assess", MINI, "--answers", str(PACK / "answers.yaml"), input="", timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    [result] = stored(hermetic)
    assert result["status"] == "complete"
    assert result["agency"] == "Test Town Police Department" and result["date"] == "2026-11-25"
    assert result["answers"]["schools-maps"]["note"] == "updated in May"
    assert "Overall: 68.5 (Developing), complete" in proc.stdout
    report = tmp_path / "test-town-police-department_mini_2026-11-25.pdf"
    assert f"Report: {report}" in proc.stderr and "Report:" not in proc.stdout  # messages on stderr
    assert f"Saved {hermetic / 'results'}" in proc.stderr
    assert report.stat().st_mode & 0o777 == 0o600
    assert report.read_bytes().startswith(b"%PDF")
    quiet = run_prepkit("assess", MINI, "--answers", str(PACK / "answers.yaml"), "--no-report")
    assert quiet.returncode == 0
    assert "Overall:" not in quiet.stdout and "PDF" not in quiet.stderr  # no score table, no report
    assert "Compared with the assessment of 2026-11-25" in quiet.stdout
    assert len(stored(hermetic)) == 2
    mixed = run_prepkit("assess", MINI, "--answers", str(PACK / "answers.yaml"), "--agency", "Other")
    assert mixed.returncode == 2 and "answers file names its own agency" in mixed.stderr
    assert len(stored(hermetic)) == 2


def test_a_second_assessment_is_compared_with_the_earlier_one(hermetic: Path, tmp_path: Path) -> None:
    first = run_prepkit("assess", MINI, "--answers", str(PACK / "answers.yaml"), "--no-report")
    assert "Compared with" not in first.stdout
    better = tmp_path / "better.yaml"
    better.write_text(
        (PACK / "answers.yaml")
        .read_text()
        .replace("planning-policy: 2", "planning-policy: 3")
        .replace("date: 2026-11-25", "date: 2026-12-01")
    )
    second = run_prepkit("assess", MINI, "--answers", str(better), "--no-report")
    assert second.returncode == 0, second.stderr
    assert "Compared with the assessment of 2026-11-25" in second.stdout
    overall = next(line for line in second.stdout.splitlines() if line.strip().startswith("Overall"))
    assert overall.split() == ["Overall", "68.5", "83.3", "↑", "+14.8"]
    assert "Questions: 1 improved, 0 regressed, 1 gap closed, 0 new gaps." in second.stdout


def test_the_comparison_shown_and_the_reports_come_from_one_read_of_the_series(
    hermetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`assess` prints the change since the previous assessment and writes a report compared with the
    same one: the agency's earlier results are read once for both."""
    from prepkit.history import timeline

    reads: list[bool] = []
    real = timeline._earlier

    def counted(store: Store, result: object, *, every: bool) -> object:
        reads.append(every)
        return real(store, result, every=every)  # type: ignore[arg-type]

    monkeypatch.setattr(timeline, "_earlier", counted)
    first = run_prepkit("assess", MINI, "--answers", str(PACK / "answers.yaml"), "-o", str(tmp_path / "first.html"))
    assert first.returncode == 0, first.stderr
    assert reads == [True]  # none earlier: still one read
    reads.clear()
    later = tmp_path / "later.yaml"
    later.write_text((PACK / "answers.yaml").read_text().replace("date: 2026-11-25", "date: 2026-12-01"))
    report = tmp_path / "report.html"
    second = run_prepkit("assess", MINI, "--answers", str(later), "-o", str(report))
    assert second.returncode == 0, second.stderr
    assert "Compared with the assessment of 2026-11-25" in second.stdout
    assert "2026-11-25" in report.read_text()
    assert reads == [True]


def test_an_incomplete_answers_file_is_saved_in_progress(hermetic: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text("agency: Test Town\nanswers:\n  has-schools: no\n  planning-policy: 1\n")
    proc = run_prepkit("assess", MINI, "--answers", str(partial), "--no-report")
    assert proc.returncode == 0, proc.stderr
    [result] = stored(hermetic)
    assert result["status"] == "in-progress"
    assert f"prepkit resume {result['id']}\n" in proc.stderr  # the hint, with the other messages
    assert "resume" not in proc.stdout
    listing = run_prepkit("resume")
    assert "Test Town - Mini Readiness Check" in listing.stdout
    assert "1 of 2 answered" in listing.stdout  # scored questions; the profile is counted on its own


def test_a_bad_answers_file_is_reported_by_line_and_nothing_saved(hermetic: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("agency: X\nanswers:\n  planning-policy: 9\n")
    proc = run_prepkit("assess", MINI, "--answers", str(bad))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{bad}:3:")
    assert not (hermetic / "results").exists()


def test_damaged_in_progress_files_are_reported_and_set_aside(hermetic: Path) -> None:
    results = hermetic / "results"
    results.mkdir(parents=True)
    (results / "half.json").write_text('{"format": 1, "id": "half", "status": "in-progress", "agen')
    (results / "other.json").write_text("not json at all")
    proc = run_prepkit("resume")
    assert proc.returncode == 0
    assert "half.json:1:" in proc.stderr and "other.json:1:" in proc.stderr
    assert "No assessment in progress (2 skipped as unreadable)." in proc.stderr  # named, skipped, counted
    assert "kept aside as" in proc.stderr and "half.json.damaged" in proc.stderr
    assert (results / "half.json.damaged").read_text().endswith('"agen')  # moved, not rewritten
    assert not (results / "half.json").exists()
    assert (results / "other.json").exists()  # not recognisably in progress: left alone
    (results / "half.json").write_text("{}")
    read_store(Store(hermetic))
    assert (results / "half.json.damaged").read_text().endswith('"agen')  # never replaced
    assert (results / "half.json").exists()  # "{}" carries no in-progress mark


def test_autosave_never_replaces_another_file_on_its_first_write(hermetic: Path) -> None:
    q = load_questionnaire(DRILL)
    store = Store(hermetic)
    autosave = Autosave.start(store, q, "Agency", None)
    taken = autosave.path
    store.results_dir.mkdir(parents=True)
    taken.write_text("someone else's")
    saved = autosave.save({"has-schools": Answer(kind="choice", choice="yes")})
    assert taken.read_text() == "someone else's"
    assert saved != taken and saved == autosave.path
    autosave.save({"has-schools": Answer(kind="choice", choice="no")})  # later saves go to the new file
    assert store.load(saved).answers["has-schools"].choice == "no"


def test_store_contents_find_in_progress_by_agency_and_the_last_agency(hermetic: Path) -> None:
    q = load_questionnaire(DRILL)
    store = Store(hermetic)
    ongoing = Autosave.start(store, q, "Test  Town PD", None)
    ongoing.save({"has-schools": Answer(kind="choice", choice="no")})
    done = Autosave.start(store, q, "test town pd", "Lt.")
    done.save({}, complete=True)
    contents = read_store(store)
    assert [r.id for _, r in contents.in_progress("drill", "TEST TOWN PD")] == [ongoing.result.id]
    assert contents.in_progress("drill", "Elsewhere") == []
    assert contents.last_agency("drill") == "test town pd"
    assert contents.last_agency("other-questionnaire") == "test town pd"
    assert oct(ongoing.path.stat().st_mode & 0o777) == "0o600"


def test_the_assess_path_imports_no_report_machinery() -> None:
    code = (
        "import sys, prepkit.cli, prepkit.cli.assess_commands, prepkit.cli.interview_view, "
        "prepkit.assess.interview; "
        "print(sorted(m for m in ('weasyprint', 'jinja2') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert proc.stdout.strip() == "[]"


def test_answers_file_rerun_from_previous_records_provenance(hermetic: Path, tmp_path: Path) -> None:
    first = run_prepkit("assess", MINI, "--answers", str(PACK / "answers.yaml"), "--no-report")
    assert first.returncode == 0, first.stderr
    update = tmp_path / "update.yaml"
    update.write_text(
        f"questionnaire: {MINI}\nagency: Test Town Police Department\nanswers:\n"
        "  planning-policy: 3\n  planning-review: 'Yes'\n"
    )
    proc = run_prepkit("assess", MINI, "--answers", str(update), "--from", "previous", "--no-report")
    assert proc.returncode == 0, proc.stderr
    before, after = sorted(stored(hermetic), key=lambda r: str(r["created"]))
    assert after["previous"] == before["id"] and after["status"] == "complete"
    assert after["provenance"] == {
        "has-schools": "carried",
        "planning-policy": "changed",
        "planning-review": "reverified",
        "schools-maps": "carried",
        "schools-drills": "carried",
    }


def test_history_shows_an_unfinished_result_without_score_and_fits_ids_at_80_columns(
    hermetic: Path, tmp_path: Path
) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text("agency: Riverbend County Sheriff's Office\nanswers:\n  has-schools: no\n  planning-policy: 1\n")
    whole = tmp_path / "whole.yaml"
    whole.write_text(
        "agency: Riverbend County Sheriff's Office\nanswers:\n  has-schools: no\n  planning-policy: 3\n"
        "  planning-review: 1\n"
    )
    for answers in (whole, partial):
        assert run_prepkit("assess", MINI, "--answers", str(answers), "--no-report").returncode == 0
    shown = run_prepkit("history", env={"COLUMNS": "80"}).stdout
    ids = [str(r["id"]) for r in stored(hermetic)]
    lines = shown.splitlines()
    for result_id in ids:  # every id whole on one line
        assert any(result_id in line for line in lines), (result_id, shown)
    unfinished = next(line for line in lines if "in progress" in line)
    assert "in progress, 1 of 2" in unfinished and "Foundational" not in unfinished
    assert "Developing" not in unfinished and "Established" not in unfinished
    assert max(len(line) for line in lines) <= 80


def test_report_export_and_compare_take_an_agency_name(hermetic: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "a.yaml"
    for agency, value in (("Jérôme Police", 1), ("Jérôme Police", 3), ("Other Sheriff", 2)):
        sheet.write_text(
            f"agency: {agency}\nanswers:\n  has-schools: no\n  planning-policy: {value}\n  planning-review: 1\n"
        )
        assert run_prepkit("assess", MINI, "--answers", str(sheet), "--no-report").returncode == 0
    ids = sorted(str(r["id"]) for r in stored(hermetic))
    assert ids[0].startswith("jerome-police-") and ids[1] == ids[0] + "-2"  # transliterated, suffix on collision
    one = run_prepkit("export", "other", "--format", "json", "--what", "scores")  # one result: no question
    assert one.returncode == 0, one.stderr
    several = run_prepkit("export", "jerome", "--format", "json")  # accents optional; not a terminal: listed
    assert several.returncode == 2
    assert "2 results" in several.stderr and ids[0] in several.stderr and ids[1] in several.stderr
    report = run_prepkit("report", "jérôme p", "-o", str(tmp_path / "r.html"))
    assert report.returncode == 2 and "2 results" in report.stderr
    compared = run_prepkit("compare", ids[0], "other", "--json")
    assert compared.returncode == 0, compared.stderr


def test_the_resume_list_counts_the_files_it_skipped(hermetic: Path) -> None:
    store = Store(hermetic)
    autosave = Autosave.start(store, load_questionnaire(DRILL), "Agency", None)
    autosave.save({}, complete=False)
    autosave.release()
    (store.results_dir / "half.json").write_text('{"format": 1, "id": "half", "status": "in-progress", "agen')
    proc = run_prepkit("resume")
    assert proc.returncode == 0, proc.stderr
    assert "Assessments in progress (1 skipped as unreadable)" in proc.stdout
    assert "half.json:1:" in proc.stderr
