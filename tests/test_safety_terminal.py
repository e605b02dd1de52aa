"""The real process in a pseudo-terminal: line editing, locks, signals, confirmation, odd terminals."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pexpect
import pytest

from conftest import FIXTURES

DRILL = str(FIXTURES / "assess" / "drill.yaml")
LEFT = "\x1b[D"


def spawn(store: Path, *args: str, columns: int = 100, term: str = "xterm") -> pexpect.spawn:
    env = {**os.environ, "PREPKIT_STORE": str(store), "NO_COLOR": "1", "COLUMNS": str(columns), "TERM": term}
    return pexpect.spawn(
        sys.executable,
        ["-m", "prepkit", *args],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, columns),
        cwd=str(store.parent),
    )


def begin(store: Path) -> pexpect.spawn:
    """An assessment with the two profile questions answered (so it is saved), at Planning 1/4."""
    store.parent.mkdir(parents=True, exist_ok=True)
    child = spawn(store, "assess", DRILL, "--agency", "Test Town PD", "--respondent", "")
    for heading in ("Profile 1/2", "Profile 2/2"):
        child.expect_exact(heading)
        child.expect_exact("Answer: ")
        child.sendline("1")
    child.expect_exact("Planning 1/4")
    child.expect_exact("Answer: ")
    return child


def saved(store: Path) -> list[tuple[Path, dict[str, object]]]:
    return [(p, json.loads(p.read_text())) for p in sorted((store / "results").glob("*.json"))]


# A terminal sends pasted text between these markers only while the program asked for it (PASTE_ON).
PASTE_ON, PASTE_START, PASTE_END = "\x1b[?2004h", "\x1b[200~", "\x1b[201~"


def test_a_pasted_block_is_one_note_and_never_answers_the_questions_after_it(tmp_path: Path) -> None:
    """A note of three lines pasted at the note prompt: without bracketed paste its second line became
    the evidence and its third ("3") answered the question "Fully in place". Now the block is one note
    (its line breaks kept), and the same block pasted at the answer prompt is refused."""
    pytest.importorskip("readline")
    store = tmp_path / "store"
    child = begin(store)
    child.sendline("/c")
    child.expect_exact(PASTE_ON)  # as a terminal would, paste in brackets only when asked to
    child.expect_exact("Note")
    block = "Ask the county EM\rno\r3\r"  # a terminal sends a pasted line break as Enter's CR
    child.send(f"{PASTE_START}{block}{PASTE_END}")
    child.send("\r")
    child.expect_exact("Evidence")
    child.sendline("")
    child.expect_exact("Note and evidence saved; they join your answer")
    child.expect_exact(PASTE_ON)
    child.expect_exact("Answer: ")
    child.send(f"{PASTE_START}{block}{PASTE_END}")
    child.send("\r")
    child.expect_exact("That text has line breaks (pasted?); nothing was taken, type one line.")
    child.expect_exact("Answer: ")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [(_, result)] = saved(store)
    assert isinstance(result["answers"], dict) and "planning-policy" not in result["answers"]
    assert result["drafts"] == {"planning-policy": {"note": "Ask the county EM\nno\n3", "evidence": None}}


def test_an_arrow_key_in_a_note_edits_the_line_and_resume_still_works(tmp_path: Path) -> None:
    pytest.importorskip("readline")
    store = tmp_path / "store"
    child = begin(store)
    child.sendline("/c")
    child.expect_exact("Note")
    child.send(f"abc{LEFT}{LEFT}X\r")  # Left twice, then X: "aXbc", never "abc^[[D^[[DX"
    child.expect_exact("Evidence")
    child.sendline("")
    child.expect_exact("Note and evidence saved; they join your answer")
    child.sendline("2")
    child.expect_exact("Planning 2/4")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [(path, result)] = saved(store)
    answers = result["answers"]
    assert isinstance(answers, dict) and answers["planning-policy"]["note"] == "aXbc"
    again = spawn(store, "resume", path.stem)
    again.expect_exact("Continuing the assessment of Test Town PD")
    again.expect_exact("Answer: ")
    again.sendline("/q")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0


def test_a_control_character_at_the_prompt_is_refused_and_never_saved(tmp_path: Path) -> None:
    store = tmp_path / "store"
    child = begin(store)
    child.sendline("/c")
    child.expect_exact("Note")
    child.sendline("bell\x16\x07here")  # Ctrl-V: readline's quoted insert types the bell itself
    child.expect_exact("nothing was taken")
    child.sendline("clean note")
    child.expect_exact("Evidence")
    child.sendline("")
    child.sendline("2")
    child.expect_exact("Planning 2/4")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [(_, result)] = saved(store)
    assert result["answers"]["planning-policy"]["note"] == "clean note"  # type: ignore[index]


def test_a_second_resume_of_one_assessment_says_who_holds_it_and_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = begin(store)
    [(path, _)] = saved(store)
    before = path.read_bytes()
    second = spawn(store, "resume", path.stem)
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 2
    assert f"pid {first.pid}, since " in second.before and "nothing was written" in second.before
    assert path.read_bytes() == before
    first.sendline("2")  # the key is the scale value
    first.expect_exact("Planning 2/4")
    first.sendline("/q")
    first.expect(pexpect.EOF)
    assert json.loads(path.read_text())["answers"]["planning-policy"]["value"] == 2
    # the lock went with the process: the next resume works
    third = spawn(store, "resume", path.stem)
    third.expect_exact("Answer")
    third.sendline("/q")
    third.expect(pexpect.EOF)
    third.close()
    assert third.exitstatus == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_save_and_give_the_resume_hint(tmp_path: Path, sig: signal.Signals) -> None:
    store = tmp_path / "store"
    child = begin(store)
    child.sendline("2")  # the key is the scale value
    child.expect_exact("Planning 2/4")
    child.expect_exact("Answer: ")
    time.sleep(0.2)
    child.kill(sig)
    if sig == signal.SIGTERM:
        child.expect_exact("prepkit resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, (child.exitstatus, child.signalstatus)
    [(_, result)] = saved(store)
    assert result["status"] == "in-progress"
    assert result["answers"]["planning-policy"]["value"] == 2  # type: ignore[index]


def test_delete_asks_and_no_keeps_the_result_with_exit_0(tmp_path: Path) -> None:
    store = tmp_path / "store"
    child = begin(store)
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [(path, _)] = saved(store)
    no = spawn(store, "delete", path.stem)
    no.expect_exact("Delete result")
    no.sendline("n")
    no.expect(pexpect.EOF)
    no.close()
    assert no.exitstatus == 0 and path.exists() and "Nothing deleted" in no.before
    yes = spawn(store, "delete", path.stem)
    yes.expect_exact("Delete result")
    yes.sendline("y")
    yes.expect(pexpect.EOF)
    yes.close()
    assert yes.exitstatus == 0 and not path.exists()


@pytest.mark.parametrize(("term", "columns"), [("dumb", 100), ("xterm", 20)])
def test_a_dumb_or_narrow_terminal_gets_no_traceback(tmp_path: Path, term: str, columns: int) -> None:
    store = tmp_path / "store"
    store.parent.mkdir(parents=True, exist_ok=True)
    child = spawn(store, "assess", DRILL, "--agency", "A", "--respondent", "", term=term, columns=columns)
    child.expect_exact("Answer")
    child.sendline("1")
    child.expect_exact("Answer")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before


def test_a_closed_standard_input_is_a_message(tmp_path: Path) -> None:
    code = (
        "import os, sys, runpy; os.close(0); sys.stdin = None; sys.argv = ['prepkit', *sys.argv[1:]];"
        "runpy.run_module('prepkit', run_name='__main__')"
    )
    for args in (["assess", DRILL], ["delete", "x"], ["resume"]):
        proc = run_prepkit_code(code, *args, store=tmp_path / "store")
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 2), proc.stderr


def run_prepkit_code(code: str, *args: str, store: Path) -> object:
    import subprocess

    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, "PREPKIT_STORE": str(store)},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_ctrl_c_at_the_note_prompt_saves_without_a_note(tmp_path: Path) -> None:
    store = tmp_path / "store"
    child = begin(store)
    child.sendline("2")  # the key is the scale value
    child.expect_exact("Planning 2/4")
    child.sendline("/b")
    child.expect_exact("Planning 1/4")
    child.sendline("/c")
    child.expect_exact("Note")
    child.send("half a no")
    child.expect_exact("half a no")
    time.sleep(0.3)  # CPython's readline misses a SIGINT that lands while it handles typed keys
    child.sendintr()
    child.expect_exact("prepkit resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    [(_, result)] = saved(store)
    assert result["answers"]["planning-policy"] == {  # type: ignore[index]
        "kind": "value",
        "value": 2,
        "choice": None,
        "note": None,
        "evidence": None,
    }
