"""Spec section 3: worked examples computed by hand, and properties on generated questionnaires."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prepkit.content.answers import resolve_answers
from prepkit.content.models import Answer, Questionnaire
from prepkit.scoring import level_for, score, scorecard_json


def make_q(
    domains: list[dict],
    *,
    scale: list[dict] | None = None,
    levels: list[dict] | None = None,
    profile: list[dict] | None = None,
) -> Questionnaire:
    return Questionnaire.model_validate(
        {
            "format": 1,
            "id": "t",
            "version": "1",
            "title": "T",
            "scales": {
                "s": scale
                or [
                    {"value": 0, "label": "None"},
                    {"value": 1, "label": "Some"},
                    {"value": 2, "label": "Most"},
                    {"value": 3, "label": "All"},
                ]
            },
            "levels": levels
            or [
                {"id": "low", "label": "Low", "min": 0},
                {"id": "mid", "label": "Mid", "min": 50},
                {"id": "top", "label": "Top", "min": 80, "requires_critical": True},
            ],
            "profile": profile or [],
            "domains": domains,
        }
    )


def value(v: float) -> Answer:
    return Answer(kind="value", value=v)


NA = Answer(kind="na")
UNKNOWN = Answer(kind="unknown")


def test_worked_example_weights_na_unknown_and_unanswered() -> None:
    q = make_q(
        [
            {
                "id": "a",
                "title": "A",
                "weight": 2,
                "questions": [
                    {"id": "a1", "text": "?", "weight": 3},  # value 2 -> 2/3
                    {"id": "a2", "text": "?", "critical": True},  # value 3 -> 1
                    {"id": "a3", "text": "?"},  # N/A -> not counted
                ],
            },
            {
                "id": "b",
                "title": "B",
                "questions": [
                    {"id": "b1", "text": "?"},  # unknown -> 0
                    {"id": "b2", "text": "?", "weight": 2},  # unanswered -> 0
                    {"id": "b3", "text": "?"},  # value 1 -> 1/3
                ],
            },
        ]
    )
    card = score(q, {"a1": value(2), "a2": value(3), "a3": NA, "b1": UNKNOWN, "b3": value(1)})
    # A: (3 * 2/3 + 1 * 1) / (3 + 1) = 3/4 -> 75.0; B: (0 + 0 + 1/3) / 4 = 1/12 -> 8.333...
    a, b = card.domains
    assert a.score == pytest.approx(75.0)
    assert b.score == pytest.approx(100 / 12)
    # overall: (2 * 75 + 1 * 8.333) / 3 = 52.777...
    assert card.score == pytest.approx((2 * 75 + 100 / 12) / 3)
    assert (a.counted, a.na, b.counted) == (2, 1, 3)
    assert card.complete is False and card.missing == ["b2"]
    assert (a.level, b.level, card.level) == ("mid", "low", "mid")
    # gaps: priority = w_q * W_d * (1 - c) * (2 if critical): a1 3*2*(1/3)=2; b2 2*1*1=2; b1 1; b3 2/3
    assert [(g.question, round(g.priority, 3)) for g in card.gaps] == [
        ("a1", 2.0),
        ("b2", 2.0),
        ("b1", 1.0),
        ("b3", 0.667),
    ]
    data = scorecard_json(q, card, "Agency")
    assert data["overall"] == {"score": 52.8, "level": "mid"}
    assert [g["answer"] for g in data["gaps"]] == ["Most", None, "unknown", "Some"]
    assert data["domains"][1] == {"id": "b", "score": 8.3, "level": "low", "counted": 3, "na": 0, "not_applicable": 0}


def test_scale_whose_lowest_value_is_not_zero() -> None:
    scale = [{"value": 1, "label": "Poor"}, {"value": 3, "label": "Fair"}, {"value": 5, "label": "Good"}]
    q = make_q(
        [{"id": "d", "title": "D", "questions": [{"id": "q1", "text": "?"}, {"id": "q2", "text": "?"}]}], scale=scale
    )
    card = score(q, {"q1": value(3), "q2": value(1)})
    # credit (3-1)/(5-1) = 0.5 and 0 -> 25.0
    assert card.domains[0].score == pytest.approx(25.0)
    assert [g.credit for g in card.gaps] == [0.0, 0.5]  # q2 first: higher priority


def test_negative_and_fractional_scale_values() -> None:
    scale = [{"value": -1, "label": "Worse"}, {"value": 0.5, "label": "Same"}, {"value": 2, "label": "Better"}]
    q = make_q([{"id": "d", "title": "D", "questions": [{"id": "q1", "text": "?"}]}], scale=scale)
    assert score(q, {"q1": value(0.5)}).score == pytest.approx(50.0)


def test_level_with_fractional_min_and_critical_gating() -> None:
    levels = [
        {"id": "l0", "label": "L0", "min": 0},
        {"id": "l1", "label": "L1", "min": 66.6},
        {"id": "l2", "label": "L2", "min": 66.7, "requires_critical": True},
    ]
    q = make_q(
        [
            {
                "id": "d",
                "title": "D",
                "questions": [
                    {"id": "q1", "text": "?", "critical": True},
                    {"id": "q2", "text": "?"},
                    {"id": "q3", "text": "?"},
                ],
            }
        ],
        levels=levels,
    )
    # 2/3 = 66.666..: reaches 66.6 but not 66.7
    card = score(q, {"q1": value(3), "q2": value(3), "q3": value(0)})
    assert card.domains[0].level == "l1"
    # (2/3 + 1 + 1) / 3 = 88.9 reaches 66.7, but critical q1 at 2/3 keeps the level at l1
    card = score(q, {"q1": value(2), "q2": value(3), "q3": value(3)})
    assert card.domains[0].score == pytest.approx(800 / 9)
    assert card.domains[0].level == "l1" and card.level == "l1"


def test_exact_threshold_is_reached_despite_float_noise() -> None:
    levels = [{"id": "l0", "label": "L0", "min": 0}, {"id": "l1", "label": "L1", "min": 70}]
    q = make_q(
        [{"id": "d", "title": "D", "questions": [{"id": f"q{i}", "text": "?", "weight": 0.1} for i in range(10)]}],
        scale=[{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}],
        levels=levels,
    )
    card = score(q, {f"q{i}": value(1 if i < 7 else 0) for i in range(10)})
    assert card.domains[0].level == "l1"


def test_domain_not_assessed_and_overall_of_the_rest() -> None:
    q = make_q(
        [
            {"id": "a", "title": "A", "weight": 5, "questions": [{"id": "a1", "text": "?"}]},
            {"id": "b", "title": "B", "questions": [{"id": "b1", "text": "?"}]},
        ]
    )
    card = score(q, {"a1": NA, "b1": value(3)})
    assert card.domains[0].score is None and card.domains[0].level is None
    assert card.score == pytest.approx(100.0)
    data = scorecard_json(q, card, "X")
    assert data["domains"][0]["score"] is None and data["domains"][0]["level"] is None


def test_nothing_assessed_overall_is_null() -> None:
    q = make_q([{"id": "a", "title": "A", "questions": [{"id": "a1", "text": "?"}]}])
    data = scorecard_json(q, score(q, {"a1": NA}), "X")
    assert data["overall"] == {"score": None, "level": None}
    assert data["complete"] is True


def test_not_applicable_questions_are_not_counted_and_not_gaps() -> None:
    q = make_q(
        [
            {
                "id": "d",
                "title": "D",
                "resources": [],
                "questions": [{"id": "q1", "text": "?"}, {"id": "q2", "text": "?", "when": {"has": "yes"}}],
            }
        ],
        profile=[{"id": "has", "text": "?", "choices": ["yes", "no"]}],
    )
    card = score(q, {"has": Answer(kind="choice", choice="no"), "q1": value(3)})
    assert card.domains[0].not_applicable == 1 and card.domains[0].counted == 1
    assert card.gaps == [] and card.complete is True


def test_condition_on_na_unknown_or_unanswered_does_not_hold() -> None:
    q = make_q(
        [
            {
                "id": "d",
                "title": "D",
                "questions": [{"id": "q1", "text": "?"}, {"id": "q2", "text": "?", "when": {"q1": [0, 1, 2, 3]}}],
            }
        ]
    )
    for first in (NA, UNKNOWN, None):
        answers = {"q1": first} if first else {}
        card = score(q, answers)
        assert card.questions[1].status == "not-applicable"


def test_condition_chain_through_a_question_that_does_not_apply() -> None:
    q = make_q(
        [
            {
                "id": "d",
                "title": "D",
                "questions": [
                    {"id": "q2", "text": "?", "when": {"p": "yes"}},
                    {"id": "q3", "text": "?", "when": {"q2": "All"}},
                ],
            }
        ],
        profile=[{"id": "p", "text": "?", "choices": ["yes", "no"]}],
    )
    resolved = resolve_answers(q, {"p": "yes", "q2": "all", "q3": 1})
    assert score(q, resolved).questions[1].status == "answered"
    card = score(q, {"p": Answer(kind="choice", choice="no"), "q2": value(3)})
    assert [s.status for s in card.questions] == ["not-applicable", "not-applicable"]


def test_gap_resources_fall_back_to_the_domain() -> None:
    q = make_q(
        [
            {
                "id": "d",
                "title": "D",
                "resources": ["dom"],
                "questions": [{"id": "q1", "text": "?", "resources": ["own"]}, {"id": "q2", "text": "?"}],
            }
        ]
    )
    card = score(q, {"q1": value(0), "q2": value(0)})
    assert {g.question: g.resources for g in card.gaps} == {"q1": ["own"], "q2": ["dom"]}


def test_level_for_takes_the_highest_reached() -> None:
    q = make_q([{"id": "d", "title": "D", "questions": [{"id": "q", "text": "?"}]}])
    assert level_for(q.levels, 79.99, True).id == "mid"
    assert level_for(q.levels, 80, True).id == "top"
    assert level_for(q.levels, 95, False).id == "mid"


# --- properties -----------------------------------------------------------------------------------

SCALE_VALUES = [0, 1, 2, 3]


@st.composite
def questionnaires(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, Answer]]:
    n_domains = draw(st.integers(1, 4))
    weights = st.sampled_from([0.5, 1, 2, 3])
    domains = []
    answers: dict[str, Answer] = {}
    for d in range(n_domains):
        questions = []
        for k in range(draw(st.integers(1, 5))):
            qid = f"d{d}-q{k}"
            questions.append({"id": qid, "text": "?", "weight": draw(weights), "critical": draw(st.booleans())})
            choice = draw(st.sampled_from(["v0", "v1", "v2", "v3", "na", "unknown", "none"]))
            if choice.startswith("v"):
                answers[qid] = value(int(choice[1]))
            elif choice == "na":
                answers[qid] = NA
            elif choice == "unknown":
                answers[qid] = UNKNOWN
        domains.append({"id": f"d{d}", "title": f"D{d}", "weight": draw(weights), "questions": questions})
    return make_q(domains), answers


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(questionnaires())
def test_every_score_is_between_0_and_100(case: tuple[Questionnaire, dict[str, Answer]]) -> None:
    q, answers = case
    card = score(q, answers)
    for s in [card.score, *(d.score for d in card.domains)]:
        assert s is None or 0 <= s <= 100
    assert all(0 <= g.credit < 1 for g in card.gaps)


@FAST
@given(questionnaires(), st.data())
def test_raising_an_answer_never_lowers_scores(
    case: tuple[Questionnaire, dict[str, Answer]], data: st.DataObject
) -> None:
    q, answers = case
    raisable = [qid for qid, a in answers.items() if a.kind == "value" and a.value is not None and a.value < 3]
    if not raisable:
        return
    qid = data.draw(st.sampled_from(raisable))
    old_value = answers[qid].value
    assert old_value is not None
    higher = {**answers, qid: value(data.draw(st.integers(int(old_value) + 1, 3)))}
    before, after = score(q, answers), score(q, higher)
    domain = qid.split("-")[0]
    old_d = next(d for d in before.domains if d.id == domain)
    new_d = next(d for d in after.domains if d.id == domain)
    assert new_d.score is not None and old_d.score is not None
    assert new_d.score >= old_d.score - 1e-9
    assert after.score is not None and before.score is not None
    assert after.score >= before.score - 1e-9


@FAST
@given(questionnaires(), st.data())
def test_na_is_the_same_as_deleting_the_question(
    case: tuple[Questionnaire, dict[str, Answer]], data: st.DataObject
) -> None:
    q, answers = case
    ids = [question.id for _, question in q.questions()]
    qid = data.draw(st.sampled_from(ids))
    with_na = score(q, {**answers, qid: NA})
    dump = q.model_dump()
    for domain in dump["domains"]:
        domain["questions"] = [x for x in domain["questions"] if x["id"] != qid]
    dump["domains"] = [d for d in dump["domains"] if d["questions"]]
    if not dump["domains"]:
        assert with_na.score is None or all(d.score is None for d in with_na.domains if d.counted == 0)
        return
    deleted = score(Questionnaire.model_validate(dump), {k: v for k, v in answers.items() if k != qid})
    assert _close(with_na.score, deleted.score)
    assert with_na.level == deleted.level
    remaining = {d.id: d.score for d in deleted.domains}
    for d in with_na.domains:
        if d.id in remaining:
            assert _close(d.score, remaining[d.id])
    assert [g.question for g in with_na.gaps] == [g.question for g in deleted.gaps]


@FAST
@given(questionnaires(), st.randoms(use_true_random=False))
def test_reordering_domains_keeps_the_overall_score(case: tuple[Questionnaire, dict[str, Answer]], rnd: object) -> None:
    q, answers = case
    dump = q.model_dump()
    rnd.shuffle(dump["domains"])  # type: ignore[attr-defined]
    shuffled = score(Questionnaire.model_validate(dump), answers)
    original = score(q, answers)
    assert _close(original.score, shuffled.score)
    assert original.level == shuffled.level


@FAST
@given(st.lists(st.floats(0, 100), min_size=2, max_size=2), st.booleans())
def test_a_level_never_rises_when_a_score_falls(scores: list[float], criticals_met: bool) -> None:
    q = make_q([{"id": "d", "title": "D", "questions": [{"id": "q", "text": "?"}]}])
    low, high = sorted(scores)
    order = [level.id for level in q.levels]
    assert order.index(level_for(q.levels, low, criticals_met).id) <= order.index(
        level_for(q.levels, high, criticals_met).id
    )


@FAST
@given(questionnaires(), st.data())
def test_level_never_rises_when_an_answer_falls(
    case: tuple[Questionnaire, dict[str, Answer]], data: st.DataObject
) -> None:
    q, answers = case
    lowerable = [qid for qid, a in answers.items() if a.kind == "value" and a.value]
    if not lowerable:
        return
    qid = data.draw(st.sampled_from(lowerable))
    lower = {**answers, qid: value(0)}
    order = [level.id for level in q.levels]
    before, after = score(q, answers), score(q, lower)
    assert before.level is not None and after.level is not None
    assert order.index(after.level) <= order.index(before.level)


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))


def test_overall_threshold_is_reached_despite_the_float_noise_of_weighted_domains() -> None:
    # Domain scores 1/6 and 8/9 with weights 2 and 3: exactly 60, computed as 59.999999999999986.
    q = make_q(
        [
            {
                "id": "a",
                "title": "A",
                "weight": 2,
                "questions": [{"id": "a1", "text": "?"}, {"id": "a2", "text": "?"}],
            },
            {
                "id": "b",
                "title": "B",
                "weight": 3,
                "questions": [{"id": f"b{i}", "text": "?"} for i in range(3)],
            },
        ],
        levels=[{"id": "low", "label": "Low", "min": 0}, {"id": "sixty", "label": "Sixty", "min": 60}],
    )
    card = score(q, {"a1": value(1), "a2": value(0), "b0": value(2), "b1": value(3), "b2": value(3)})
    assert card.score is not None and card.score < 60  # the noise this test is about
    assert card.score == pytest.approx(60)
    assert card.level == "sixty"
    assert scorecard_json(q, card, "X")["overall"] == {"score": 60.0, "level": "sixty"}


def test_gaps_of_equal_priority_keep_questionnaire_order_despite_float_noise() -> None:
    # 0.3 * 1 is 0.3 but 0.1 * 3 is 0.30000000000000004: the same priority, so a1 (first) stays first.
    q = make_q(
        [
            {"id": "a", "title": "A", "weight": 1, "questions": [{"id": "a1", "text": "?", "weight": 0.3}]},
            {"id": "b", "title": "B", "weight": 3, "questions": [{"id": "b1", "text": "?", "weight": 0.1}]},
        ]
    )
    card = score(q, {"a1": value(0), "b1": value(0)})
    priorities = {g.question: g.priority for g in card.gaps}
    assert priorities["a1"] < priorities["b1"]  # the noise this test is about
    assert [g.question for g in card.gaps] == ["a1", "b1"]


def test_a_critical_question_in_a_gap_doubles_its_priority_and_is_marked() -> None:
    q = make_q(
        [
            {
                "id": "d",
                "title": "D",
                "weight": 2,
                "questions": [
                    {"id": "plain", "text": "?", "weight": 1.5},
                    {"id": "crit", "text": "?", "critical": True},
                ],
            }
        ]
    )
    card = score(q, {"plain": value(1), "crit": value(1)})
    # both at credit 1/3: plain 1.5 * 2 * 2/3 = 2; crit 1 * 2 * 2/3 * 2 = 8/3, so crit ranks first
    assert [(g.question, g.critical) for g in card.gaps] == [("crit", True), ("plain", False)]
    assert [g.priority for g in card.gaps] == [pytest.approx(8 / 3), pytest.approx(2.0)]
    gaps = scorecard_json(q, card, "X")["gaps"]
    assert isinstance(gaps, list)
    assert [(g["question"], g["critical"], g["priority"]) for g in gaps] == [
        ("crit", True, 2.667),
        ("plain", False, 2.0),
    ]


def test_shown_score_and_format_score_are_the_one_rounding() -> None:
    from prepkit.scoring import format_score, shown_score

    assert shown_score(None) is None
    assert shown_score(63.449) == 63.4 and shown_score(63.45000001) == 63.5
    assert str(shown_score(-0.04)) == "0.0"  # never -0.0
    assert format_score(None) == "—" and format_score(None, missing="not assessed") == "not assessed"
    assert format_score(59.999999999999986) == "60.0"
    assert [format_score(v, signed=True) for v in (1.25, -0.4, -0.04, 0.0)] == ["+1.2", "-0.4", "±0.0", "±0.0"]
