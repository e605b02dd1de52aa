"""Time from starting `prepkit assess` to its first question on screen (target: well under 400 ms).

Wall-clock time depends on how busy the machine is; the CPU time of the whole run (start, first question,
`q`) is printed too, as the steadier figure.

Run: .venv/bin/python benchmarks/assess_first_question.py [QUESTIONNAIRE] [RUNS]
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[1]


def first_question_seconds(questionnaire: str, store: str) -> tuple[float, float]:
    """(wall seconds to the first question, CPU seconds of the whole run)."""
    env = {**os.environ, "PREPKIT_STORE": store, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "80", "LINES": "40"}
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "prepkit", "assess", questionnaire, "--agency", "Bench", "--respondent", ""],
        env=env,
        encoding="utf-8",
        timeout=30,
    )
    child.expect("Answer: ")
    elapsed = time.perf_counter() - started
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return elapsed, cpu


def main() -> None:
    questionnaire = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "tests/fixtures/assess/drill.yaml")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as store:
        samples = [first_question_seconds(questionnaire, store) for _ in range(runs)]
    times = [wall for wall, _ in samples]
    cpus = [cpu for _, cpu in samples]
    print(
        f"first question after: median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms ({runs} runs); "
        f"CPU per run: median {statistics.median(cpus) * 1000:.0f} ms, min {min(cpus) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
