"""Files prepkit writes: it changes no folder it did not make, writes only regular files, replaces a file
only when asked, and every refusal of the system is one line naming the path and the reason (exit 3)."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from conftest import PACK, run_process
from prepkit.cli import app
from prepkit.fsutil import private_dir, write_output, write_private

ANSWERS = str(PACK / "answers.yaml")
MINI = str(PACK / "mini.yaml")
DEFAULT_NAME = "test-town-police-department_mini_2026-11-25"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def one_line_refusal(result: Result, path: object, reason: str) -> None:
    assert result.exit_code == 3, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0], result.stderr
    assert "Traceback" not in result.output


# ----- folders


def test_a_shared_sticky_output_folder_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    for name in ("report.html", "report.pdf"):
        result = invoke("report", ANSWERS, "-o", str(shared / name))
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(shared.stat().st_mode) == 0o1777  # sticky bit and all
        assert stat.S_IMODE((shared / name).stat().st_mode) == 0o600


def test_the_default_report_of_assess_leaves_the_current_folder_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "team"
    here.mkdir()
    here.chmod(0o2775)
    monkeypatch.chdir(here)
    result = invoke("assess", MINI, "--answers", ANSWERS)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(here.stat().st_mode) == 0o2775
    assert (here / f"{DEFAULT_NAME}.pdf").is_file()


def test_folders_prepkit_makes_are_private_and_only_those(tmp_path: Path) -> None:
    (tmp_path / "open").mkdir(mode=0o755)
    (tmp_path / "open").chmod(0o755)
    private_dir(tmp_path / "open" / "a" / "b")
    assert stat.S_IMODE((tmp_path / "open").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "open" / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "open" / "a" / "b").stat().st_mode) == 0o700


# ----- what the output is


def test_a_device_as_output_is_refused_and_left_alone(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    before = device.lstat()
    for args in (["report", ANSWERS, "-o", str(device), "--format", "html"], ["export", "x", "-o", str(device)]):
        result = invoke(*args)
        if args[0] == "export":
            assert result.exit_code == 2  # no such result: nothing is written anyway
            continue
        one_line_refusal(result, device, "is a device; prepkit writes only regular files")
    after = device.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_mode == before.st_mode
    assert stat.S_IMODE(tmp_path.stat().st_mode) == stat.S_IMODE(tmp_path.stat().st_mode)


def test_a_fifo_as_output_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    proc = run_process("report", ANSWERS, "-o", str(fifo), timeout=30)  # a blocking open would hang here
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.strip() == f"Error: {fifo}: is a FIFO (named pipe); prepkit writes only regular files"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("name", ["", ".", "folder"])
def test_a_folder_as_output_is_one_line_and_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    other = str(second_respondent(tmp_path))
    for command in (["report", ANSWERS, "--format", "html"], ["merge", ANSWERS, other, "--no-save"]):
        result = invoke(*command, "-o", name)
        one_line_refusal(result, name or ".", "folder")


def test_a_parent_that_is_a_file_is_one_line_and_exit_3(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    target = blocker / "sub" / "report.html"
    for command in (
        ["report", ANSWERS, "-o", str(target)],
        ["export", "latest", "-o", str(target)],
        ["rollup", str(PACK), "-o", str(target)],
        ["merge", ANSWERS, str(second_respondent(tmp_path)), "-o", str(blocker / "merged.json"), "--no-save"],
    ):
        result = invoke(*command)
        if result.exit_code == 2:  # export and rollup: nothing in this store to write
            continue
        one_line_refusal(result, blocker, "not a folder")
    assert blocker.read_text() == "keep me"


def second_respondent(folder: Path) -> Path:
    """The answers file of another respondent of the same agency, for merge."""
    other = folder / "other.yaml"
    text = Path(ANSWERS).read_text().replace("Lt. Example", "Sgt. Other")
    other.write_text(text.replace("questionnaire: mini", f"questionnaire: {MINI}"))
    return other


def test_an_existing_output_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("mine")
    result = invoke("report", ANSWERS, "-o", str(out))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text() == "mine"
    assert invoke("report", ANSWERS, "-o", str(out), "--force").exit_code == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_a_default_name_that_is_taken_gets_a_fresh_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    taken = tmp_path / f"{DEFAULT_NAME}.html"
    taken.write_text("last year's")
    result = invoke("report", ANSWERS, "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Report: {tmp_path / f'{DEFAULT_NAME}-2.html'}"  # a message, on standard error
    assert taken.read_text() == "last year's"


def test_dash_writes_text_formats_to_standard_output(tmp_path: Path) -> None:
    html = invoke("report", ANSWERS, "-o", "-")
    assert html.exit_code == 0 and html.stdout.startswith("<!DOCTYPE html>")
    assert not (tmp_path / "-").exists() and not Path("-").exists()
    pdf = invoke("report", ANSWERS, "-o", "-", "--format", "pdf")
    assert pdf.exit_code == 2 and "not written to standard output" in pdf.stderr
    assert invoke("assess", MINI, "--answers", ANSWERS, "--no-report").exit_code == 0
    csv = invoke("export", "latest", "-o", "-")
    assert csv.exit_code == 0 and csv.stdout.startswith("domain,question")


@pytest.mark.parametrize(
    ("args", "html"),
    [
        (["report", ANSWERS, "-o", "{dir}/out.htm"], True),
        (["report", ANSWERS, "-o", "{dir}/out.HTML"], True),
        (["report", ANSWERS, "-o", "{dir}/out"], False),
        (["assess", MINI, "--answers", ANSWERS, "-o", "{dir}/out.htm"], True),
        (["rollup", "-o", "{dir}/out.htm"], True),
    ],
)
def test_one_rule_for_the_format_in_every_command(tmp_path: Path, args: list[str], html: bool) -> None:
    if args[0] == "rollup":
        assert invoke("assess", MINI, "--answers", ANSWERS, "--no-report").exit_code == 0
    result = invoke(*[a.format(dir=tmp_path) for a in args])
    assert result.exit_code == 0, result.output
    written = next(p for p in tmp_path.iterdir() if p.name.startswith("out"))
    assert written.read_bytes().startswith(b"<!DOCTYPE html>" if html else b"%PDF")


@pytest.mark.parametrize("command", [["report", ANSWERS], ["assess", MINI, "--answers", ANSWERS], ["rollup"]])
def test_an_unknown_suffix_is_a_usage_error_before_any_work(tmp_path: Path, command: list[str]) -> None:
    result = invoke(*command, "-o", str(tmp_path / "out.txt"))
    assert result.exit_code == 2 and "name it .pdf or .html" in result.stderr
    assert not (tmp_path / "out.txt").exists()


# ----- the system refuses: one line, the path, the reason, exit 3, nothing already saved is lost


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)


def test_a_full_disk_is_one_line_in_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hermetic: Path
) -> None:
    first = invoke("assess", MINI, "--answers", ANSWERS, "--no-report")
    assert first.exit_code == 0
    [saved] = (hermetic / "results").glob("*.json")
    kept = saved.read_bytes()
    exported = tmp_path / "result.json"
    assert invoke("export", "latest", "--format", "json", "--what", "result", "-o", str(exported)).exit_code == 0
    other = second_respondent(tmp_path)
    existing = tmp_path / "existing.html"
    existing.write_text("keep")
    full_disk(monkeypatch)
    commands = {
        "report": ["report", ANSWERS, "-o", str(existing), "--force"],
        "assess": ["assess", MINI, "--answers", ANSWERS, "--no-report"],
        "merge": ["merge", ANSWERS, str(other), "-o", str(tmp_path / "merged.json")],
        "rollup": ["rollup", "-o", str(tmp_path / "rollup.html")],
        "export": ["export", "latest", "-o", str(tmp_path / "answers.csv")],
        "import": ["import", str(exported), "--store", str(tmp_path / "other-store")],
    }
    for name, args in commands.items():
        result = invoke(*args)
        assert result.exit_code == 3, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "the disk is full" in lines[0], (name, result.stderr)
        assert str(tmp_path) in lines[0] or str(hermetic) in lines[0], (name, lines[0])
    assert saved.read_bytes() == kept and list((hermetic / "results").glob("*.json")) == [saved]
    assert existing.read_text() == "keep"
    assert not [p for p in tmp_path.rglob("*.tmp")] and not [p for p in hermetic.rglob("*.tmp")]


def test_a_real_full_disk(tmp_path: Path) -> None:
    """A 4 KiB tmpfs: the PDF does not fit; the message names the path; the folder holds no temp file."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    small = tmp_path / "small"
    small.mkdir()
    if os.system(f"mount -t tmpfs -o size=4k tmpfs {small} 2>/dev/null") != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        target = small / "report.pdf"
        proc = run_process("report", ANSWERS, "-o", str(target))
        assert proc.returncode == 3, proc.stderr
        assert proc.stderr.strip() == f"Error: {target}: the disk is full (no space left on device)"
        assert list(small.iterdir()) == []
    finally:
        os.system(f"umount {small}")


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_a_read_only_or_forbidden_store_is_one_line(monkeypatch: pytest.MonkeyPatch, hermetic: Path, code: int) -> None:
    import tempfile

    def refuse(*args: object, **kwargs: object) -> object:
        raise OSError(code, os.strerror(code), str(hermetic / "results"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = invoke("assess", MINI, "--answers", ANSWERS, "--no-report")
    assert result.exit_code == 3
    reason = "read-only" if code == errno.EROFS else "permission denied"
    assert reason in result.stderr and str(hermetic) in result.stderr and len(result.stderr.splitlines()) == 1


def test_write_private_never_leaves_a_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full_disk(monkeypatch)
    from prepkit.errors import SystemRefusal

    with pytest.raises(SystemRefusal, match="the disk is full"):
        write_private(tmp_path / "x.json", b"{}")
    with pytest.raises(SystemRefusal):
        write_output(tmp_path / "y.html", b"x", fresh=True)
    assert list(tmp_path.iterdir()) == []


# ----- output encoding


def test_latin1_or_ascii_output_never_crashes_and_json_stays_json(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        Path(ANSWERS).read_text().replace("Test Town Police Department", "Zürich ✓ Police 警察"), encoding="utf-8"
    )
    (tmp_path / "mini.yaml").symlink_to(PACK / "mini.yaml")
    (tmp_path / "resources.yaml").symlink_to(PACK / "resources.yaml")
    for env, encoding in (
        ({"PYTHONIOENCODING": "latin-1"}, "latin-1"),
        ({"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}, "ascii"),
    ):
        for args in (["score", str(answers)], ["history"], ["validate", str(answers)]):
            proc = run_bytes(*args, env=env)
            assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr
        as_json = run_bytes("score", str(answers), "--json", env=env)
        assert as_json.returncode == 0, as_json.stderr
        assert json.loads(as_json.stdout.decode(encoding))["agency"] == "Zürich ✓ Police 警察"


def run_bytes(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "prepkit", *args], env={**os.environ, **env}, capture_output=True, timeout=60
    )


def test_a_file_the_system_will_not_let_us_read_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def guarded(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path).endswith("answers.yaml"):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", guarded)
    for args in (["score", ANSWERS], ["report", ANSWERS, "-o", "-"], ["assess", MINI, "--answers", ANSWERS]):
        result = invoke(*args)
        assert result.exit_code == 3, (args, result.output)
        assert result.stderr.strip() == f"{ANSWERS}:1:1: cannot read the file: permission denied"


def test_merge_to_standard_output_is_the_result_alone(tmp_path: Path) -> None:
    result = invoke("merge", ANSWERS, str(second_respondent(tmp_path)), "-o", "-", "--no-save")
    assert result.exit_code == 0, result.output
    merged = json.loads(result.stdout)
    assert merged["agency"] == "Test Town Police Department" and merged["team"] is not None
    assert "Merged 2 respondents" in result.stderr
