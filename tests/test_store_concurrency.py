"""Several prepkit processes saving into one store at the same moment all keep their results."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PACK
from prepkit.results.store import Store

WRITER = """
import sys, time
from pathlib import Path
from prepkit.content.answers import load_answers
from prepkit.results.model import new_result
from prepkit.results.store import Store

store, go, answers, name, count = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
sheet = load_answers(answers)
results = [new_result(sheet.questionnaire, f"{name} {i}", None, sheet.answers, complete=True)
           for i in range(count)]
if len(sys.argv) > 6:  # every process uses the same ids: each collision must get a fresh id, never overwrite
    results = [r.model_copy(update={"id": f"{sys.argv[6]}-{i:06d}"}) for i, r in enumerate(results)]
deadline = time.monotonic() + 60
while not go.exists():  # start together, to make the saves overlap
    if time.monotonic() > deadline:
        sys.exit("never started")
    time.sleep(0.001)
for result in results:
    saved, _ = Store(store).save_new(result)  # a fresh Store each time: no shared cache
    print(saved.id)
"""

PROCESSES = 6
EACH = 8


@pytest.mark.parametrize("same_ids", [False, True], ids=["own-ids", "colliding-ids"])
def test_concurrent_saves_from_several_processes_all_survive(hermetic: Path, tmp_path: Path, same_ids: bool) -> None:
    go = tmp_path / "go"
    extra = ["20260101-000000-agency-mini"] if same_ids else []
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(hermetic),
                str(go),
                str(PACK / "answers.yaml"),
                f"Agency {n}",
                str(EACH),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    time.sleep(0.5)  # let them load; a late starter only makes the test weaker, never wrong
    go.touch()
    ids: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        ids += out.split()
    assert len(ids) == len(set(ids)) == PROCESSES * EACH
    store = Store(hermetic)
    assert sorted(p.stem for p in store.paths()) == sorted(ids)
    agencies = set()
    for path in store.paths():
        result = Store(hermetic).load(path)
        agencies.add(result.agency)
    assert agencies == {f"Agency {n} {i}" for n in range(PROCESSES) for i in range(EACH)}
    assert len(list(store.snapshots_dir.iterdir())) == 1
    assert [p.name for p in hermetic.rglob(".*")] == []  # no temp file left behind


def test_a_result_open_in_an_interview_is_not_deleted_under_it(hermetic: Path) -> None:
    """`delete` takes the result's lock: while another prepkit has the assessment open (a `resume` in
    another terminal), deleting is refused, since that prepkit's next save would bring the file back."""
    from prepkit.results.lock import Busy
    from resultkit import save_result

    store = Store(hermetic)
    result, path = save_result(store, drop=("planning-policy",))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(hermetic), result.id], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(Busy, match="open in another prepkit"):
            store.delete(result.id)
        assert path.is_file()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    store.delete(result.id)
    assert not path.exists()


HOLD_LOCK = """
import sys, time
from pathlib import Path
from prepkit.results.store import Store
lock = Store(Path(sys.argv[1])).lock(sys.argv[2])
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""
