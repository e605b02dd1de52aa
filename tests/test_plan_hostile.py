"""Hostile and mistaken `plan import` files: each a FILE:ROW:COLUMN message, exit 1, the plan unchanged.

These do not fit tests/hostile's manifest (which runs `prepkit validate`), so they live here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from plankit import FIRST, answers_file, assess_file
from prepkit.cli import app

Edit = Callable[[list[list[str]]], None]


@pytest.fixture
def store(runner: CliRunner, tmp_path: Path, hermetic: Path) -> Path:
    assess_file(runner, hermetic, answers_file(tmp_path, FIRST, date="2026-11-25"))
    result = runner.invoke(app, ["plan", "show", "--store", str(hermetic)])
    assert result.exit_code == 0, result.output
    return hermetic


def export(runner: CliRunner, store: Path, path: Path) -> Path:
    result = runner.invoke(app, ["plan", "export", "-o", str(path), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return path


def refused(runner: CliRunner, store: Path, path: Path, row: int, column: int, message: str) -> str:
    plan_file = next((store / "plans").glob("*.json"))
    saved = plan_file.read_bytes()
    result = runner.invoke(app, ["plan", "import", str(path), "--store", str(store)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{row}:{column}: "), first
    assert message in first
    assert plan_file.read_bytes() == saved
    return result.stderr


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def set_cell(rows: list[list[str]], row: int, column: str, value: str) -> None:
    rows[row - 1][rows[0].index(column)] = value


CSV_CASES: list[tuple[str, int, str, str, int, str]] = [
    # (column, row, value, , column number, message)
    ("item", 2, "no-such-question", "item", 1, "unknown item 'no-such-question'"),
    ("capability", 3, "Something else?", "capability", 3, "'capability' is read-only"),
    ("priority", 2, "9", "priority", 5, "'priority' is read-only"),
    ("critical", 2, "no", "critical", 6, "'critical' is read-only"),
    ("due", 3, "03/01/2027", "due", 11, "'03/01/2027' is not a date: write YYYY-MM-DD"),
    ("start", 3, "2027-02-30", "start", 10, "'2027-02-30' is not a date"),
    ("status", 4, "finished", "status", 12, "status 'finished' is not one of"),
    ("status", 4, "verified", "status", 12, "only prepkit sets 'verified'"),
    ("element", 2, "money", "element", 8, "element 'money' is not one of"),
    ("action", 3, '=HYPERLINK("http://x")', "action", 7, "a formula where a value belongs"),
    ("flags", 2, "removed", "flags", 16, "'flags' is read-only"),
]


@pytest.mark.parametrize(("column", "row", "value", "_name", "number", "message"), CSV_CASES)
def test_csv_import_refuses(
    runner: CliRunner, store: Path, tmp_path: Path, column: str, row: int, value: str, _name: str, number: int,
    message: str,
) -> None:  # fmt: skip
    rows = csv_rows(export(runner, store, tmp_path / "plan.csv"))
    set_cell(rows, 2, "owner", "Lt. Ames")  # a good change in the same file is not applied either
    set_cell(rows, row, column, value)
    refused(runner, store, write_csv(tmp_path / "edited.csv", rows), row, number, message)


def test_csv_due_before_start_and_an_overlong_note(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    rows = csv_rows(export(runner, store, tmp_path / "plan.csv"))
    set_cell(rows, 2, "start", "2027-01-01")
    set_cell(rows, 2, "due", "2026-06-01")
    refused(runner, store, write_csv(tmp_path / "dates.csv", rows), 2, 11, "due 2026-06-01 is before the start")
    rows = csv_rows(tmp_path / "plan.csv")
    set_cell(rows, 3, "note", "x" * 4001)
    refused(runner, store, write_csv(tmp_path / "long.csv", rows), 3, 14, "at most 4,000 characters")


def test_plan_set_refuses_the_same_and_echoes_long_text_cut_short(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    plan_file = next((store / "plans").glob("*.json"))
    item = csv_rows(export(runner, store, tmp_path / "plan.csv"))[1][0]
    before = plan_file.read_bytes()
    for args in (["--start", "2027-01-01", "--due", "2026-06-01"], ["--owner", "x" * 201]):
        result = runner.invoke(app, ["plan", "set", item, *args, "--store", str(store)])
        assert result.exit_code == 2, result.output
        assert plan_file.read_bytes() == before
    result = runner.invoke(app, ["plan", "set", item, "--note", "y" * 300, "--store", str(store)])
    assert result.exit_code == 0
    assert "... (300 characters)'" in result.stderr and "y" * 81 not in result.stderr


def test_all_errors_are_reported_not_just_the_first(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    rows = csv_rows(export(runner, store, tmp_path / "plan.csv"))
    set_cell(rows, 2, "due", "tomorrow")
    set_cell(rows, 4, "status", "closed")
    stderr = refused(runner, store, write_csv(tmp_path / "e.csv", rows), 2, 11, "'tomorrow' is not a date")
    assert len(stderr.splitlines()) == 2
    assert f"{tmp_path / 'e.csv'}:4:12: 'status': status 'closed'" in stderr


def test_csv_missing_and_unknown_columns(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    rows = csv_rows(export(runner, store, tmp_path / "plan.csv"))
    rows = [row[:-1] for row in rows]
    refused(runner, store, write_csv(tmp_path / "e.csv", rows), 1, 16, "missing column 'flags'")
    rows = csv_rows(tmp_path / "plan.csv")
    rows[0][5] = "severity"
    refused(runner, store, write_csv(tmp_path / "e2.csv", rows), 1, 6, "unknown column 'severity'")


def test_a_file_that_is_no_plan_is_refused_without_quoting_it(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    """`plan import /etc/shadow` quoted the file's first line as an unknown column: a file that has none
    of a plan's columns is refused in one line that shows nothing of it."""
    secret = tmp_path / "shadow.csv"
    secret.write_text("root:$6$SECRETHASH:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n", encoding="utf-8")
    stderr = refused(runner, store, secret, 1, 1, "not a prepkit plan: none of its columns is one a plan has")
    assert "SECRETHASH" not in stderr and "root:" not in stderr
    assert len(stderr.splitlines()) == 1


def test_another_agencys_plan(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    rows = csv_rows(export(runner, store, tmp_path / "plan.csv"))
    for row in rows[1:]:
        row[0] = "x-" + row[0]
    refused(runner, store, write_csv(tmp_path / "other.csv", rows), 1, 1, "is this another agency's plan?")


def test_another_agencys_workbook(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-store"
    assess_file(runner, other, answers_file(tmp_path, FIRST, date="2026-11-25", agency="Other PD"))
    path = export(runner, other, tmp_path / "other.xlsx")  # the same items, another agency
    refused(runner, store, path, 1, 1, "this is the plan of Other PD, not of Test Town Police Department")


def test_not_utf8_and_huge_csv(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("item,owner\nx,Jos\xe9\n".encode("latin-1"))
    refused(runner, store, path, 2, 1, "not UTF-8 text")
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    refused(runner, store, huge, 1, 1, "the file is 52.4 MB; a plan file is at most 10 MiB")


def edit_xlsx(source: Path, target: Path, edit: Callable[[openpyxl.worksheet.worksheet.Worksheet], None]) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb["Plan"])
    wb.save(target)
    return target


def test_xlsx_formula_cell(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    source = export(runner, store, tmp_path / "plan.xlsx")

    def formula(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
        ws["I3"] = "=A2"  # openpyxl writes it as a formula (data_type 'f')

    refused(runner, store, edit_xlsx(source, tmp_path / "f.xlsx", formula), 3, 9, "a formula where a value belongs")

    def text(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
        ws["N2"] = "=cmd|' /C calc'!A0"
        ws["N2"].data_type = "s"  # text that a spreadsheet would run once edited

    refused(runner, store, edit_xlsx(source, tmp_path / "s.xlsx", text), 2, 14, "a formula where a value belongs")


def test_xlsx_bad_date_and_date_with_time(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    source = export(runner, store, tmp_path / "plan.xlsx")

    def edit(ws: openpyxl.worksheet.worksheet.Worksheet) -> None:
        ws["K2"] = "2027-02-30"
        ws["J3"] = dt.datetime(2027, 1, 5, 14, 30)
        ws["K4"] = 46000  # a number in a date-formatted cell is a date, as in Excel: accepted

    stderr = refused(runner, store, edit_xlsx(source, tmp_path / "d.xlsx", edit), 2, 11, "'2027-02-30' is not a date")
    assert "d.xlsx:3:10: 'start': '2027-01-05 14:30:00' has a time of day" in stderr
    assert len(stderr.splitlines()) == 2


def _rezip(source: Path, target: Path, extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        for name, data in extra.items():
            out.writestr(name, data)
    return target


def test_xlsx_zip_bomb(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    source = export(runner, store, tmp_path / "plan.xlsx")
    bomb = _rezip(source, tmp_path / "bomb.xlsx", {"xl/media/zeros.bin": b"\0" * (80 * 1024 * 1024)})
    assert bomb.stat().st_size < 1024 * 1024
    refused(runner, store, bomb, 1, 1, "the workbook unpacks to")


def test_xlsx_external_links(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    source = export(runner, store, tmp_path / "plan.xlsx")
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    linked = _rezip(source, tmp_path / "linked.xlsx", {"xl/externalLinks/externalLink1.xml": link})
    refused(runner, store, linked, 1, 1, "links to other workbooks (external links)")


def test_xlsx_entity_declaration(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    source = export(runner, store, tmp_path / "plan.xlsx")
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    hostile = _rezip(source, tmp_path / "laughs.xlsx", {"xl/laughs.xml": laughs})
    refused(runner, store, hostile, 1, 1, "declares a DOCTYPE or entities")


def test_xlsx_huge_damaged_and_not_a_zip(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.xlsx"
    with huge.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(50 * 1024 * 1024)
    refused(runner, store, huge, 1, 1, "the file is 52.4 MB")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("item,owner\n")
    refused(runner, store, fake, 1, 1, "not an XLSX workbook")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    refused(runner, store, damaged, 1, 1, "cannot read the workbook")
