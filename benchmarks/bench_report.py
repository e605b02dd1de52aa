"""Benchmark: the capacity report of the largest questionnaire, with a comparison and a trend.

Measures, in one run, prepkit's whole render (view-model, Jinja, WeasyPrint with the locked-down
fetcher and PDF/UA) against a bare WeasyPrint render of the same HTML, and reports medians of wall
clock and CPU time (compare CPU time on a shared machine). Targets: at most 2 s median, at most 1.3
times the bare render. As a floor for this machine it also renders the report's words as plain
paragraphs (same font and page rules, no structure): no layout of this content can be faster.

    .venv/bin/python benchmarks/bench_report.py [--runs 7] [--questionnaire PATH]

Without --questionnaire it uses questionnaires/active-assailant.yaml when present, else a synthetic
questionnaire of 12 domains and 120 questions (the size of the largest bundled one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from prepkit.content.applicability import applicability
from prepkit.content.models import Answer, Questionnaire
from prepkit.content.questionnaire import load_questionnaire
from prepkit.results.model import Result, new_result

REPO = Path(__file__).resolve().parents[1]


def synthetic_pack(folder: Path, domains: int = 12, per_domain: int = 10) -> Path:
    """A questionnaire the size of the largest bundled one, with resources, help and skip logic."""
    resources = [
        {
            "id": f"res-{i}",
            "title": f"Guide {i}: planning & response <checklist>",
            "publisher": "Agency",
            "year": 2020 + i % 5,
            "type": "Guidebook/Tool",
            "topics": ["Mass Critical Incident Response"],
            "url": f"https://example.org/guide-{i}",
            "summary": "A guide to one part of the response.",
        }
        for i in range(30)
    ]
    doms = []
    for d in range(domains):
        questions = []
        for n in range(per_domain):
            question = {
                "id": f"d{d}-q{n}",
                "text": f"Does the agency have capability {n} of domain {d}, "
                "written down, trained and exercised with its partners?",
                "help": "Look for a signed document and a record of the last exercise.",
                "evidence": ["signed policy", "exercise after-action report"],
                "critical": n == 0,
                "weight": 1 + n % 3,
                "resources": [f"res-{(d * 3 + n) % 30}"],
            }
            if n == per_domain - 1:
                question["when"] = {f"d{d}-q0": [2, 3]}
            questions.append(question)
        doms.append(
            {
                "id": f"domain-{d}",
                "title": f"Domain {d}: incident command and coordination",
                "summary": "What this domain covers, in one sentence.",
                "weight": 1 + d % 2,
                "resources": [f"res-{d}"],
                "questions": questions,
            }
        )
    q = {
        "format": 1,
        "id": "synthetic-large",
        "version": "1.0",
        "title": "Active Assailant Response Capacity",
        "summary": "A synthetic questionnaire as large as the largest bundled one.",
        "default_scale": "capacity",
        "scales": {
            "capacity": [
                {"value": 0, "label": "Not in place"},
                {"value": 1, "label": "Planned"},
                {"value": 2, "label": "Partially in place"},
                {"value": 3, "label": "Fully in place"},
            ]
        },
        "levels": [
            {"id": "foundational", "label": "Foundational", "min": 0},
            {"id": "developing", "label": "Developing", "min": 40},
            {"id": "established", "label": "Established", "min": 70, "requires_critical": True},
            {"id": "advanced", "label": "Advanced", "min": 90, "requires_critical": True},
        ],
        "domains": doms,
    }
    (folder / "resources.yaml").write_text(yaml.safe_dump({"format": 1, "resources": resources}, sort_keys=False))
    path = folder / "synthetic-large.yaml"
    path.write_text(yaml.safe_dump(q, sort_keys=False))
    return path


def random_result(q: Questionnaire, seed: int, date: dt.date, before: Result | None = None) -> Result:
    """A complete result; after a first one, about a quarter of the answers change, mostly for the better."""
    rng = random.Random(seed)
    answers: dict[str, Answer] = {}
    for profile in q.profile:
        answers[profile.id] = Answer(kind="choice", choice=profile.choices[0].id)
    for _, question in q.questions():
        if not applicability(q, answers)[question.id]:
            continue
        values = sorted(o.value for o in q.scale_of(question))
        kept = before.answers.get(question.id) if before else None
        roll = rng.random()
        if kept is not None and roll < 0.75:
            answers[question.id] = kept
        elif kept is not None and kept.kind == "value" and kept.value is not None and roll < 0.95:
            step = 1 if rng.random() < 0.8 else -1
            index = max(0, min(len(values) - 1, values.index(kept.value) + step))
            answers[question.id] = Answer(kind="value", value=values[index], note="Updated after the exercise.")
        elif roll < 0.05 and question.na:
            answers[question.id] = Answer(kind="na", note="No such facility in the jurisdiction.")
        elif roll < 0.08:
            answers[question.id] = Answer(kind="unknown")
        else:
            answers[question.id] = Answer(
                kind="value",
                value=rng.choice(values),
                note="Reviewed with the training unit." if roll > 0.7 else None,
                evidence="Policy 4.12, signed 2025" if roll > 0.85 else None,
            )
    return new_result(q, "Example County Sheriff's Office", "Capt. Example", answers, complete=True, date=date)


def series_of(q: Questionnaire, count: int = 3) -> list[Result]:
    results: list[Result] = []
    for i in range(count):
        results.append(random_result(q, i, dt.date(2024 + i, 3, 1), results[-1] if results else None))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--questionnaire", type=Path)
    args = parser.parse_args()

    from prepkit.report import render_report_html, write_report
    from prepkit.report.html import template_dirs
    from prepkit.report.pdf import load_weasyprint

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bundled = REPO / "questionnaires" / "active-assailant.yaml"
        path = args.questionnaire or (bundled if bundled.is_file() else synthetic_pack(folder))
        q = load_questionnaire(path)
        series = series_of(q)
        after, history = series[-1], series[:-1]
        print(
            f"questionnaire {q.id} {q.version}: {len(q.domains)} domains, {q.question_count()} questions "
            f"({path.name}); comparison with {history[-1].date}, trend of {len(series)}"
        )

        weasyprint = load_weasyprint()  # import once, outside the timings, as both sides need it
        from weasyprint.text.fonts import FontConfiguration

        from prepkit.report.pdf import ACCESSIBLE_VARIANT

        html = render_report_html(after, compare_to=history[-1], history=history)
        plain = plain_text_document(html)
        base_url = template_dirs()[0].as_uri() + "/"

        def bare(source: str, variant: str | None) -> int:
            document = weasyprint.HTML(string=source, base_url=base_url).render(
                font_config=FontConfiguration(), pdf_variant=variant
            )
            document.write_pdf(pdf_variant=variant)
            return len(document.pages)

        jobs: dict[str, Callable[[], object]] = {
            "prepkit": lambda: write_report(after, folder / "report.pdf", compare_to=history[-1], history=history),
            "bare": lambda: bare(html, ACCESSIBLE_VARIANT),
            "bare-untagged": lambda: bare(html, None),
            "plain-text": lambda: bare(plain, ACCESSIBLE_VARIANT),
        }
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
        pages: dict[str, object] = {}
        for _ in range(args.runs):
            for name, job in jobs.items():
                wall, cpu = time.perf_counter(), time.process_time()
                pages[name] = job()
                timings[name].append((time.perf_counter() - wall, time.process_time() - cpu))
        print(f"pages: {pages['bare']} (plain text: {pages['plain-text']}); {args.runs} runs; medians")
        print(f"  {'':14} {'wall':>8}  {'CPU':>8}")
        medians = {
            name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            for name, runs in timings.items()
        }
        for name, (wall, cpu) in medians.items():
            print(f"  {name:14} {wall:6.3f} s  {cpu:6.3f} s")
        ratio = medians["prepkit"][1] / medians["bare"][1]
        print(f"ratio prepkit / bare WeasyPrint with the same PDF/UA options, CPU: {ratio:.2f} (target <= 1.30)")
        print(
            f"absolute: {medians['prepkit'][0]:.3f} s wall, {medians['prepkit'][1]:.3f} s CPU (target <= 2.0 s); "
            f"plain-text floor {medians['plain-text'][1]:.3f} s CPU"
        )
        return 0 if ratio <= 1.3 else 1


def plain_text_document(html: str) -> str:
    """The report's visible words as plain paragraphs of about 80 words, with the report's fonts and pages."""
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    css = style.group(1) if style else ""
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S))
    words = text.split()
    paragraphs = "".join(f"<p>{' '.join(words[i : i + 80])}</p>" for i in range(0, len(words), 80))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Plain text</title>'
        f"<style>{css}</style></head><body>{paragraphs}</body></html>"
    )


if __name__ == "__main__":
    sys.exit(main())
