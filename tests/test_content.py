"""The bundled content: questionnaires, resource library and example answers (issue #3).

These tests hold the content to the issue's bar (counts, help, evidence, resources, skip logic,
weights with recorded reasons, the Knowledge Lab list) and score the example answers, checking the
package's numbers against an independent reading of the spec's scoring rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import run_prepkit
from prepkit.content.answers import load_answers
from prepkit.content.applicability import applicability
from prepkit.content.models import Answer
from prepkit.content.questionnaire import bundled_dir, load_library, load_questionnaire
from prepkit.scoring import score

REPO = Path(__file__).resolve().parents[1]
QUESTIONNAIRES = REPO / "questionnaires"
EXAMPLES = REPO / "examples"
LIBRARY_FILE = QUESTIONNAIRES / "resources.yaml"

MINIMUMS = {  # questionnaire id: (domains, scored questions, profile questions, critical questions)
    "active-assailant": (10, 100, 6, 5),
    "mass-demonstration": (6, 45, 0, 5),
    # issue 13: critical only where lives depend on it; in a review process that is a few safeguards
    "after-action-review": (6, 40, 2, 2),
    "mass-critical-incident": (8, 60, 2, 5),
}

# The Knowledge Lab "Mass Critical Incident Response" listing, as recorded in
# research/toolkit-facts.md section 4.1: title, type, year and topic tags exactly as listed.
KNOWLEDGE_LAB = {
    "Elements of an Effective Active Shooter Course": (
        "Guidebook/Tool",
        2025,
        ["Mass Critical Incident Response", "Training and Education"],
    ),
    "Critical Incident Preparedness Toolkit: Assessing Capacity to Respond to Active Assailant Events": (
        "Guidebook/Tool",
        2025,
        ["Mass Critical Incident Response"],
    ),
    "Dispatching Community Responders to 911 Calls": (
        "Report",
        2023,
        ["Community Trust and Partnerships", "Mental Health and Crisis Response"],
    ),
    "POST Guidelines: Crowd Management, Intervention and Control": (
        "Guidebook/Tool",
        2022,
        ["Mass Critical Incident Response", "Mass Demonstration Response"],
    ),
    "Protest Preparedness: Analyzing Crowd Dynamics, Threat Actors, and Intelligence": (
        "Article",
        2021,
        ["Response to Mass Demonstrations", "Responding to Mass Critical Incidents"],
    ),
    "How to Conduct an After-Action Review": (
        "Guidebook/Tool",
        2020,
        ["Mass Critical Incident Response", "Mass Demonstration Response"],
    ),
    "Crowd Management": (
        "Guidebook/Tool, Policy",
        2019,
        ["Mass Critical Incident Response", "Mass Demonstration Response"],
    ),
    "Campus Protests and Demonstrations: The Role of Emergency Management": (
        "Report",
        2018,
        ["Response to Mass Demonstrations", "Responding to Mass Critical Incidents"],
    ),
}
KNOWLEDGE_LAB_PAGE = "https://leknowledgelab.org/mass-critical-incident-response"
MIRROR_HOSTS = (
    "docslib",
    "paperzz",
    "docsbay",
    "pdfslide",
    "readkong",
    "documentcloud",
    "scribd",
    "businessdocbox",
    "documentine",
)


def questionnaire_paths() -> list[Path]:
    return sorted(p for p in QUESTIONNAIRES.glob("*.yaml") if p.name != "resources.yaml")


@pytest.fixture(scope="module")
def questionnaires():
    return {q.id: q for q in (load_questionnaire(p) for p in questionnaire_paths())}


@pytest.fixture(scope="module")
def library():
    return load_library(LIBRARY_FILE)


def raw_entries(path: Path) -> list[str]:
    """The text of each `- id:` block of a file, to check the comments next to values."""
    text = path.read_text(encoding="utf-8")
    return re.split(r"\n(?=\s*- id: )", text)


# ---------------------------------------------------------------------------------- questionnaires


def test_bundled_folder_is_this_one():
    assert bundled_dir().resolve() == QUESTIONNAIRES.resolve()
    assert {p.stem for p in questionnaire_paths()} == set(MINIMUMS)


@pytest.mark.parametrize("qid", sorted(MINIMUMS))
def test_counts(questionnaires, qid):
    q = questionnaires[qid]
    domains, questions, profile, critical = MINIMUMS[qid]
    assert len(q.domains) >= domains
    assert q.question_count() >= questions
    assert len(q.profile) >= profile
    assert sum(question.critical for _, question in q.questions()) >= critical


@pytest.mark.parametrize("qid", sorted(MINIMUMS))
def test_every_question_has_help_evidence_and_a_resource(questionnaires, qid):
    q = questionnaires[qid]
    for domain, question in q.questions():
        assert question.help and len(question.help) >= 40, question.id
        assert question.evidence, question.id
        assert q.resources_for(domain, question), question.id
        assert question.id.startswith(domain.id + "-"), question.id


@pytest.mark.parametrize("qid", sorted(MINIMUMS))
def test_questions_read_as_one_plain_question(questionnaires, qid):
    for _, question in questionnaires[qid].questions():
        text = question.text
        assert text.endswith("?") and text.count("?") == 1, question.id
        assert "and/or" not in text and ";" not in text, question.id
        assert len(text) <= 140, question.id
        # a double question usually reads "Does the agency have X and does it Y"
        assert not re.search(r"\band (does|is|are|has|have|do|can)\b", text, re.I), question.id


@pytest.mark.parametrize("qid", sorted(MINIMUMS))
def test_scales_and_levels(questionnaires, qid):
    q = questionnaires[qid]
    capacity = q.scales["capacity"]
    assert [o.value for o in capacity] == [0, 1, 2, 3]
    assert all(o.description for o in capacity)
    assert q.default_scale == "capacity"
    levels = {level.id: level for level in q.levels}
    assert [level.min for level in q.levels] == [0, 40, 70, 90]
    assert levels["established"].requires_critical and levels["advanced"].requires_critical
    for level in q.levels:  # the summary explains each level's name and threshold
        assert level.label in q.summary
        if level.min:
            assert str(int(level.min)) in q.summary


@pytest.mark.parametrize("qid", sorted(MINIMUMS))
def test_critical_questions_are_heavy_and_cannot_be_hidden(questionnaires, qid):
    for _, question in questionnaires[qid].questions():
        if question.critical:
            assert question.weight >= 2, question.id
            assert question.na is False, question.id  # N/A must never hide a life-saving gap (issue 13)


# A reason names its source: a research source key (S##), a named framework, or "[INF]" for our own
# judgement where the research has nothing (issue 13: every weight and critical flag says why, with its source).
SOURCE = re.compile(
    r"research|\bS\d|\[INF\]|user-requests|HSEEP|NFPA|IACP|IAB|IAFC|PERF|Hartford|OVC|NCCPS|Uvalde|POST|fema-cpg"
)


def reason_for(lines: list[str], index: int) -> str:
    """The comment on a line, or the block of comment lines directly above it (same question)."""
    line = lines[index]
    inline = line.split("#", 1)[1] if "#" in line else ""
    above = []
    j = index - 1
    while j >= 0 and lines[j].strip().startswith("#"):
        above.append(lines[j].strip().lstrip("#"))
        j -= 1
    if not above:  # a critical flag's reason usually sits above the weight line next to it
        j = index - 1
        while j >= 0 and re.match(r"\s*(weight|critical|na):", lines[j]):
            if "#" in lines[j]:
                above.append(lines[j].split("#", 1)[1])
            j -= 1
        while j >= 0 and lines[j].strip().startswith("#"):
            above.append(lines[j].strip().lstrip("#"))
            j -= 1
    return (inline + " " + " ".join(reversed(above))).strip()


@pytest.mark.parametrize("path", questionnaire_paths(), ids=lambda p: p.stem)
def test_every_weight_other_than_one_records_its_reason(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"\s*weight:\s*([0-9.]+)\s*(#.*)?$", line)
        if match and float(match.group(1)) != 1:
            reason = reason_for(lines, index)
            assert len(reason) > 10, f"{path.name}:{index + 1} weight without a reason"
            assert SOURCE.search(reason), f"{path.name}:{index + 1} weight reason names no source"


@pytest.mark.parametrize("path", questionnaire_paths(), ids=lambda p: p.stem)
def test_every_critical_flag_records_its_reason(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(r"\s*critical:\s*true", line):
            reason = reason_for(lines, index)
            assert "critical" in reason.lower() and len(reason) > 40, (
                f"{path.name}:{index + 1} critical without a reason"
            )
            assert SOURCE.search(reason), f"{path.name}:{index + 1} critical reason names no source"


def test_policy_questions_refuse_na(questionnaires):
    for qid in ("leadership-written-policy", "leadership-immediate-action", "training-annual-refresher"):
        question = next(x for _, x in questionnaires["active-assailant"].questions() if x.id == qid)
        assert question.na is False, qid
    question = next(x for _, x in questionnaires["mass-demonstration"].questions() if x.id == "rights-written-policy")
    assert question.na is False


def choices(**picked: str) -> dict[str, Answer]:
    return {k.replace("_", "-"): Answer(kind="choice", choice=v) for k, v in picked.items()}


def test_small_rural_agency_is_not_asked_about_assets_it_cannot_have(questionnaires):
    q = questionnaires["active-assailant"]
    rural = choices(
        agency_type="municipal",
        agency_size="under-25",
        has_k12_schools="no",
        has_campus="no",
        has_large_venues="no",
        tactical_team="none",
        dispatch_center="another-agency",
        trauma_center_nearby="yes",
    )
    applies = applicability(q, rural)
    skipped = {qid for qid, ok in applies.items() if not ok}
    assert {
        "soft-targets-school-access",
        "soft-targets-campus-plan",
        "soft-targets-venue-plans",
        "tactical-team-response-time",
        "tactical-team-joint-training",
        "medical-tactical-medics",
        "command-tactical-handover",
        "communications-call-protocol",
        "communications-call-surge",
        "training-instructors",
        "medical-air-transport",
    } <= skipped
    assert applies["tactical-no-team-plan"] and applies["communications-dispatch-agreement"]
    # every critical question still applies to the smallest agency
    for _, question in q.questions():
        if question.critical:
            assert applies[question.id], question.id
    assert sum(applies[x.id] for _, x in q.questions()) >= 100


def test_demonstration_skip_logic(questionnaires):
    q = questionnaires["mass-demonstration"]
    small = dict(
        agency_size="under-25",
        demonstration_frequency="rarely",
        has_campus="no",
        field_force="none",
        crowd_weapons_at_events="none",
        state_crowd_law="no",
        body_worn_cameras="no",
    )
    applies = applicability(q, choices(**small))
    assert not applies["tactics-munitions-targeting"] and not applies["accountability-body-cameras"]
    assert not applies["command-field-force-squads"] and not applies["planning-campus"]
    assert applies["communications-dispersal-order"] and applies["tactics-medical-aid"]
    # issue 13: "rarely" does not hide long events; no field force gets a scored follow-up; small
    # agencies are asked who leads an event beyond their means
    assert applies["command-long-events"] and applies["readiness-refresher-before-events"]
    assert applies["command-no-field-force-plan"] and applies["command-outside-command"]
    # an agency that carries no munitions is still asked the targeting and warning rules when mutual aid
    # units may bring them, but not about its own officers' certification
    applies = applicability(q, choices(**{**small, "crowd_weapons_at_events": "mutual-aid-only"}))
    assert applies["tactics-munitions-targeting"] and applies["tactics-warnings"]
    assert applies["tactics-decontamination"] and not applies["tactics-weapons-certified"]


# ---------------------------------------------------------------------------------- resources


def test_library_size_and_fields(library):
    assert len(library) >= 35
    for rid, resource in library.items():
        assert resource.title and resource.publisher and resource.type and resource.summary, rid
        assert resource.topics, rid
        sentences = re.findall(r"[.!?](?:\s|$)", resource.summary.strip())
        assert 1 <= len(sentences) <= 2, rid


def test_urls_are_wellformed_https_and_not_mirrors(library):
    for rid, resource in library.items():
        url = urlparse(resource.url)
        assert url.scheme == "https" and url.netloc and "." in url.netloc, rid
        assert not any(host in url.netloc for host in MIRROR_HOSTS), rid
        assert not re.search(r"\s", resource.url), rid


def test_missing_years_are_explained():
    data = yaml.safe_load(LIBRARY_FILE.read_text(encoding="utf-8"))
    blocks = {
        re.search(r"- id: (\S+)", b).group(1): b for b in raw_entries(LIBRARY_FILE) if re.search(r"- id: (\S+)", b)
    }
    for entry in data["resources"]:
        if "year" not in entry:
            assert "No year:" in blocks[entry["id"]], entry["id"]


def test_knowledge_lab_entries_exactly_as_listed(library):
    by_title = {r.title: r for r in library.values()}
    for title, (kind, year, topics) in KNOWLEDGE_LAB.items():
        resource = by_title[title]
        assert (resource.type, resource.year, resource.topics) == (kind, year, topics), title
    # entries whose own page was not found point at the listing page, and say why in a comment
    blocks = raw_entries(LIBRARY_FILE)
    for block in blocks:
        if KNOWLEDGE_LAB_PAGE in block:
            assert "#" in block.split("url:")[0], block.splitlines()[0]


def test_every_resource_is_used(questionnaires, library):
    used: set[str] = set()
    for q in questionnaires.values():
        for domain, question in q.questions():
            used.update(domain.resources, question.resources)
    assert set(library) - used == set()


# ---------------------------------------------------------------------------------- examples

EXAMPLE_FILES = {
    "county-sheriff-answers.yaml": ("active-assailant", "Riverbend County Sheriff's Office"),
    "riverbend-pd-demonstration-answers.yaml": ("mass-demonstration", "Riverbend Police Department"),
    "riverbend-pd-after-action-review-answers.yaml": ("after-action-review", "Riverbend Police Department"),
    "county-sheriff-mass-critical-incident-answers.yaml": (
        "mass-critical-incident",
        "Riverbend County Sheriff's Office",
    ),
}


def spec_score(q, answers):
    """Spec section 3, written out independently of prepkit.scoring."""
    applies = applicability(q, answers)
    overall_num = overall_den = 0.0
    all_critical_met = True
    domain_scores = {}
    for domain in q.domains:
        num = den = 0.0
        critical_met = True
        for question in domain.questions:
            answer = answers.get(question.id)
            if not applies[question.id] or (answer is not None and answer.kind == "na"):
                continue
            options = [o.value for o in q.scale_of(question)]
            lo, hi = min(options), max(options)
            credit = (answer.value - lo) / (hi - lo) if answer is not None and answer.kind == "value" else 0.0
            num += question.weight * credit
            den += question.weight
            if question.critical and credit < 1:
                critical_met = False
        if den:
            domain_scores[domain.id] = (100 * num / den, critical_met)
            overall_num += domain.weight * 100 * num / den
            overall_den += domain.weight
            all_critical_met &= critical_met
    return domain_scores, overall_num / overall_den, all_critical_met


def level_of(q, value, critical_met):
    best = q.levels[0].id
    for level in q.levels:
        if level.min <= value + 1e-9 and (critical_met or not level.requires_critical):
            best = level.id
    return best


@pytest.mark.parametrize("name", sorted(EXAMPLE_FILES))
def test_example_answers_score(name):
    qid, agency = EXAMPLE_FILES[name]
    sheet = load_answers(EXAMPLES / name)
    assert sheet.questionnaire.id == qid and sheet.agency == agency
    q = sheet.questionnaire
    card = score(q, sheet.answers)
    assert card.complete and not card.missing
    # every applicable question is answered, and nothing else is
    applies = applicability(q, sheet.answers)
    assert set(sheet.answers) == {k for k, ok in applies.items() if ok}
    # a realistic mix of answers
    kinds = [a.kind for k, a in sheet.answers.items() if k not in {p.id for p in q.profile}]
    values = [a.value for a in sheet.answers.values() if a.kind == "value"]
    assert 1 <= kinds.count("na") <= 3
    assert kinds.count("unknown") >= 1
    assert values.count(0) >= 3 and sum(v in (1, 2, 3) for v in values) > len(values) * 0.7
    assert sum(1 for a in sheet.answers.values() if a.note or a.evidence) >= 4
    # the package's numbers agree with the spec written out here
    domains, overall, critical_met = spec_score(q, sheet.answers)
    assert card.score == pytest.approx(overall)
    assert card.level == level_of(q, overall, critical_met)
    for d in card.domains:
        value, met = domains[d.id]
        assert d.score == pytest.approx(value)
        assert d.level == level_of(q, value, met)
    # a critical gap keeps these agencies below Established whatever their average
    assert card.level in ("foundational", "developing")
    assert any(gap.critical for gap in card.gaps)
    assert card.gaps[0].critical


def test_example_scores_through_the_cli():
    for name in EXAMPLE_FILES:
        result = run_prepkit("score", str(EXAMPLES / name), "--json", cwd=REPO)
        assert result.returncode == 0, result.stderr
        assert '"complete": true' in result.stdout


def test_validate_all_content_through_the_cli():
    files = [str(p) for p in [*questionnaire_paths(), LIBRARY_FILE, *sorted(EXAMPLES.glob("*.yaml"))]]
    result = run_prepkit("validate", *files, cwd=REPO)
    assert result.returncode == 0, result.stderr + result.stdout
