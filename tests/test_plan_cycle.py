"""The whole improvement-plan cycle as a user runs it, through the real process (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import run_process
from plankit import FIRST, MINI, answers_file


def prepkit(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `prepkit` process, as a user runs it."""
    proc = run_process(*args, "--store", str(store))
    assert "Traceback" not in proc.stderr
    return proc


def test_assess_plan_excel_import_and_the_next_assessment_verifies(tmp_path: Path, hermetic: Path) -> None:
    store = hermetic
    first = answers_file(tmp_path, FIRST, date="2026-11-25")
    proc = prepkit(store, "assess", str(MINI), "--answers", str(first), "--no-report")
    assert proc.returncode == 0, proc.stderr

    proc = prepkit(store, "plan", "show")
    assert proc.returncode == 0, proc.stderr
    assert "3 items: 3 open, 0 in progress, 0 done, 0 verified, 0 overdue" in proc.stdout

    workbook = tmp_path / "plan.xlsx"
    proc = prepkit(store, "plan", "export", "--format", "xlsx", "-o", str(workbook))
    assert proc.returncode == 0, proc.stderr

    # Edited as Excel would: owners, due dates as dates, all three items done, and one date typed wrong.
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Plan"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    for row, owner in zip(range(2, 5), ["Lt. Ames", "Sgt. Cole", "Ofc. Diaz"], strict=True):
        ws.cell(row=row, column=col["owner"], value=owner)
        ws.cell(row=row, column=col["due"], value=dt.datetime(2027, 3, 1))
        ws.cell(row=row, column=col["status"], value="done")
        ws.cell(row=row, column=col["action"], value=f"Action {row - 1}")
    ws.cell(row=3, column=col["due"], value="1 March 2027")
    wb.save(workbook)
    plan_file = next((store / "plans").glob("*.json"))
    saved = plan_file.read_bytes()

    proc = prepkit(store, "plan", "import", str(workbook))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"{workbook}:3:{col['due']}: 'due': '1 March 2027' is not a date: write YYYY-MM-DD "
        "(for example 2027-03-01), or leave it empty"
    ]
    assert plan_file.read_bytes() == saved  # all refused, nothing changed

    wb = openpyxl.load_workbook(workbook)
    wb["Plan"].cell(row=3, column=col["due"], value=dt.datetime(2027, 3, 1))
    wb.save(workbook)
    proc = prepkit(store, "plan", "import", str(workbook))
    assert proc.returncode == 0, proc.stderr
    assert "12 changes to 3 item(s)" in proc.stderr

    # A year later, rerun from the previous result: policy and review fully in place, the maps only
    # partially; with the maps at 2, the drills question applies and is a new gap.
    second = answers_file(
        tmp_path,
        {"planning-policy": 3, "planning-review": '"Yes"', "schools-maps": 2, "schools-drills": 0},
        date="2027-11-20",
    )
    proc = prepkit(store, "assess", str(MINI), "--answers", str(second), "--from", "previous", "--no-report")
    assert proc.returncode == 0, proc.stderr

    proc = prepkit(store, "plan", "show", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    items = {item["item"]: item for item in data["items"]}
    verified = [i for i in items.values() if i["status"] == "verified"]
    assert sorted(i["item"] for i in verified) == ["planning-policy", "planning-review"]
    assert all(i["status_date"] == "2027-11-20" for i in verified)
    maps = items["schools-maps"]
    assert (maps["status"], maps["flags"], maps["owner"]) == ("done", ["not-effective"], "Ofc. Diaz")
    drills = items["schools-drills"]
    assert (drills["status"], drills["owner"], drills["flags"]) == ("open", "", [])
    assert [i["item"] for i in data["items"]][:2] == ["schools-drills", "schools-maps"]  # gaps first, in gap order

    proc = prepkit(store, "plan", "show", "planning-policy")
    assert "status 'done' -> 'verified'" in proc.stdout

    proc = prepkit(store, "history")
    assert proc.returncode == 0, proc.stderr
    assert "plan:" in proc.stdout
    assert "3/0/0" in proc.stdout  # the plan as the first result made it
    assert "1/1/2" in proc.stdout  # and as the second moved it forward


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_workbook(tmp_path: Path, hermetic: Path) -> None:
    first = answers_file(tmp_path, FIRST, date="2026-11-25")
    assert prepkit(hermetic, "assess", str(MINI), "--answers", str(first), "--no-report").returncode == 0
    workbook = tmp_path / "plan.xlsx"
    assert prepkit(hermetic, "plan", "export", "-o", str(workbook)).returncode == 0
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "csv",
         "--outdir", str(tmp_path / "out"), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "out" / "plan.csv").read_text(encoding="utf-8", errors="replace")
    assert text.startswith("item,domain,capability,finding,priority,critical,action,element,owner")
    assert "planning-policy" in text and "2026-11-25" in text
    # Saved again by LibreOffice as XLSX, the workbook imports back as no change at all.
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "saved"), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    proc = prepkit(hermetic, "plan", "import", str(tmp_path / "saved" / "plan.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert "No changes" in proc.stderr


def test_rerun_from_previous_says_which_items_the_plan_marks_done(hermetic: Path, tmp_path: Path) -> None:
    import pexpect

    from prepkit.plan.changelog import now_local
    from test_assess_pty import DRILL, answer, spawn

    last_year = tmp_path / "last-year.yaml"
    last_year.write_text(
        f"questionnaire: {DRILL}\nagency: Test Town PD\ndate: 2025-11-01\nanswers:\n  has-schools: 'no'\n"
        "  agency-size: small\n  planning-policy: 2\n  planning-review: 0\n  planning-mutual-aid: 3\n"
        "  planning-medical: 0\n  training-basic: 3\n  training-joint: 1\n  training-command: 2\n"
    )
    assert prepkit(hermetic, "assess", DRILL, "--answers", str(last_year), "--no-report").returncode == 0
    done = prepkit(hermetic, "plan", "set", "planning-policy", "--status", "done", "--owner", "Lt. Ames")
    assert done.returncode == 0, done.stderr
    assert prepkit(hermetic, "plan", "set", "planning-review", "--status", "in-progress").returncode == 0
    child = spawn(hermetic, "assess", DRILL, "--from", "previous", "--agency", "Test Town PD", "--respondent", "")
    answer(child, "Profile 1/2", "")
    answer(child, "Profile 2/2", "")
    child.expect_exact("Planning 1/4")
    today = now_local().date().isoformat()
    child.expect_exact(f"the plan marks this done on {today}, owner Lt. Ames: confirm the new answer")
    child.expect(r"Answer( \[[^\]]*\])?: ")
    child.sendline("")
    child.expect_exact("Planning 2/4")
    child.expect(r"Answer( \[[^\]]*\])?: ")
    assert "the plan marks" not in child.before  # in progress, not done: nothing to confirm
    child.sendline("/q")
    child.expect(pexpect.EOF)
    child.close()


def test_changes_made_at_the_same_time_are_all_kept(tmp_path: Path, hermetic: Path) -> None:
    """Eight `plan set` processes at once, each on its own item: the store's plan lock keeps every change."""
    from conftest import REPO

    answers = REPO / "examples" / "county-sheriff-answers.yaml"
    assert prepkit(hermetic, "assess", "active-assailant", "--answers", str(answers), "--no-report").returncode == 0
    assert prepkit(hermetic, "plan", "show").returncode == 0
    import os
    import sys

    env = {**os.environ, "PREPKIT_STORE": str(hermetic)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "prepkit", "plan", "set", str(n), "--owner", f"Owner {n}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(1, 9)
    ]
    for proc in procs:
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
    data = json.loads(prepkit(hermetic, "plan", "show", "--json").stdout)
    assert [item["owner"] for item in data["items"][:8]] == [f"Owner {n}" for n in range(1, 9)]
