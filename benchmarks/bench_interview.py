"""Per-answer cost of the interview at 100, 1,000 and 10,000 questions (issue 15): it must stay flat.

    .venv/bin/python benchmarks/bench_interview.py [--sizes 100 1000 10000] [--answers 300]

In one process, for each size: a generated questionnaire (tests/hostile/generated.py, with skip logic),
then --answers answers typed one after the other. Each answer is timed twice: the interview's own
work as the terminal loop does it (`handle`, then `section_position` and `progress` for the next
question, and `saved_answers` for the autosave), and the autosave itself (the result file rewritten,
atomically, fsync included). Prints the median per answer and the slope between sizes
(log-log: 0 is flat, 1 grows with the questionnaire).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "hostile"))

from generated import questionnaire_text  # noqa: E402

from prepkit.assess.autosave import Autosave  # noqa: E402
from prepkit.assess.interview import Interview  # noqa: E402
from prepkit.content.questionnaire import load_questionnaire  # noqa: E402
from prepkit.results.store import Store  # noqa: E402


def per_answer(size: int, answers: int, work: Path) -> tuple[float, float]:
    """Median seconds per answer: (interview work, autosave)."""
    source = work / f"q{size}.yaml"
    source.write_text(questionnaire_text(size, qid=f"bench-{size}"))
    q = load_questionnaire(source)
    autosave = Autosave.start(Store(work / f"store-{size}"), q, "Bench PD", None)
    interview = Interview(q)
    own: list[float] = []
    saving: list[float] = []
    for n in range(answers):
        item = interview.current
        if item is None:
            break
        key = "1" if item.is_profile else str(1 + n % 3)
        started = time.perf_counter()
        interview.handle(key)
        following = interview.current
        if following is not None:
            interview.section_position(following)
        interview.progress()
        saved = interview.saved_answers()
        middle = time.perf_counter()
        autosave.save(saved)
        done = time.perf_counter()
        own.append(middle - started)
        saving.append(done - middle)
    return statistics.median(own), statistics.median(saving)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10_000])
    parser.add_argument("--answers", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {n: per_answer(n, min(args.answers, n), Path(tmp)) for n in args.sizes}
    print("| questions | interview per answer | slope | autosave per answer | slope |")
    print("|---|---|---|---|---|")
    previous: tuple[int, tuple[float, float]] | None = None
    for n, (own, save) in results.items():
        slopes = ["—", "—"]
        if previous is not None:
            n0, (own0, save0) = previous
            slopes = [f"{math.log(a / b) / math.log(n / n0):.2f}" for a, b in ((own, own0), (save, save0))]
        print(f"| {n:,} | {own * 1e6:.0f} µs | {slopes[0]} | {save * 1e3:.2f} ms | {slopes[1]} |")
        previous = (n, (own, save))


if __name__ == "__main__":
    main()
