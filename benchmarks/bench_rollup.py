"""Benchmark `prepkit rollup` over a large generated store (issue #7: 10,000 results of 150 answers).

    python benchmarks/bench_rollup.py [--results 10000] [--agencies 2000] [--runs 3] [--keep DIR]

Generates a store in a temporary folder (one shared questionnaire snapshot, result files written as
JSON directly), then times, each as its own process (median of --runs) with its peak memory
(from /usr/bin/time, which starts the child from a small process):
  - `python -c pass`, the interpreter's own start-up;
  - a bare loop that json.loads every result file, the floor for any reader of these files;
  - `python -m prepkit rollup STORE --json`.
Targets (issue 15): at most 1.5 times the bare loop, under 100 MiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from prepkit.content.models import Questionnaire, content_hash
from prepkit.results.model import snapshot_of

DOMAINS = 10
PER_DOMAIN = 15
CORRUPT = 3  # files damaged on purpose: they must be named and skipped, not stop the roll-up


def questionnaire() -> Questionnaire:
    """150 questions in 10 domains, a profile question and a few conditional questions, like the real ones."""
    domains = []
    for d in range(DOMAINS):
        questions = []
        for i in range(PER_DOMAIN):
            question: dict[str, object] = {
                "id": f"d{d}-q{i}",
                "text": f"Question {i} of domain {d}?",
                "critical": i < 2,
                "weight": 1 + i % 3,
            }
            if i == PER_DOMAIN - 1:
                question["when"] = {"has-schools": ["yes"]}
            questions.append(question)
        domains.append({"id": f"domain-{d}", "title": f"Domain {d}", "weight": 1 + d % 2, "questions": questions})
    q = Questionnaire.model_validate(
        {
            "format": 1,
            "id": "bench",
            "version": "1.0",
            "title": "Benchmark Readiness",
            "scales": {
                "capacity": [
                    {"value": v, "label": label}
                    for v, label in enumerate(["Not in place", "Planned", "Partially in place", "Fully in place"])
                ]
            },
            "levels": [
                {"id": "foundational", "label": "Foundational", "min": 0},
                {"id": "developing", "label": "Developing", "min": 40},
                {"id": "established", "label": "Established", "min": 70, "requires_critical": True},
            ],
            "profile": [{"id": "has-schools", "text": "Schools?", "choices": ["yes", "no"]}],
            "domains": domains,
        }
    )
    q._content_hash = content_hash(q, {})
    return q


def generate(root: Path, results: int, agencies: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    q = questionnaire()
    (root / "results").mkdir(parents=True)
    (root / "snapshots").mkdir()
    (root / "snapshots" / (q.content_hash.replace(":", "-") + ".json")).write_text(snapshot_of(q).model_dump_json())
    ids = [question.id for _, question in q.questions()]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for n in range(results):
        agency = n % agencies
        when = start + dt.timedelta(days=30 * (n // agencies) + agency % 30, seconds=n)
        schools = "yes" if agency % 3 else "no"
        answers: dict[str, dict[str, object]] = {"has-schools": _answer("choice", choice=schools)}
        skill = (agency % 10) / 10
        for qid in ids:
            if qid.endswith(f"q{PER_DOMAIN - 1}") and schools != "yes":
                continue
            roll = rng.random()
            if roll < 0.03:
                answers[qid] = _answer("na")
            elif roll < 0.06:
                answers[qid] = _answer("unknown")
            else:
                answers[qid] = _answer("value", value=min(3, int(rng.random() * 3 + skill * 2)))
        result_id = f"{when:%Y%m%d-%H%M%S}-agency-{agency}-bench-{n:06x}"
        data = {
            "format": 1,
            "id": result_id,
            "status": "in-progress" if rng.random() < 0.1 else "complete",
            "agency": f"Agency {agency}",
            "respondent": None,
            "date": when.date().isoformat(),
            "created": when.isoformat(),
            "updated": when.isoformat(),
            "questionnaire": {"id": q.id, "version": q.version, "hash": q.content_hash},
            "answers": answers,
            "provenance": {},
            "snapshot": None,
            "team": None,
        }
        text = json.dumps(data, indent=1)
        if n < CORRUPT:
            text = text[: len(text) // 2]
        (root / "results" / f"{result_id}.json").write_text(text)


def _answer(kind: str, value: int | None = None, choice: str | None = None) -> dict[str, object]:
    return {"kind": kind, "value": value, "choice": choice, "note": None, "evidence": None}


def run(command: list[str]) -> tuple[float, float, float, str]:
    """Wall time (s), CPU time (s, user + system) and peak resident memory (MB) of one child, and its stdout.

    The child is started by /usr/bin/time, a small process: Linux carries a forking parent's peak
    memory across exec, so ru_maxrss of a child forked from this benchmark would report our own size.
    """
    begin = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.Popen(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", report.name, *command], stdout=out, stderr=subprocess.DEVNULL
        )
        proc.wait()
        elapsed = time.perf_counter() - begin
        out.seek(0)
        text = out.read().decode()
        peak_kb, user, system = report.read().split()[-3:]
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit {proc.returncode}")
    return elapsed, float(user) + float(system), int(peak_kb) / 1024, text


BARE_LOOP = """
import json, pathlib, sys
n = 0
for p in sorted(pathlib.Path(sys.argv[1], "results").glob("*.json")):
    try:
        json.loads(p.read_bytes()); n += 1
    except ValueError:
        pass
print(n)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=int, default=10_000)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "store"
        begin = time.perf_counter()
        generate(root, args.results, args.agencies)
        print(
            f"generated {args.results} results ({args.agencies} agencies, "
            f"{DOMAINS * PER_DOMAIN} questions) in {time.perf_counter() - begin:.1f} s: {root}"
        )
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "bare json.loads loop": [sys.executable, "-c", BARE_LOOP, str(root)],
            "prepkit rollup --json": [sys.executable, "-m", "prepkit", "rollup", str(root), "--json"],
        }
        # CPU time is shown too: on a shared machine, wall time also measures the neighbours.
        print(f"{'command':<24} {'median s':>9} {'min s':>7} {'CPU s':>6} {'peak MB':>8}")
        for name, command in commands.items():
            runs = [run(command) for _ in range(args.runs)]
            times = [t for t, _, _, _ in runs]
            print(
                f"{name:<24} {statistics.median(times):>9.2f} {min(times):>7.2f} "
                f"{statistics.median(c for _, c, _, _ in runs):>6.2f} {max(m for _, _, m, _ in runs):>8.0f}"
            )
            if name.startswith("prepkit"):
                data = json.loads(runs[-1][3])
                print(f"{'':<24} agencies {data['agencies']}, files {data['files']}, skipped {data['skipped']}")


if __name__ == "__main__":
    main()
