"""`prepkit export`: answers, the action plan and scores as CSV a spreadsheet opens, or as JSON."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest

from conftest import run_prepkit
from prepkit.report.export import export_result, to_csv
from prepkit.results.store import Store
from resultkit import V2_ANSWERS, save_result


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def saved(hermetic: Path) -> str:
    result, _ = save_result(Store(hermetic))
    return result.id


def test_answers_csv_has_every_question_with_note_and_evidence(saved: str) -> None:
    proc = run_prepkit("export", saved, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = _csv(proc.stdout)
    assert [r["question"] for r in rows] == [
        "has-schools",
        "planning-policy",
        "planning-review",
        "schools-maps",
        "schools-drills",
    ]
    maps = rows[3]
    assert maps["domain"] == "schools" and maps["answer"] == "Fully in place" and maps["value"] == "3"
    assert maps["note"] == "updated in May" and maps["evidence"] == "binder in every car"
    assert rows[0]["answer"] == "yes" and rows[0]["domain"] == "profile"
    assert rows[4]["status"] == "unknown" and rows[4]["credit"] == "0.0"
    assert {r["provenance"] for r in rows} == {"answered"}


def test_gaps_csv_is_an_action_plan_in_priority_order(saved: str) -> None:
    rows = _csv(run_prepkit("export", saved, "--format", "csv", "--what", "gaps").stdout)
    score = json.loads(run_prepkit("score", saved, "--json").stdout)
    assert [r["question"] for r in rows] == [g["question"] for g in score["gaps"]]
    assert list(rows[0]) == [
        "rank",
        "priority",
        "domain",
        "question",
        "text",
        "critical",
        "answer",
        "credit",
        "resources",
        "action",
        "owner",
        "due",
    ]
    first = rows[0]
    assert first["rank"] == "1" and first["critical"] == "yes" and first["domain"] == "Planning"
    assert first["resources"] == "A Mini Guide & Checklist"
    assert first["owner"] == first["due"] == ""


def test_scores_in_csv_and_json(saved: str) -> None:
    rows = _csv(run_prepkit("export", saved, "--what", "scores").stdout)
    assert [(r["scope"], r["id"], r["score"], r["level"]) for r in rows] == [
        ("overall", "mini", "68.5", "Developing"),
        ("domain", "planning", "77.8", "Developing"),
        ("domain", "schools", "50.0", "Developing"),
    ]
    as_json = json.loads(run_prepkit("export", saved, "--format", "json", "--what", "scores").stdout)
    assert as_json["scores"] == json.loads(run_prepkit("score", saved, "--json").stdout)


def test_answers_as_json(saved: str) -> None:
    data = json.loads(run_prepkit("export", saved, "--format", "json").stdout)
    assert {k: data[k] for k in ("export", "result", "agency", "questionnaire", "date")} == {
        "export": "answers",
        "result": saved,
        "agency": "Test Town Police Department",
        "questionnaire": {"id": "mini", "version": "1.0"},
        "date": data["date"],
    }
    rows = data["answers"]
    assert rows[3]["question"] == "schools-maps" and rows[3]["value"] == 3 and rows[3]["note"] == "updated in May"


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(hermetic: Path) -> None:
    result, _ = save_result(Store(hermetic), V2_ANSWERS)
    rows = _csv(export_result(Store(hermetic).load(Store(hermetic).path_of(result.id)), "csv", "answers").decode())
    training = next(r for r in rows if r["question"] == "planning-training")
    assert training["note"] == '\'=HYPERLINK("http://x")'
    assert (
        to_csv([{"a": "-1+2", "b": -1, "c": "@x", "d": "plain"}], ["a", "b", "c", "d"]).splitlines()[1]
        == "'-1+2,-1,'@x,plain"
    )


def test_output_file_is_private_and_never_silently_replaced(saved: str, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    proc = run_prepkit("export", saved, "--what", "gaps", "-o", str(target), "--bom")
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in target.read_bytes()  # RFC 4180 line ends, what spreadsheets expect
    assert _csv(target.read_text(encoding="utf-8-sig"))[0]["rank"] == "1"
    target.write_text("my edited plan")
    again = run_prepkit("export", saved, "--what", "gaps", "-o", str(target))
    assert again.returncode == 2 and "--force" in again.stderr
    assert target.read_text() == "my edited plan"
    assert run_prepkit("export", saved, "--what", "gaps", "-o", str(target), "--force").returncode == 0
    assert target.read_text(encoding="utf-8").startswith("rank,")


def test_whole_result_is_json_only_and_unknown_choices_are_usage_errors(saved: str) -> None:
    assert run_prepkit("export", saved, "--what", "result").returncode == 2
    assert run_prepkit("export", saved, "--format", "xlsx").returncode == 2  # a workbook needs -o
    assert run_prepkit("export", saved, "--format", "ods").returncode == 2
    missing = run_prepkit("export", "no-such-result")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_json_exports_say_whose_they_are(saved: str) -> None:
    for what in ("answers", "gaps", "scores"):
        data = json.loads(run_prepkit("export", saved, "--format", "json", "--what", what).stdout)
        assert isinstance(data, dict) and data["export"] == what and data["result"] == saved
        assert data["date"] and data["agency"] and data["questionnaire"]["version"]
        assert what in data


def test_xlsx_has_the_rows_as_text_never_formulas(hermetic: Path, tmp_path: Path) -> None:
    import openpyxl

    result, _ = save_result(Store(hermetic), V2_ANSWERS)
    target = tmp_path / "answers.xlsx"
    proc = run_prepkit("export", result.id, "--format", "xlsx", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    book = openpyxl.load_workbook(target)
    sheet = book["answers"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["domain", "question", "text"]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    training = next(r for r in rows if r["question"] == "planning-training")
    assert training["note"] == '=HYPERLINK("http://x")'  # kept as the text it is
    cell = sheet.cell(row=rows.index(training) + 2, column=header.index("note") + 1)
    assert cell.data_type == "s"
    about = {row[0].value: row[1].value for row in book["about"].iter_rows()}
    assert about["result"] == result.id and about["questionnaire"] == result.questionnaire.id
    gaps = tmp_path / "gaps.xlsx"
    assert run_prepkit("export", result.id, "-f", "xlsx", "-w", "gaps", "-o", str(gaps)).returncode == 0
    assert [c.value for c in openpyxl.load_workbook(gaps)["gaps"][1]][:2] == ["rank", "priority"]


def test_excel_flag_starts_csv_with_a_byte_order_mark(saved: str) -> None:
    proc = subprocess_bytes("export", saved, "--what", "scores", "--excel")
    assert proc.startswith(b"\xef\xbb\xbf")
    assert not subprocess_bytes("export", saved, "--what", "scores").startswith(b"\xef\xbb\xbf")


def subprocess_bytes(*args: str) -> bytes:
    from typer.testing import CliRunner

    from prepkit.cli import app

    outcome = CliRunner().invoke(app, list(args))
    assert outcome.exit_code == 0, outcome.output
    return outcome.stdout_bytes
