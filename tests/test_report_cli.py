"""`prepkit report` on the command line: names, formats, errors, and the missing-WeasyPrint fallback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from conftest import PACK, run_prepkit
from prepkit.cli import app

ANSWERS = str(PACK / "answers.yaml")


def test_default_name_is_agency_questionnaire_date_in_the_current_folder(tmp_path: Path) -> None:
    proc = run_prepkit("report", ANSWERS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    expected = tmp_path / "test-town-police-department_mini_2026-11-25.pdf"
    assert proc.stdout == ""
    assert len(pypdf.PdfReader(expected).pages) >= 4
    assert expected.stat().st_mode & 0o777 == 0o600
    assert proc.stderr == f"Report: {expected}\n"  # and no WeasyPrint noise


def test_html_format_from_option_or_suffix(tmp_path: Path) -> None:
    proc = run_prepkit("report", ANSWERS, "--format", "html", "--marking", "FOR OFFICIAL USE ONLY", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "test-town-police-department_mini_2026-11-25.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "FOR OFFICIAL USE ONLY" in html
    out = tmp_path / "named.html"
    assert run_prepkit("report", ANSWERS, "-o", str(out)).returncode == 0
    assert "<title>Mini Readiness Check: Test Town Police Department</title>" in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "'docx' is not one of: pdf, html"),
        (["--format", "html", "--pdfa"], "--pdfa applies to PDF reports only"),
        (["--compare-to", "no-such-result"], "no result 'no-such-result'"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    proc = run_prepkit("report", ANSWERS, *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_invalid_answers_exit_1_with_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (PACK / "answers.yaml")
        .read_text()
        .replace("planning-policy: 2", "planning-policy: 7")
        .replace("questionnaire: mini", f"questionnaire: {PACK / 'mini.yaml'}")
    )
    proc = run_prepkit("report", str(bad), cwd=tmp_path)
    assert proc.returncode == 1
    assert f"{bad}:" in proc.stderr and "not on the scale" in proc.stderr
    assert not list(tmp_path.glob("*.pdf"))


def test_missing_weasyprint_libraries_write_html_and_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails as without Pango
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(app, ["report", ANSWERS, "-o", str(out)])
    assert result.exit_code == 1
    assert "sudo apt install libpango-1.0-0" in result.output
    assert f"written as HTML instead: {tmp_path / 'report.html'}" in result.output
    assert not out.exists()
    assert "Test Town Police Department" in (tmp_path / "report.html").read_text()


def test_help_does_not_import_weasyprint_or_jinja() -> None:
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom prepkit.cli import app\n"
        "for args in (['--help'], ['report', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0\n"
        "print(sorted(m for m in ('weasyprint', 'jinja2', 'pydyf') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_report_help_lists_the_options() -> None:
    proc = run_prepkit("report", "--help")
    assert proc.returncode == 0
    for option in ("--output", "--format", "--compare-to", "--marking", "--template-dir", "--pdfa", "--store"):
        assert option in proc.stdout
