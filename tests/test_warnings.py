"""Warnings of spec 1.1 (revision 2): valid but likely wrong; `validate --strict` fails on them."""

from __future__ import annotations

from pathlib import Path

from conftest import PACK, run_prepkit


def _pack_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (PACK / "mini.yaml").read_text()
    assert old in text
    (tmp_path / "resources.yaml").write_text((PACK / "resources.yaml").read_text())
    target = tmp_path / "mini.yaml"
    target.write_text(text.replace(old, new, 1))
    return target


def _critical_line(path: Path) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == "critical: true")


def test_a_critical_question_that_allows_na_warns_without_failing(tmp_path: Path) -> None:
    q = _pack_with(tmp_path, "        na: false\n", "")
    proc = run_prepkit("validate", str(q))
    assert proc.returncode == 0, proc.stderr
    line = _critical_line(q)
    warning = proc.stderr.strip()
    assert warning.startswith(f"{q}:{line}:"), warning
    assert ": warning: critical question 'planning-policy' may be answered N/A" in warning
    assert "ok," in proc.stdout


def test_strict_makes_a_warning_fail(tmp_path: Path) -> None:
    q = _pack_with(tmp_path, "        na: false\n", "")
    proc = run_prepkit("validate", "--strict", str(q))
    assert proc.returncode == 1
    assert "warning: critical question" in proc.stderr
    assert proc.stdout == ""


def test_no_warning_when_the_critical_question_refuses_na(tmp_path: Path) -> None:
    proc = run_prepkit("validate", "--strict", str(PACK / "mini.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
