"""Time from starting `prepkit assess` to its first question on screen (target: well under 400 ms).

Run: .venv/bin/python benchmarks/assess_first_question.py [QUESTIONNAIRE] [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[1]


def first_question_seconds(questionnaire: str, store: str) -> float:
    env = {**os.environ, "PREPKIT_STORE": store, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "80", "LINES": "40"}
    started = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "prepkit", "assess", questionnaire, "--agency", "Bench",
                                           "--respondent", ""], env=env, encoding="utf-8", timeout=30)
    child.expect("Answer: ")
    elapsed = time.perf_counter() - started
    child.sendline("q")
    child.expect(pexpect.EOF)
    return elapsed


def main() -> None:
    questionnaire = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "tests/fixtures/assess/drill.yaml")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as store:
        times = [first_question_seconds(questionnaire, store) for _ in range(runs)]
    print(f"first question after: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms ({runs} runs)")


if __name__ == "__main__":
    main()
