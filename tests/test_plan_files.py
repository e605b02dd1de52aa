"""`plan export` and `plan import`: CSV and XLSX as a spreadsheet program reads and writes them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from plankit import FIRST, answers_file, assess_file
from prepkit.cli import app
from prepkit.plan.model import COLUMNS, READ_ONLY


@pytest.fixture
def store(runner: CliRunner, tmp_path: Path, hermetic: Path) -> Path:
    assess_file(runner, hermetic, answers_file(tmp_path, FIRST, date="2026-11-25"))
    return hermetic


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def plan_items(runner: CliRunner, store: Path) -> dict[str, dict[str, object]]:
    code, out, err = run(runner, "plan", "show", "--json", "--store", str(store))
    assert code == 0, err
    return {item["item"]: item for item in json.loads(out)["items"]}


def test_csv_has_the_columns_in_order_and_guards_formulas(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    note = '=HYPERLINK("http://evil.example","x")'
    assert run(runner, "plan", "set", "1", "--note", note, "--owner", "-Sgt. Ames", "--store", str(store))[0] == 0
    code, out, _ = run(runner, "plan", "export", "--format", "csv", "--store", str(store))
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 4
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["note"] == "'" + note
    assert row["owner"] == "'-Sgt. Ames"
    assert (row["priority"], row["critical"], row["status"]) == ("5.333", "yes", "open")
    assert not out.startswith("\ufeff")
    # the guarded file imports back as no change at all
    path = tmp_path / "plan.csv"
    path.write_text(out, encoding="utf-8")
    code, out, err = run(runner, "plan", "import", str(path), "--store", str(store))
    assert code == 0, err
    assert "No changes" in err


def test_csv_for_excel_starts_with_a_byte_order_mark(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    assert run(runner, "plan", "export", "--format", "csv", "--excel", "-o", str(path), "--store", str(store))[0] == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfitem,domain,capability,")
    assert path.stat().st_mode & 0o777 == 0o600
    code, _, err = run(runner, "plan", "export", "--format", "csv", "-o", str(path), "--store", str(store))
    assert code == 2 and "--force" in err


def test_csv_import_applies_all_changes_and_prints_them(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    assert run(runner, "plan", "export", "-o", str(path), "--excel", "--store", str(store))[0] == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    rows[1][header.index("owner")] = "Lt. Ames"
    rows[1][header.index("due")] = "2027-03-01"
    rows[2][header.index("status")] = "in-progress"
    rows[2][header.index("element")] = "training"
    rows[3][header.index("note")] = "Ordered from the county; Café budget"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)  # as Excel saves CSV in some locales
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    code, out, err = run(runner, "plan", "import", str(path), "--by", "Chief Reyes", "--store", str(store))
    assert code == 0, err
    assert "5 changes to 3 item(s)" in err
    assert "planning-policy: owner '' -> 'Lt. Ames'" in err
    items = plan_items(runner, store)
    assert items["planning-policy"]["due"] == "2027-03-01"
    assert (items["planning-review"]["status"], items["planning-review"]["element"]) == ("in-progress", "training")
    assert items["schools-maps"]["note"] == "Ordered from the county; Café budget"
    code, out, _ = run(runner, "plan", "show", "planning-review", "--store", str(store))
    assert "plan import plan.csv by Chief Reyes" in out


def test_xlsx_is_a_spreadsheet_a_person_can_edit(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    assert (
        run(runner, "plan", "set", "1", "--due", "2027-03-01", "--start", "2027-01-10", "--store", str(store))[0] == 0
    )
    path = tmp_path / "plan.xlsx"
    code, _, err = run(runner, "plan", "export", "--format", "xlsx", "-o", str(path), "--store", str(store))
    assert code == 0, err
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Plan"
    ws = wb["Plan"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.freeze_panes == "A2"
    for index, column in enumerate(COLUMNS, 1):
        cell = ws.cell(row=1, column=index)
        assert cell.font.bold
        assert ws.column_dimensions[cell.column_letter].width >= 8
        if column in READ_ONLY:
            assert cell.comment is not None and "Read-only" in cell.comment.text
            assert cell.fill.fgColor.rgb.endswith("BFBFBF")
        else:
            assert cell.comment is None
    lists = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["L"] == '"open,in-progress,done,deferred,dropped"'
    assert lists["H"] == '"planning,organization,equipment,training,exercises"'
    row = {column: ws.cell(row=2, column=i).value for i, column in enumerate(COLUMNS, 1)}
    assert row["due"] == dt.datetime(2027, 3, 1)  # a real date, not text
    assert ws.cell(row=2, column=COLUMNS.index("due") + 1).number_format == "yyyy-mm-dd"
    assert row["start"] == dt.datetime(2027, 1, 10)
    assert row["status_date"] == dt.datetime(2026, 11, 25)
    assert row["priority"] == 5.333
    assert row["owner"] is None and row["item"] == "planning-policy"
    code, _, err = run(runner, "plan", "import", str(path), "--store", str(store))
    assert code == 0 and "No changes" in err


def test_xlsx_edited_as_excel_would(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    assert run(runner, "plan", "export", "-o", str(path), "--store", str(store))[0] == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Plan"]
    ws["I2"] = "Lt. Ames"
    ws["K2"] = dt.datetime(2027, 3, 1)
    ws["L2"] = "done"
    ws["G3"] = 42  # a number typed where text belongs is text
    ws["N4"] = "'- call the vendor"  # typed with a leading apostrophe, as prepkit's own guard writes it
    wb.save(path)
    code, _out, err = run(runner, "plan", "import", str(path), "--store", str(store))
    assert code == 0, err
    items = plan_items(runner, store)
    assert (items["planning-policy"]["owner"], items["planning-policy"]["due"]) == ("Lt. Ames", "2027-03-01")
    assert items["planning-policy"]["status"] == "done"
    assert items["planning-review"]["action"] == "42"
    assert items["schools-maps"]["note"] == "- call the vendor"
