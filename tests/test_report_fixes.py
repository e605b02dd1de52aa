"""Report defects fixed in issue 16: levels' meaning, charts, URLs, color-only meaning, change counts,
question help in the appendix, local times, and the shorter action plan."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from conftest import REPO
from prepkit.content.answers import load_answers
from prepkit.content.models import Answer
from prepkit.report import charts, render_report_html
from prepkit.report.context import LEAD_GAIN_ITEMS, build_context, local_time_text
from prepkit.report.html import breakable_url
from prepkit.results.model import Result, new_result
from prepkit.results.store import Store
from prepkit.scoring import score
from test_report import mini_result

EXAMPLE = REPO / "examples" / "county-sheriff-answers.yaml"


@pytest.fixture(scope="module")
def example() -> Result:
    sheet = load_answers(EXAMPLE)
    q = sheet.questionnaire
    return new_result(
        q, sheet.agency, sheet.respondent, sheet.answers, complete=score(q, sheet.answers).complete, date=sheet.date
    )


def test_every_level_has_a_meaning(example: Result) -> None:
    html = render_report_html(example)
    table = html.split('class="data levels"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><th scope=\"row\">[^<]+</th><td[^>]*>[^<]*</td><td>[^<]*</td><td>([^<]*)</td></tr>", table)
    assert len(cells) == 4 and all(len(cell.strip()) > 20 for cell in cells)


def test_chart_labels_wrap_instead_of_being_cut_off() -> None:
    titles = [
        "Risk Assessment, Planning and Mutual Aid",
        "Medical Integration, Rescue and Bleeding Control",
        "Investigation, After-Action Review and Learning",
        "Crowd Management, Facilitation and Protection of First Amendment Activity",
    ]
    bars = charts.domain_bars([(t, 50.0) for t in titles], [("Developing", 40), ("Advanced", 90)])
    for title, bar in zip(titles, bars.bars, strict=True):
        assert " ".join(bar.lines) == title  # every word, none cut
        for line in bar.lines:
            assert charts.text_width(line, charts.LABEL_SIZE) <= charts.LABEL_WIDTH
    ys = [b.y for b in bars.bars]
    assert all(later - earlier >= bars.bar_height for earlier, later in itertools.pairwise(ys))


def test_close_thresholds_get_separate_label_rows() -> None:
    bars = charts.domain_bars([("A", 95.0)], [("Established", 70), ("Proficient", 90.21), ("Advanced", 100)])
    placed = sorted(bars.thresholds, key=lambda t: t.x)
    for a, b in itertools.pairwise(placed):
        half = (charts.text_width(a.label, charts.THRESHOLD_SIZE) + charts.text_width(b.label, 8)) / 2
        assert a.label_y != b.label_y or b.label_x - a.label_x >= half, (a, b)
    for t in placed:
        assert t.label_x + charts.text_width(t.label, charts.THRESHOLD_SIZE) / 2 <= charts.WIDTH
        assert t.label_y < bars.plot_top  # labels above the plot, never among the bars


def test_threshold_lines_pass_behind_value_labels(example: Result) -> None:
    svg = render_report_html(example).split('aria-labelledby="dom-chart-title', 1)[1].split("</svg>", 1)[0]
    last_line = svg.rfind('stroke-dasharray="3,2"')
    first_backing = svg.find('fill="#ffffff"')
    assert 0 <= last_line < first_backing  # white backings (and values) are drawn after the dashed lines


def test_urls_break_after_the_host_and_at_slashes_only() -> None:
    marked = str(breakable_url("https://www.example.gov/a-long-path/file.pdf?x=<1>&y=2"))
    pieces = re.findall(r'<span class="nobr">([^<]*)</span>', marked)
    assert pieces == ["https://", "www.example.gov/", "a-long-path/", "file.pdf", "?x=&lt;1&gt;", "&amp;y=2"]
    assert marked == "<wbr>".join(f'<span class="nobr">{p}</span>' for p in pieces)  # breaks only between
    assert "<1>" not in marked  # still escaped
    html = render_report_html(mini_result())
    assert re.search(r'<a class="url" href="[^"]+"><span class="nobr">https://</span><wbr>', html)
    css = (REPO / "reports" / "templates" / "report.css").read_text()
    assert ".url .nobr { white-space: nowrap; }" in css and ".url { word-break: break-all" not in css


def test_critical_is_a_word_not_only_a_color(example: Result) -> None:
    html = render_report_html(example)
    plan = html.split('id="actions"', 1)[1].split("</section>", 1)[0]
    critical_items = re.findall(r'<li class="critical">.*?</li>', plan, re.S)
    assert critical_items and all('<span class="tag">Critical</span>' in item for item in critical_items)
    css = (REPO / "reports" / "templates" / "report.css").read_text()
    assert ".plan li.critical .gap-facts" not in css  # no longer set entirely in red
    assert re.search(r"\.gap-facts \{[^}]*font-size: 8\.5pt[^}]*color: var\(--ink\)", css)


def test_action_plan_leads_with_critical_and_high_gain_then_groups_by_domain(example: Result) -> None:
    context = build_context(example)
    critical = [g for g in context.gaps if g.critical]
    assert all(g in context.lead for g in critical)
    assert len(context.lead) <= len(critical) + LEAD_GAIN_ITEMS
    rest = [g for group in context.grouped for g in group.gaps]
    assert sorted(g.rank for g in [*context.lead, *rest]) == list(range(1, len(context.gaps) + 1))
    best_left = max((g.gain_value for g in rest), default=0)
    assert all(g.gain_value >= best_left for g in context.lead if not g.critical)
    html = render_report_html(example)
    plan = html.split('id="actions"', 1)[1].split("</section>", 1)[0]
    assert not any(g.question_id in plan for g in context.gaps)  # no slug on every item
    assert plan.count('class="owner-due"') == len(context.lead)


def test_change_counts_match_the_lists(hermetic: Path) -> None:
    store = Store(hermetic)
    base = mini_result()
    worse = base.model_copy(
        update={
            "answers": {
                **base.answers,
                "planning-policy": Answer(kind="value", value=0),
                "schools-drills": Answer(kind="value", value=0),
            },
            "date": dt.date(2025, 1, 1),
        }
    )
    better = base.model_copy(
        update={
            "answers": {
                **base.answers,
                "planning-policy": Answer(kind="value", value=1),
                "schools-drills": Answer(kind="value", value=3),
            }
        }
    )
    html = render_report_html(better, compare_to=worse)
    counts = html.split('class="change-counts">', 1)[1].split("</p>", 1)[0]
    assert " ".join(counts.split()).startswith("1 gap closed, 1 improved but still a gap, 0 new gaps, 0 regressed")
    assert "Closed gaps (1)" in html and "Improved, still a gap (1)" in html
    del store


def test_question_help_is_in_the_appendix(example: Result) -> None:
    html = render_report_html(example)
    appendix = html.split('id="guidance"', 1)[1]
    q = load_answers(EXAMPLE).questionnaire
    helps = [question.help for _, question in q.questions() if question.help]
    assert helps
    for text in helps[:5] + helps[-5:]:
        assert " ".join(text.split())[:60] in " ".join(appendix.replace("&#39;", "'").split())
    assert 'href="#guidance"' in html
    assert 'id="guidance"' not in render_report_html(example, audience="public")


def test_times_are_local(monkeypatch: pytest.MonkeyPatch) -> None:
    when = dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC)
    eastern = when.astimezone(dt.timezone(dt.timedelta(hours=-5), "EST"))
    assert local_time_text(eastern) == "2026-12-01 10:30 EST (UTC-05:00)"
    assert local_time_text(when) == "2026-12-01 15:30 (UTC)"
    import time

    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    try:
        context = build_context(mini_result(), now=when)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert context.generated_text == "2026-12-01 09:30 CST (UTC-06:00)"
    assert context.generated == "2026-12-01T09:30:00-06:00"


def test_html_report_has_landmarks_and_underlined_links(example: Result) -> None:
    html = render_report_html(example)
    body = html.split("<body>", 1)[1]
    assert body.count("<main>") == 1
    outside = re.sub(r"<header.*?</header>|<main>.*?</main>|<footer.*?</footer>", "", body, flags=re.S)
    assert re.sub(r"\s+", "", outside.replace("</body>", "").replace("</html>", "")) == ""
    css = (REPO / "reports" / "templates" / "report.css").read_text()
    assert "a { color: var(--accent); text-decoration: underline; }" in css
    assert "min-height: 24px" in css


def test_plain_summary_names_the_highest_levels_as_strengths(example: Result) -> None:
    plain = build_context(example).plain
    assert plain is not None and len(plain.strengths) == 3
    order = [level.label for level in build_context(example).levels]
    ranks = [(order.index(a.level), float(a.score)) for a in plain.strengths]
    assert ranks == sorted(ranks, key=lambda r: (-r[0], -r[1]))
    weakest = min((d for d in build_context(example).domains), key=lambda d: float(d.score))
    assert plain.priorities[0].title == weakest.title
    assert not {a.title for a in plain.strengths} & {a.title for a in plain.priorities}
