"""prepkit's performance figures, as one Markdown table (issue #8). Not part of the test run.

    .venv/bin/python benchmarks/bench.py [--runs 5]

Every figure is the median of --runs runs, each measured as its own process (as a user would run it)
unless the row says "in-process", with its baseline measured in the same run, interleaved with it so
that a busy machine slows both alike. Peak memory is the child's maximum resident set size, from
/usr/bin/time (else os.wait4). Rows whose command is not in this checkout print
"n/a (command not available)".
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "hostile"))

from generated import answers_text, questionnaire_text  # noqa: E402

PY = sys.executable
PREPKIT = [PY, "-m", "prepkit"]
BARE_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


app()
'''
HEAVY = ("weasyprint", "jinja2", "prepkit.report")
BIG = 10_000  # questions in the generated questionnaire (issue 15)
NA = "n/a (command not available)"


@dataclass
class Row:
    what: str
    figure: str
    baseline: str
    target: str
    verdict: str


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    returncode: int
    cpu_seconds: float = 0.0  # in-process rows only


GNU_TIME = Path("/usr/bin/time")


def run(cmd: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Run:
    """One process, timed by the wall clock, with its own peak resident memory.

    Linux keeps a process's peak memory across exec, so a child forked straight from this (large)
    process would report at least this process's size; /usr/bin/time forks it from a small one.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        wrapper = [str(GNU_TIME), "-f", "%M", "-o", report.name] if GNU_TIME.exists() else []
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*wrapper, *cmd], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        peak_kb = int(report.read().split()[-1]) if wrapper else usage.ru_maxrss
    return Run(elapsed, peak_kb / 1024, os.waitstatus_to_exitcode(status))


def paired(runs: int, subject: Callable[[], Run], baseline: Callable[[], Run]) -> tuple[Run, Run]:
    """Medians of subject and baseline, measured alternately; peak memory is the largest seen."""
    subject(), baseline()  # warm the file cache and .pyc files
    subjects: list[Run] = []
    baselines: list[Run] = []
    for _ in range(runs):
        subjects.append(subject())
        baselines.append(baseline())
    for side in (subjects, baselines):
        failed = [r for r in side if r.returncode not in (0,)]
        if failed:
            raise RuntimeError(f"a measured command failed with exit code {failed[0].returncode}")
    return tuple(
        Run(
            statistics.median(r.seconds for r in side),
            max(r.max_rss_mb for r in side),
            0,
            statistics.median(r.cpu_seconds for r in side),
        )
        for side in (subjects, baselines)
    )  # type: ignore[return-value]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def available_commands() -> frozenset[str]:
    import typer

    from prepkit.cli import app

    return frozenset(getattr(typer.main.get_command(app), "commands", {}))


class Bench:
    def __init__(self, runs: int, work: Path) -> None:
        self.runs = runs
        self.work = work
        self.store = work / "store"
        self.env = {
            **os.environ,
            "PREPKIT_STORE": str(self.store),
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "PREPKIT_QUESTIONNAIRES": "",
        }
        self.env.pop("PREPKIT_DEBUG", None)
        self.commands = available_commands()
        (work / "bare.py").write_text(BARE_APP)
        self.rows: list[Row] = []

    def prepkit(self, *args: str, cwd: Path | None = None) -> Callable[[], Run]:
        return lambda: run([*PREPKIT, *args], self.env, cwd)

    def bare(self) -> Run:
        return run([PY, str(self.work / "bare.py"), "--help"], self.env)

    def python(self, code: str) -> Callable[[], Run]:
        return lambda: run([PY, "-c", code], self.env)

    # --- rows

    def startup(self) -> None:
        subject, base = paired(self.runs, self.prepkit("--help"), self.bare)
        ratio = subject.seconds / base.seconds
        self.rows.append(
            Row(
                "start-up: `prepkit --help` vs a bare typer app",
                ms(subject.seconds),
                ms(base.seconds),
                "≤ 1.5×",
                f"{ratio:.2f}×, {verdict(ratio <= 1.5)}",
            )
        )
        probe = (
            "import runpy, sys\nsys.argv = ['prepkit', '--help']\n"
            "try:\n    runpy.run_module('prepkit', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print('\\n'.join(m for m in sys.modules if m.startswith({HEAVY!r})), file=sys.stderr)"
        )
        proc = subprocess.run([PY, "-c", probe], env=self.env, capture_output=True, text=True, check=False)
        heavy = sorted(
            {
                line.split(".")[0] if not line.startswith("prepkit") else "prepkit.report"
                for line in proc.stderr.splitlines()
                if line
            }
        )
        self.rows.append(
            Row(
                "`--help` imports WeasyPrint, Jinja2, report code",
                ", ".join(heavy) or "none",
                "—",
                "none",
                verdict(not heavy),
            )
        )

    def first_question(self) -> None:
        what = "time to first question: `prepkit assess` in a pty"
        if "assess" not in self.commands:
            self.rows.append(Row(what, NA, "—", "≤ 400 ms", "—"))
            return
        import pexpect

        bundled = REPO / "questionnaires" / "active-assailant.yaml"
        name = "active-assailant" if bundled.is_file() else str(REPO / "tests/fixtures/pack/mini.yaml")
        env = {**self.env, "TERM": "dumb", "LINES": "40"}

        def once() -> Run:
            started = time.perf_counter()
            child = pexpect.spawn(
                PY,
                ["-m", "prepkit", "assess", name, "--agency", "Bench", "--respondent", ""],
                env=env,
                encoding="utf-8",
                timeout=30,
                dimensions=(40, 100),
            )
            child.expect(r"Answer( \[[^\]]*\])?: ")
            elapsed = time.perf_counter() - started
            child.terminate(force=True)
            child.close()
            return Run(elapsed, 0.0, 0)

        subject, base = paired(self.runs, once, self.bare)
        label = what + ("" if bundled.is_file() else " (fixture mini.yaml: active-assailant not bundled)")
        self.rows.append(
            Row(
                label,
                ms(subject.seconds),
                f"{ms(base.seconds)} (bare typer start-up)",
                "≤ 400 ms",
                verdict(subject.seconds <= 0.4),
            )
        )

    def questionnaires(self) -> None:
        folder = REPO / "questionnaires"
        bundled = sorted(p for p in folder.glob("*.yaml"))
        version = self.prepkit("--version")
        if bundled:
            subject, base = paired(self.runs, self.prepkit("validate", *map(str, bundled)), version)
            names = ", ".join(p.name for p in bundled)
            self.rows.append(
                Row(
                    f"validate every bundled file ({names})",
                    ms(subject.seconds),
                    f"{ms(base.seconds)} (`prepkit --version`)",
                    "—",
                    f"net {ms(subject.seconds - base.seconds)}",
                )
            )
        else:
            self.rows.append(Row("validate every bundled questionnaire", "n/a (none bundled yet)", "—", "—", "—"))
        big = self.work / "big.yaml"
        big.write_text(questionnaire_text(BIG))
        (self.work / "big-answers.yaml").write_text(answers_text("big.yaml", BIG))
        safe_load = self.python(
            f"import yaml\nwith open({str(big)!r}) as f:\n    yaml.load(f, Loader=yaml.CSafeLoader)\n"
        )
        for what, args in (
            (f"load + validate {BIG:,} questions: `prepkit validate`", ["validate", "big.yaml"]),
            (
                f"score {BIG:,} answers: `prepkit score --json` (loads both files)",
                ["score", "big-answers.yaml", "--json"],
            ),
        ):
            subject, base = paired(self.runs, self.prepkit(*args, cwd=self.work), safe_load)
            ratio = subject.seconds / base.seconds
            self.rows.append(
                Row(
                    what,
                    ms(subject.seconds),
                    f"{ms(base.seconds)} (PyYAML C `safe_load` of the questionnaire, as a process)",
                    "≤ 1.0×",
                    f"{ratio:.2f}×, {verdict(ratio <= 1.0)}",
                )
            )
        self.in_process(big)

    def in_process(self, big: Path) -> None:
        import yaml

        from prepkit.content.answers import load_answers
        from prepkit.content.questionnaire import load_questionnaire
        from prepkit.scoring import score

        text = big.read_text()
        load_questionnaire(big)  # imports and first-call costs are in the process rows above

        def ours() -> Run:
            return Run(_timed(lambda: load_questionnaire(big)), 0.0, 0, _cpu(lambda: load_questionnaire(big)))

        def floor() -> Run:
            parse = lambda: yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: E731
            return Run(_timed(parse), 0.0, 0, _cpu(parse))

        subject, base = paired(self.runs, ours, floor)
        self.rows.append(
            Row(
                f"in-process: load + validate {BIG:,} questions (`load_questionnaire`), wall / CPU",
                f"{ms(subject.seconds)} / {ms(subject.cpu_seconds)}",
                f"{ms(base.seconds)} / {ms(base.cpu_seconds)} (PyYAML C `safe_load` only)",
                "—",
                f"{subject.cpu_seconds / base.cpu_seconds:.2f}× (CPU)",
            )
        )
        sheet = load_answers(self.work / "big-answers.yaml")
        scores = [_timed(lambda: score(sheet.questionnaire, sheet.answers)) for _ in range(self.runs)]
        self.rows.append(Row(f"in-process: `score()` of {BIG:,} answers", ms(statistics.median(scores)), "—", "—", "—"))

    def report(self) -> None:
        what = "report: prepkit render (HTML + PDF) vs bare WeasyPrint of the same HTML"
        try:
            from prepkit.report.context import build_context
            from prepkit.report.html import render_html, template_dirs
            from prepkit.report.pdf import render_pdf
        except ImportError:
            self.rows.append(Row(what, NA, "—", "—", "—"))
            return
        import weasyprint

        from prepkit.content.answers import load_answers
        from prepkit.results.model import new_result

        bundled = REPO / "questionnaires" / "active-assailant.yaml"
        pack = self.work / "report-pack"
        pack.mkdir(exist_ok=True)
        if bundled.is_file():
            (pack / "q.yaml").write_text(bundled.read_text())
            questions = 0
        else:
            questions = 120
            (pack / "q.yaml").write_text(questionnaire_text(questions, domains=12))
        from prepkit.content.questionnaire import load_questionnaire

        q = load_questionnaire(pack / "q.yaml")
        ids = [p.id for p in q.profile] + [question.id for _, question in q.questions()]
        lines = [f"questionnaire: {pack / 'q.yaml'}", "agency: Bench PD", "answers:"]
        rng = random.Random(8)
        for item in q.profile:
            lines.append(f"  {item.id}: {item.choices[0].id}")
        for _, question in q.questions():
            if not question.when:
                lines.append(f"  {question.id}: {rng.choice(q.scale_of(question)).value}")
        (pack / "a.yaml").write_text("\n".join(lines) + "\n")
        sheet = load_answers(pack / "a.yaml")
        result = new_result(q, sheet.agency, None, sheet.answers, complete=False)
        roots = template_dirs()
        base_url = roots[0].resolve().as_uri() + "/"

        # Each side collects its own garbage in its own time: render_pdf pauses the collector, so
        # WeasyPrint's garbage cycles would otherwise be collected during the next (bare) run.
        def ours() -> Run:
            return Run(_timed(lambda: (render_pdf(render_html(build_context(result)), roots), gc.collect())), 0.0, 0)

        html = render_html(build_context(result))

        def bare_pdf() -> None:
            weasyprint.HTML(string=html, base_url=base_url).write_pdf()
            gc.collect()

        def bare() -> Run:
            return Run(_timed(bare_pdf), 0.0, 0)

        subject, base = paired(self.runs, ours, bare)
        self._report_command(pack)
        size = f"{len(ids)} questions" if not questions else f"generated, {questions} questions"
        self.rows.append(
            Row(
                f"{what} (in-process, {size})",
                ms(subject.seconds),
                ms(base.seconds),
                "—",
                f"{subject.seconds / base.seconds:.2f}×",
            )
        )

    def _report_command(self, pack: Path) -> None:
        """`prepkit report` as a command against the `weasyprint` command on the same HTML."""
        store = self.work / "report-store"
        env = {**self.env, "PREPKIT_STORE": str(store)}
        for _ in range(3):  # a result with two earlier ones: a comparison and a trend
            subprocess.run(
                [*PREPKIT, "assess", str(pack / "q.yaml"), "--answers", str(pack / "a.yaml"), "--no-report"],
                env=env,
                check=True,
                capture_output=True,
            )
        latest = sorted((store / "results").glob("*.json"))[-1].stem
        html = self.work / "report.html"
        subprocess.run([*PREPKIT, "report", latest, "-o", str(html)], env=env, check=True, capture_output=True)
        weasy = Path(PY).with_name("weasyprint")
        subject, base = paired(
            self.runs,
            lambda: run([*PREPKIT, "report", latest, "-o", str(self.work / "report.pdf"), "--force"], env),
            lambda: run([str(weasy), str(html), str(self.work / "bare.pdf")], env),
        )
        ratio = subject.seconds / base.seconds
        self.rows.append(
            Row(
                "`prepkit report ID -o report.pdf` (a process) vs the `weasyprint` command on the same HTML",
                ms(subject.seconds),
                ms(base.seconds),
                "≤ 1.15×",
                f"{ratio:.2f}×, {verdict(ratio <= 1.15)}",
            )
        )

    def stores(self) -> None:
        """The store rows come from bench_store.py (100, 1,000 and 10,000 results, with slopes)."""
        subprocess.run([PY, str(REPO / "benchmarks" / "bench_store.py"), "--runs", str(self.runs)], check=True)

    def hostile(self) -> None:
        cases = REPO / "tests" / "hostile" / "cases"
        files = sorted(p.name for p in cases.iterdir())
        once = {name: run([*PREPKIT, "validate", name], self.env, cases).seconds for name in files}
        slowest = sorted(once, key=once.__getitem__, reverse=True)[:3]
        medians = {
            name: statistics.median(
                run([*PREPKIT, "validate", name], self.env, cases).seconds for _ in range(self.runs)
            )
            for name in slowest
        }
        worst = max(medians, key=medians.__getitem__)
        self.rows.append(
            Row(
                f"hostile corpus: slowest of {len(files)} files on its own (`{worst}`)",
                ms(medians[worst]),
                f"median of all files once: {ms(statistics.median(once.values()))}",
                "< 2 s each",
                verdict(medians[worst] < 2),
            )
        )


def _cpu(fn: Callable[[], object]) -> float:
    """CPU seconds of fn: steadier than the wall clock on a machine shared with other work."""
    started = time.process_time()
    fn()
    return time.process_time() - started


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def make_store(root: Path, count: int, agencies: int) -> None:
    """A store of `count` results of a 150-question questionnaire, written directly as prepkit would."""
    from prepkit.content.models import Answer
    from prepkit.content.questionnaire import load_questionnaire
    from prepkit.results.model import new_result, result_json
    from prepkit.results.store import Store

    if (root / "results").is_dir() and len(list((root / "results").iterdir())) == count:
        return
    source = root.parent / "store-questionnaire.yaml"
    source.write_text(questionnaire_text(150, domains=10, qid="bench"))
    q = load_questionnaire(source)
    rng = random.Random(count)
    first = new_result(q, "Agency 0", None, {}, complete=True)
    Store(root).save(first)
    template = json.loads(result_json(first.model_copy(update={"snapshot": None})))
    questions = [question for _, question in q.questions()]
    start = dt.date(2020, 1, 1)
    for i in range(count):
        data = dict(template)
        date = start + dt.timedelta(days=i * 3 % 2000)
        data.update(
            id=f"{date:%Y%m%d}-000000-agency-{i % agencies}-bench-{i:06x}",
            agency=f"Agency {i % agencies}",
            date=date.isoformat(),
        )
        answers = {"has-schools": Answer(kind="choice", choice="yes").model_dump()}
        for question in questions:
            answers[question.id] = Answer(kind="value", value=rng.choice(q.scale_of(question)).value).model_dump()
        data["answers"] = answers
        (root / "results" / f"{data['id']}.json").write_text(json.dumps(data, indent=1))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}, load average {load:.1f} at start"
    )


def compile_bytecode() -> None:
    """Compile prepkit's modules as `pip install .` does for a user. An editable install on a machine
    that sets PYTHONDONTWRITEBYTECODE (as these do) would otherwise compile every module changed since
    its last cached bytecode in every measured process: 50 ms a run, measured as prepkit's."""
    import compileall

    import prepkit

    compileall.compile_dir(str(Path(prepkit.__file__).parent), quiet=1)


def main() -> None:
    compile_bytecode()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median); default 5")
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        help="rows to run: startup first_question questionnaires report stores hostile",
    )
    args = parser.parse_args()
    steps = ["startup", "first_question", "questionnaires", "report", "stores", "hostile"]
    with tempfile.TemporaryDirectory(prefix="prepkit-bench-") as tmp:
        bench = Bench(args.runs, Path(tmp))
        print(f"Machine: {machine()}; {args.runs} runs per figure\n")
        for step in steps:
            if args.only is None or step in args.only:
                getattr(bench, step)()
        print("| measurement | prepkit | baseline | target | result |")
        print("|---|---|---|---|---|")
        for row in bench.rows:
            print(f"| {row.what} | {row.figure} | {row.baseline} | {row.target} | {row.verdict} |")


if __name__ == "__main__":
    main()
