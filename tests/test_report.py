"""The capacity report: numbers equal `score --json`, the PDF's text, metadata and structure, and safety."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from conftest import FIXTURES, PACK, run_prepkit
from prepkit.content.answers import load_answers
from prepkit.content.models import Answer
from prepkit.history.compare import compare, comparison_json
from prepkit.report import render_report_html, write_report
from prepkit.report.context import ResourceView, build_context
from prepkit.report.html import template_dirs
from prepkit.report.loading import load_subject
from prepkit.report.pdf import local_path, make_fetcher, render_pdf
from prepkit.results.gate import questionnaire_of
from prepkit.results.model import Result, new_result
from prepkit.results.store import Store
from prepkit.scoring import score, scorecard_json

HOSTILE = FIXTURES / "report" / "hostile"
MARKING = "LAW ENFORCEMENT SENSITIVE"


def mini_result(**changes: object) -> Result:
    """The fixture pack's answers as an unsaved result; changes replace answers by question id."""
    sheet = load_answers(PACK / "answers.yaml")
    answers = dict(sheet.answers)
    for qid, value in changes.items():
        if value is None:
            answers.pop(qid, None)
        else:
            assert isinstance(value, Answer)
            answers[qid] = value
    q = sheet.questionnaire
    return new_result(q, sheet.agency, sheet.respondent, answers, complete=score(q, answers).complete, date=sheet.date)


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


@pytest.fixture(scope="module")
def mini_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "mini.pdf"
    write_report(mini_result(), out, marking=MARKING)
    return out


def test_pdf_text_has_agency_scores_levels_first_gap_and_resources(mini_pdf: Path) -> None:
    text = "\n".join(pdf_text(mini_pdf))
    data = scorecard_json(
        questionnaire_of(mini_result()), score(questionnaire_of(mini_result()), mini_result().answers), "x"
    )
    assert "Test Town Police Department" in text
    assert f"{data['overall']['score']:.1f}" == "68.5" and "68.5" in text
    for domain in data["domains"]:
        assert f"{domain['score']:.1f}" in text
    assert "Developing" in text  # the overall and domain level label, not its id
    first_gap = data["gaps"][0]["question"]
    assert first_gap == "planning-policy"
    assert "Is there a written active assailant policy?" in text
    # A resource title with '&' prints as '&', never as an escaped entity.
    assert "A Mini Guide & Checklist" in text
    assert "&amp;" not in text


def test_marking_on_every_page_and_page_numbers(mini_pdf: Path) -> None:
    pages = pdf_text(mini_pdf)
    assert 4 <= len(pages) <= 10
    for number, text in enumerate(pages, start=1):
        assert text.count(MARKING) >= 2, f"page {number} lacks the marking in header and footer"
        assert f"Page {number} of {len(pages)}" in text


def test_metadata_language_and_structure_tree(mini_pdf: Path) -> None:
    reader = pypdf.PdfReader(mini_pdf)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Mini Readiness Check: Test Town Police Department"
    assert meta.author == "Test Town Police Department"
    assert "Mini Readiness Check" in (meta.subject or "")
    assert meta.creation_date is not None
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"].value is True
    tree = root["/StructTreeRoot"].get_object()
    kinds = set()

    def walk(node: object, depth: int = 0) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                if depth < 60:
                    walk(kid, depth + 1)

    walk(tree)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert b"pdfuaid" in xmp.stream.get_data()


def test_pdfa_variant(tmp_path: Path) -> None:
    out = write_report(mini_result(), tmp_path / "a.pdf", pdfa=True)
    reader = pypdf.PdfReader(out)
    xmp = reader.xmp_metadata
    assert xmp is not None
    data = xmp.stream.get_data()
    assert b'pdfaid:part="3"' in data or b"<pdfaid:part>3</pdfaid:part>" in data
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_report_file_is_private(mini_pdf: Path) -> None:
    assert mini_pdf.stat().st_mode & 0o777 == 0o600


def test_every_number_equals_score_json(tmp_path: Path) -> None:
    proc = run_prepkit("score", str(PACK / "answers.yaml"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    html = render_report_html(mini_result())
    for domain in data["domains"]:
        title = {"planning": "Planning", "schools": "Schools"}[domain["id"]]
        row = re.search(rf'<th scope="row">{title}</th><td class="num">([^<]+)</td><td>([^<]+)</td>', html)
        assert row is not None
        assert row.group(1) == f"{domain['score']:.1f}"
        assert row.group(2) == "Developing" and domain["level"] == "developing"
    overall = re.search(r'<span class="score-number">([^<]+)</span>', html)
    assert overall is not None and overall.group(1) == f"{data['overall']['score']:.1f}"
    ranked = re.findall(r'<p class="gap-question">(\d+)\. (?:<span class="tag">Critical</span> )?([^<]+)</p>', html)
    assert len(ranked) == len(data["gaps"])
    texts = {
        "planning-policy": "Is there a written active assailant policy?",
        "schools-drills": "Did officers drill in a school this year?",
    }
    assert ranked == [(str(rank), texts[g["question"]]) for rank, g in enumerate(data["gaps"], start=1)]


def test_gain_is_the_exact_rescored_difference() -> None:
    # Spec section 3 by hand: planning (weight 2) = 100*(2*2/3 + 1)/3, schools = 100*(1 + 0)/2.
    planning, schools = 100 * (2 * 2 / 3 + 1) / 3, 50.0
    overall = (2 * planning + schools) / 3
    gains = {g.question_id: g.gain for g in build_context(mini_result()).gaps}
    assert gains["planning-policy"] == f"{(2 * 100 + schools) / 3 - overall:+.1f}" == "+14.8"
    assert gains["schools-drills"] == f"{(2 * planning + 100) / 3 - overall:+.1f}" == "+16.7"


def test_gain_leaves_out_follow_up_questions_it_would_open() -> None:
    # schools-drills applies only when schools-maps is 2 or 3; with maps at 1 closing it opens drills.
    result = mini_result(**{"schools-maps": Answer(kind="value", value=1), "schools-drills": None})
    gap = next(g for g in build_context(result).gaps if g.question_id == "schools-maps")
    planning = 100 * (2 * 2 / 3 + 1) / 3
    before = (2 * planning + 100 / 3) / 3
    assert gap.opens == 1
    assert gap.gain == f"{(2 * planning + 100) / 3 - before:+.1f}"


def test_na_answers_have_their_own_section_with_reasons() -> None:
    result = mini_result(**{"planning-review": Answer(kind="na", note="No council review cycle <yet>")})
    html = render_report_html(result)
    section = html.split('id="na"', 1)[1].split("</section>", 1)[0]
    assert "Was the policy reviewed in the last year?" in section
    assert "No council review cycle &lt;yet&gt;" in section
    no_reason = render_report_html(mini_result(**{"planning-review": Answer(kind="na")}))
    assert "No reason given" in no_reason


def _saved(store: Store, q_answers: dict[str, Answer], date: dt.date) -> Result:
    base = mini_result()
    q = questionnaire_of(base)
    result = new_result(q, base.agency, base.respondent, q_answers, complete=score(q, q_answers).complete, date=date)
    store.save(result)
    return result


def test_comparison_and_trend_from_the_store(tmp_path: Path, hermetic: Path) -> None:
    store = Store(hermetic)
    base = mini_result().answers
    worse = {**base, "planning-policy": Answer(kind="value", value=0)}
    better = {**base, "schools-drills": Answer(kind="value", value=3)}
    first = _saved(store, worse, dt.date(2024, 5, 1))
    _saved(store, {**base, "planning-review": Answer(kind="value", value=0)}, dt.date(2025, 5, 1))
    before = _saved(store, base, dt.date(2026, 5, 1))
    latest = _saved(store, better, dt.date(2026, 11, 25))
    out = tmp_path / "cmp.html"
    proc = run_prepkit("report", latest.id, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    html = out.read_text()
    q = questionnaire_of(latest)
    expected = comparison_json(compare(q, score(q, before.answers), q, score(q, latest.answers)))
    assert "Change since 2026-05-01" in html
    assert expected["closed_gaps"] == ["schools-drills"]
    closed = html.split("Closed gaps (1)", 1)[1].split("</ul>", 1)[0]
    assert "Did officers drill in a school this year?" in closed
    changes = html.split("<h3>Changed answers</h3>", 1)[1].split("<h3>Trend</h3>", 1)[0]
    assert changes.count("Did officers drill in a school this year?") == 1  # closed, so not again as improved
    overall = re.search(
        r'<th scope="row">Overall</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td>'
        r'<td class="num delta-up">([^<]+)</td>',
        html,
    )
    assert overall is not None
    assert overall.groups() == (
        f"{expected['overall']['before']:.1f}",
        f"{expected['overall']['after']:.1f}",
        f"{expected['overall']['delta']:+.1f}",
    )
    trend = html.split("<h3>Trend</h3>", 1)[1]
    for date in ("2024-05-01", "2025-05-01", "2026-05-01", "2026-11-25"):
        assert f'<th scope="row">{date}</th>' in trend
    first_overall = scorecard_json(q, score(q, first.answers), first.agency)["overall"]["score"]
    assert f'<th scope="row">2024-05-01</th><td class="num">{first_overall:.1f}</td>' in trend


def test_compare_to_none_and_a_named_result(tmp_path: Path, hermetic: Path) -> None:
    store = Store(hermetic)
    base = mini_result().answers
    older = _saved(store, {**base, "planning-policy": Answer(kind="value", value=0)}, dt.date(2025, 1, 1))
    latest = _saved(store, base, dt.date(2026, 11, 25))
    none = tmp_path / "none.html"
    assert run_prepkit("report", latest.id, "-o", str(none), "--compare-to", "none").returncode == 0
    assert 'id="comparison"' not in none.read_text()
    named = tmp_path / "named.html"
    proc = run_prepkit("report", str(store.path_of(latest.id)), "-o", str(named), "--compare-to", older.id)
    assert proc.returncode == 0, proc.stderr
    assert "Change since 2025-01-01" in named.read_text()


def test_hostile_content_prints_as_text_and_fetches_nothing(tmp_path: Path) -> None:
    result = load_subject(str(HOSTILE / "answers.yaml"), Store(tmp_path / "store"))
    html = render_report_html(result, marking='<img src="file:///etc/passwd">')
    assert "<img src" not in html and "<script" not in html and '<link rel="attachment"' not in html
    assert "<h1>Injected</h1>" not in html and "<style>@import" not in html
    assert "{{ 7 * 7 }}" in html  # user text is data, never template source
    fetcher = make_fetcher(template_dirs())
    messages: list[str] = []
    pdf = render_pdf(html, template_dirs(), fetcher=fetcher, messages=messages)
    assert fetcher.refused == []
    bundled = template_dirs()[0].resolve()
    assert fetcher.served and all(local_path(url, [bundled]) for url in fetcher.served)
    out = tmp_path / "hostile.pdf"
    out.write_bytes(pdf)
    reader = pypdf.PdfReader(out)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert '<img src="file:///etc/passwd"> see http://127.0.0.1:9/x.png' in text
    assert "Town <img" in text and "Guide & Checklist <for>" in text
    assert "root:x:0:0" not in text
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert b"root:x:0:0" not in pdf
    assert not messages, messages


def test_fetcher_refuses_everything_outside_the_template_folders(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0 secret")
    (brand / "escape.txt").symlink_to(secret)
    roots = [brand.resolve()]
    assert local_path((brand / "logo.svg").as_uri(), roots) == (brand / "logo.svg").resolve()
    for url in [
        secret.as_uri(),
        (brand / "escape.txt").as_uri(),
        (brand / ".." / "secret.txt").as_uri(),
        "http://127.0.0.1:9/x.png",
        "data:text/plain,hi",
        "file://otherhost" + str(brand / "logo.svg"),
        (brand / "missing.png").as_uri(),
        "file:///dev/zero",
    ]:
        assert local_path(url, roots) is None, url


def test_branded_template_cannot_read_outside_its_folder(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(template_dirs()[0], brand, ignore=shutil.ignore_patterns("fonts"))
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0 secret")
    (brand / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
        '<rect width="40" height="10" fill="navy"/></svg>'
    )
    cover = (brand / "_cover.html.j2").read_text()
    cover = cover.replace(
        '<p class="cover-kicker">',
        f'<img src="logo.svg" alt="Agency logo">'
        f'<img src="{secret.as_uri()}" alt="secret"><link rel="attachment" href="{secret.as_uri()}">'
        '<p class="cover-kicker">Branded · ',
    )
    (brand / "_cover.html.j2").write_text(cover)
    html = render_report_html(mini_result(), template_dir=brand)
    fetcher = make_fetcher(template_dirs(brand))
    messages: list[str] = []
    pdf = render_pdf(html, template_dirs(brand), fetcher=fetcher, messages=messages)
    assert secret.as_uri() in fetcher.refused
    assert (brand / "logo.svg").resolve().as_uri() in fetcher.served
    assert any(url.endswith("fonts/DejaVuSans.ttf") for url in fetcher.served)  # fonts still come from ours
    assert b"root:x:0:0" not in pdf
    out = tmp_path / "brand.pdf"
    out.write_bytes(pdf)
    assert "BRANDED" in pdf_text(out)[0]


def test_pages_render_to_png(mini_pdf: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(mini_pdf), str(tmp_path / "page")], check=True, timeout=60)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(pypdf.PdfReader(mini_pdf).pages)
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 1000 for p in pngs)


def test_answer_provenance_is_shown_per_question() -> None:
    result = mini_result().model_copy(
        update={"provenance": {"planning-policy": "carried", "planning-review": "reverified"}}
    )
    html = render_report_html(result)
    findings = html.split('id="domains"', 1)[1]

    def item(qid: str) -> str:
        """The findings list item that names question qid."""
        at = findings.index(f" · {qid}")
        return findings[findings.rindex("<li", 0, at) : findings.index("</li>", at)]

    assert "carried over, not reviewed" in item("planning-policy")
    assert "re-verified" in item("planning-review")
    assert "carried over" not in item("schools-maps")


def test_resources_are_cited_by_short_title_and_listed_in_full() -> None:
    title = "IS-100.c: Introduction to the Incident Command System"
    view = ResourceView("fema-is-100", title, "FEMA", 2019, None, None, None)
    assert view.short_title == "IS-100.c"
    assert ResourceView("x", "Stop the Bleed", None, None, None, None, None).short_title == "Stop the Bleed"
    assert ResourceView("x", ": odd", None, None, None, None, None).short_title == ": odd"
    html = render_report_html(mini_result())
    plan = html.split('id="actions"', 1)[1].split("</section>", 1)[0]
    resources = html.split('id="resources"', 1)[1]
    assert "Resources: A Mini Guide &amp; Checklist" in plan
    assert '<p class="res-title">A Mini Guide &amp; Checklist</p>' in resources


def test_strongest_and_weakest_domains_and_the_critical_gap_counts() -> None:
    result = mini_result()
    context = build_context(result)
    # planning 100 * (2 * 2/3 + 1) / 3 = 77.8, schools 50.0
    assert [d.id for d in context.strongest] == ["planning"]
    assert [d.id for d in context.weakest] == ["schools"]
    card = score(questionnaire_of(result), result.answers)
    critical = [g.question for g in card.gaps if g.critical]
    assert critical and len(critical) < len(card.gaps)  # some gaps are not critical: the count must tell
    assert context.critical_gaps == len(critical)
    per_domain = {d.id: (d.gaps, d.critical_gaps) for d in context.domains}
    assert per_domain == {
        d.id: (sum(g.domain == d.id for g in card.gaps), sum(g.domain == d.id and g.critical for g in card.gaps))
        for d in card.domains
    }
    html = render_report_html(result)
    figure = f'<span class="kf-value">{len(critical)}</span><span class="kf-label">Critical gaps</span>'
    assert figure in html


def test_a_trend_needs_three_results_two_are_a_comparison() -> None:
    base = mini_result()
    earlier = [
        mini_result(**{"planning-policy": Answer(kind="value", value=v)}).model_copy(
            update={"date": dt.date(2024 + i, 5, 1)}
        )
        for i, v in enumerate((0, 1))
    ]
    assert build_context(base, history=earlier[1:]).trend is None
    trend = build_context(base, history=earlier).trend
    assert trend is not None and trend.dates == ["2024-05-01", "2025-05-01", base.date.isoformat()]
