"""The store: refused for writing when it is not safely ours; odd entries in results/ named and skipped
without being opened; temp files left by a kill cleaned up; nothing saved that could not be read back."""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import PACK, run_prepkit, run_process
from prepkit.cli import app
from prepkit.content.models import MAX_NOTE, Answer
from prepkit.content.yamlio import MAX_BYTES
from prepkit.errors import ContentError, SystemRefusal
from prepkit.results.store import Store
from resultkit import make_result, save_result

ANSWERS = str(PACK / "answers.yaml")
MINI = str(PACK / "mini.yaml")


def assess_into(store: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["assess", MINI, "--answers", ANSWERS, "--no-report", "--store", str(store)])
    return result.exit_code, result.stderr


def test_a_symlinked_store_is_refused_for_writing(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "store"
    link.symlink_to(real)
    code, message = assess_into(link)
    assert code == 3 and message.startswith(f"Error: {link}: ") and "is a symbolic link" in message
    assert list(real.iterdir()) == []


def test_a_symlinked_results_folder_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (store / "results").symlink_to(elsewhere)
    code, message = assess_into(store)
    assert code == 3 and message.startswith(f"Error: {store / 'results'}: ") and "is a symbolic link" in message
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777])
def test_a_store_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    store = tmp_path / "store"
    store.mkdir()
    store.chmod(mode)
    code, message = assess_into(store)
    assert code == 3 and "can be written by others" in message and f"chmod 700 {store}" in message
    assert stat.S_IMODE(store.stat().st_mode) == mode and list(store.iterdir()) == []


def test_a_store_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    store = tmp_path / "store"
    store.mkdir(mode=0o700)
    os.chown(store, 65534, 65534)
    code, message = assess_into(store)
    assert code == 3 and "belongs to another user (uid 65534)" in message


def odd_entries(results: Path) -> list[str]:
    """A FIFO, a socket, a loop of links and a dangling link, each named *.json."""
    os.mkfifo(results / "fifo.json")
    os.mkfifo(results / "fifo.prepkit")  # a packet name: rollup reads packets too
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(results / "socket.json"))
    server.close()
    (results / "loop-a.json").symlink_to(results / "loop-b.json")
    (results / "loop-b.json").symlink_to(results / "loop-a.json")
    (results / "dangling.json").symlink_to(results / "nowhere")
    return ["fifo.json", "fifo.prepkit", "socket.json", "loop-a.json", "loop-b.json", "dangling.json"]


def test_fifos_sockets_and_loops_in_results_are_named_and_skipped(hermetic: Path) -> None:
    store = Store(hermetic)
    save_result(store)
    in_progress = make_result(drop=("schools-drills",))
    store.save_new(in_progress)  # same agency and day: saved as ID-2
    names = odd_entries(store.results_dir)
    env = {"PREPKIT_STORE": str(hermetic)}
    for args in (["history"], ["resume"], ["rollup"], ["rollup", "--json"], ["export", "latest"]):
        proc = run_process(*args, env=env, timeout=30)  # a blocking open of the FIFO would hang here
        assert "Traceback" not in proc.stderr, (args, proc.stderr)
        assert proc.returncode == 0, (args, proc.stderr)
        if args[0] in ("history", "rollup"):
            for name in names:
                if name.endswith(".json") or args[0] == "rollup":  # packets (*.prepkit) are for rollup
                    assert name in proc.stderr, (args, name, proc.stderr)
    proc = run_process("resume", env=env, timeout=30)
    assert "Test Town Police Department" in proc.stdout  # the real in-progress result is still listed
    for name in names:
        assert (store.results_dir / name).is_symlink() or not (store.results_dir / name).is_file()


def test_temp_files_left_by_a_kill_are_cleaned_up(hermetic: Path) -> None:
    store = Store(hermetic)
    save_result(store)
    stale = store.results_dir / ".x.json.abc123.tmp"
    fresh = store.results_dir / ".y.json.def456.tmp"  # perhaps another prepkit writing right now
    for path in (stale, fresh):
        path.write_text("{half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    save_result(Store(hermetic))
    assert not stale.exists() and fresh.exists()


def test_a_result_the_gate_could_not_read_back_is_never_written(hermetic: Path) -> None:
    store = Store(hermetic)
    result = make_result()
    big = "é" * (MAX_BYTES // 2)  # two bytes each: the file would be over the limit
    answers = {qid: answer.model_copy(update={"note": big}) for qid, answer in result.answers.items()}
    with pytest.raises(ContentError, match="more than prepkit reads back"):
        store.save(result.model_copy(update={"answers": answers}))
    assert not store.path_of(result.id).exists()
    store.save(result)  # a normal one still saves
    assert store.load(store.path_of(result.id)).answers == result.answers


def test_notes_and_names_over_the_limits_are_refused_in_answers_files(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    note = "x" * (MAX_NOTE + 1)
    answers.write_text(
        f"questionnaire: {MINI}\nagency: {'A' * 201}\nanswers:\n  planning-policy: {{value: 2, note: {note}}}\n"
    )
    proc = run_prepkit("assess", MINI, "--answers", str(answers), "--no-report")
    assert proc.returncode == 1
    assert "agency: String should have at most 200 characters" in proc.stderr
    assert f"note: String should have at most {MAX_NOTE} characters" in proc.stderr
    assert not (Path(os.environ["PREPKIT_STORE"]) / "results").exists()


def test_a_delete_in_a_refused_store_writes_nothing(hermetic: Path) -> None:
    store = Store(hermetic)
    result, path = save_result(store)
    hermetic.chmod(0o777)
    with pytest.raises(SystemRefusal, match="can be written by others"):
        Store(hermetic).delete(result.id)
    assert path.exists()


def test_saved_answers_round_trip_at_the_limits(hermetic: Path) -> None:
    store = Store(hermetic)
    result = make_result()
    note = "ü" * MAX_NOTE
    answers = {qid: Answer(**{**a.model_dump(), "note": note, "evidence": note}) for qid, a in result.answers.items()}
    path = store.save(result.model_copy(update={"answers": answers}))
    assert json.loads(path.read_text())["answers"]["planning-policy"]["note"] == note
    assert store.load(path).answers == answers


def test_a_plan_sheet_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    from prepkit.plan.importing import read_sheet

    fifo = tmp_path / "plan.csv"
    os.mkfifo(fifo)
    with pytest.raises(ContentError, match="not a regular file"):
        read_sheet(fifo)


def test_a_plan_is_not_written_into_a_store_others_can_write(tmp_path: Path) -> None:
    from prepkit.plan.planfile import write_plan

    store = tmp_path / "store"
    store.mkdir()
    store.chmod(0o777)
    with pytest.raises(SystemRefusal, match="can be written by others"):
        write_plan(store / "plans" / "x.json", None)  # type: ignore[arg-type]
    assert not (store / "plans").exists() or list((store / "plans").iterdir()) == []


@pytest.mark.parametrize("command", [["history"], ["resume"], ["rollup", "--json"], ["plan", "show"]])
def test_a_store_path_that_names_a_file_is_refused_not_read_as_empty(tmp_path: Path, command: list[str]) -> None:
    """A typo in --store that names a file got "No results in FILE/results." as if the store were empty."""
    typo = tmp_path / "store.txt"
    typo.write_text("not a store\n")
    proc = run_prepkit(*command, "--store", str(typo))
    assert proc.returncode == 3
    assert proc.stderr.strip() == f"Error: {typo}: a store is a folder, and this is a regular file"
    assert typo.read_text() == "not a store\n"


@pytest.mark.parametrize("kind", ["device", "fifo", "dangling"])
def test_an_answers_path_that_is_not_a_file_is_named_not_looked_up_as_a_result(
    hermetic: Path, tmp_path: Path, kind: str
) -> None:
    """`score X.yaml` for a path that exists but is no regular file said "no result 'X.yaml' in STORE"."""
    path = tmp_path / "answers.yaml"
    if kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(tmp_path / "gone.yaml")
    proc = run_process("score", str(path), "--store", str(hermetic), timeout=20)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{path}:1:1: not a regular file")
