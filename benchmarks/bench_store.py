"""The store at 100, 1,000 and 10,000 results (issue #15): every store command against its floor.

    .venv/bin/python benchmarks/bench_store.py [--sizes 100 1000 10000] [--runs 3] [--work DIR]

Each figure is the median of --runs runs of a fresh process, alternating with its floor (measured in
the same run, so a busy machine slows both alike), after one warm-up of each (which also builds the
store's header index; one cold run with the index deleted is shown separately). Peak memory is the
child's maximum resident set size from /usr/bin/time, which forks it from a small process (Linux
carries a forking parent's peak across exec, so os.wait4 from this process would report our size).

Floors:
- json.loads: a bare Python loop that json.loads every result file (the least any reader does);
- header scan: a process that reads every file's header with prepkit's header model (what choosing
  results costs without the index);
- empty store: the same command with an empty store.
The slope is log(t(N) / t(N0)) / log(N / N0) of the time above a fixed start (the command on an
empty store for history, `prepkit --version` for compare and rollup, the empty-store run for assess
and resume): 1 is linear, below 1 better.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "hostile"))

from bench import compile_bytecode, make_store  # noqa: E402

PY = sys.executable
GNU_TIME = Path("/usr/bin/time")
FLOOR = """
import json, pathlib, sys
for p in sorted(pathlib.Path(sys.argv[1], "results").glob("*.json")):
    json.loads(p.read_bytes())
"""
HEADER_SCAN = """
import pathlib, sys
from prepkit.results.index import parse_header
for p in sorted(pathlib.Path(sys.argv[1], "results").glob("*.json")):
    parse_header(p, p.read_bytes())
"""


def run(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak MiB) of one process."""
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.perf_counter()
        proc = subprocess.run(
            [str(GNU_TIME), "-f", "%M", "-o", report.name, *cmd],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
        return elapsed, int(report.read().split()[-1]) / 1024


def first_question(store: Path, env: dict[str, str], command: str) -> tuple[float, float]:
    """Seconds until `assess` shows its first question, or `resume` has listed what is in progress."""
    import pexpect

    env = {**env, "PREPKIT_STORE": str(store), "TERM": "dumb", "LINES": "40"}
    started = time.perf_counter()
    if command == "assess":
        args = ["-m", "prepkit", "assess", "active-assailant", "--agency", "Bench", "--respondent", ""]
        child = pexpect.spawn(PY, args, env=env, encoding="utf-8", timeout=60, dimensions=(40, 100))
        child.expect(r"Answer( \[[^\]]*\])?: ")
    else:
        child = pexpect.spawn(PY, ["-m", "prepkit", "resume"], env=env, encoding="utf-8", timeout=60)
        child.expect(r"Continue (it|which one)\?|No assessment in progress")
    elapsed = time.perf_counter() - started
    child.terminate(force=True)
    child.close()
    return elapsed, 0.0


def paired(
    runs: int, subject: Callable[[], tuple[float, float]], floor: Callable[[], tuple[float, float]]
) -> tuple[tuple[float, float], tuple[float, float]]:
    subject(), floor()
    a, b = [], []
    for _ in range(runs):
        a.append(subject())
        b.append(floor())
    return (
        (statistics.median(t for t, _ in a), max(m for _, m in a)),
        (statistics.median(t for t, _ in b), max(m for _, m in b)),
    )


def add_in_progress(root: Path, count: int) -> None:
    """Mark a few results as in progress, as a store in use has them (the resume list shows them)."""
    names = sorted(os.listdir(root / "results"))
    for name in names[1 : 1 + count]:
        path = root / "results" / name
        data = json.loads(path.read_text())
        if data["status"] != "in-progress":
            data["status"] = "in-progress"
            path.write_text(json.dumps(data, indent=1))


def main() -> None:
    compile_bytecode()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, help="keep generated stores here (reused when present)")
    parser.add_argument("--only", nargs="*", help="rows: history-json history compare rollup assess resume")
    args = parser.parse_args()
    if args.work is None:
        with tempfile.TemporaryDirectory(prefix="prepkit-store-bench-") as tmp:
            measure(args, Path(tmp))
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        measure(args, args.work)


def measure(args: argparse.Namespace, work: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "PREPKIT_QUESTIONNAIRES": ""}
    env.pop("PREPKIT_DEBUG", None)
    empty = work / "store-empty"
    (empty / "results").mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {args.runs} runs per figure")
    rows: dict[str, dict[int, tuple[float, float, float, float]]] = {}

    def prepkit(*a: str) -> Callable[[], tuple[float, float]]:
        return lambda: run([PY, "-m", "prepkit", *a], env)

    for n in args.sizes:
        root = work / f"store-{n}"
        root.mkdir(exist_ok=True)
        make_store(root, n, max(10, n // 5))
        add_in_progress(root, 2)
        floor = lambda root=root: run([PY, "-c", FLOOR, str(root)], env)  # noqa: E731
        scan = lambda root=root: run([PY, "-c", HEADER_SCAN, str(root)], env)  # noqa: E731
        measures: dict[
            str,
            tuple[
                Callable[[], tuple[float, float]],
                Callable[[], tuple[float, float]],
                Callable[[], tuple[float, float]] | None,
            ],
        ] = {
            "history-json": (
                prepkit("history", "--json", "--store", str(root)),
                floor,
                prepkit("history", "--json", "--store", str(empty)),
            ),
            "history": (prepkit("history", "--store", str(root)), floor, prepkit("history", "--store", str(empty))),
            "compare": (
                prepkit("compare", "previous", "latest", "--agency", "Agency 1", "--store", str(root)),
                scan,
                None,
            ),
            "rollup": (prepkit("rollup", str(root), "--json"), floor, None),
            "assess": (
                lambda root=root: first_question(root, env, "assess"),
                lambda: first_question(empty, env, "assess"),
                None,
            ),
            "resume": (
                lambda root=root: first_question(root, env, "resume"),
                lambda: first_question(empty, env, "resume"),
                None,
            ),
        }
        for name, (subject, base, blank) in measures.items():
            if args.only and name not in args.only:
                continue
            (t, m), (bt, bm) = paired(args.runs, subject, base)
            rows.setdefault(name, {})[n] = (t, m, bt, bm)
            extra = ""
            if name == "compare":
                (root / ".index.json").unlink(missing_ok=True)
                cold, _ = subject()
                extra = f"; cold (index deleted) {cold:.2f} s"
            print(
                f"{name:>13} {n:>6}: {t:6.2f} s {m:5.0f} MiB | floor {bt:6.2f} s {bm:4.0f} MiB | {t / bt:4.2f}x{extra}",
                flush=True,
            )
            if n == args.sizes[0]:
                start = blank or (base if name in ("assess", "resume") else prepkit("--version"))
                rows.setdefault(name + "@zero", {})[0] = (
                    statistics.median(start()[0] for _ in range(args.runs)),
                    0,
                    0,
                    0,
                )
    print()
    print("| command | results | prepkit | peak | floor | ratio | slope |")
    print("|---|---|---|---|---|---|---|")
    floors = {"compare": "header scan", "assess": "empty store", "resume": "empty store"}
    for name, by_size in rows.items():
        if name.endswith("@zero"):
            continue
        sizes = sorted(by_size)
        zero = rows[name + "@zero"][0][0]
        for i, n in enumerate(sizes):
            t, m, bt, bm = by_size[n]
            slope = "—"
            if i:
                before = by_size[sizes[i - 1]][0]
                if t - zero > 0 and before - zero > 0:
                    slope = f"{math.log((t - zero) / (before - zero)) / math.log(n / sizes[i - 1]):.2f}"
            memory = f"{m:.0f} MiB" if m else "—"
            print(
                f"| `{name}` | {n:,} | {t:.2f} s | {memory} | {bt:.2f} s ({floors.get(name, 'json.loads')}) | "
                f"{t / bt:.2f}× | {slope} |"
            )


if __name__ == "__main__":
    main()
