"""Comparing two assessments (spec 5): question matching, the five lists, deltas, and the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import run_prepkit
from prepkit.content.models import Answer, Questionnaire, content_hash
from prepkit.history.compare import Delta, compare, comparison_json, match_questions
from prepkit.results.store import Store
from prepkit.scoring import score
from resultkit import V2_ANSWERS, save_result


def questionnaire(version: str, domains: dict[str, list[dict[str, Any]]]) -> Questionnaire:
    q = Questionnaire.model_validate(
        {
            "format": 1,
            "id": "t",
            "version": version,
            "title": "T",
            "default_scale": "s",
            "scales": {"s": [{"value": 0, "label": "No"}, {"value": 1, "label": "Half"}, {"value": 2, "label": "Yes"}]},
            "levels": [{"id": "low", "label": "Low", "min": 0}],
            "domains": [{"id": d, "title": d.title(), "questions": qs} for d, qs in domains.items()],
        }
    )
    q._content_hash = content_hash(q, q.library)
    return q


def answers(**values: int | str) -> dict[str, Answer]:
    out = {}
    for qid, value in values.items():
        key = qid.replace("_", "-")
        out[key] = Answer(kind=value) if isinstance(value, str) else Answer(kind="value", value=value)
    return out


def run(
    before_q: Questionnaire, before: dict[str, Answer], after_q: Questionnaire, after: dict[str, Answer]
) -> dict[str, Any]:
    return comparison_json(compare(before_q, score(before_q, before), after_q, score(after_q, after)))


def test_same_id_wins_over_a_replaces_that_names_it() -> None:
    before = questionnaire("1", {"d": [{"id": "a", "text": "A"}, {"id": "x", "text": "X"}]})
    after = questionnaire("2", {"d": [{"id": "b", "text": "B", "replaces": ["a", "x"]}, {"id": "a", "text": "A"}]})
    assert match_questions(before, after) == {"a": "a", "b": "x"}


def test_each_before_question_is_matched_once_through_replaces() -> None:
    before = questionnaire("1", {"d": [{"id": "old", "text": "O"}]})
    after = questionnaire(
        "2",
        {"d": [{"id": "n1", "text": "1", "replaces": ["gone", "old"]}, {"id": "n2", "text": "2", "replaces": ["old"]}]},
    )
    assert match_questions(before, after) == {"n1": "old"}


def test_the_five_lists_follow_the_spec() -> None:
    ids = ["up", "down", "close", "open", "same", "na-now", "na-then", "na-both", "renamed", "fresh", "fresh-na"]
    before = questionnaire(
        "1",
        {"d": [{"id": i, "text": i} for i in ids[:8]] + [{"id": "old-name", "text": "o"}, {"id": "gone", "text": "g"}]},
    )
    after = questionnaire(
        "2",
        {
            "d": [{"id": i, "text": i} for i in ids[:8]]
            + [
                {"id": "renamed", "text": "r", "replaces": ["old-name"]},
                {"id": "fresh", "text": "f"},
                {"id": "fresh-na", "text": "f"},
            ]
        },
    )
    then = answers(up=0, down=1, close=1, open=2, same=1, na_now=1, na_then="na", na_both="na", old_name=0, gone=2)
    now = answers(
        up=1, down=0, close=2, open=1, same=1, na_now="na", na_then=2, na_both="na", renamed=2, fresh=0, fresh_na="na"
    )
    data = run(before, then, after, now)
    assert data["improved"] == ["up", "close", "renamed"]
    assert data["regressed"] == ["down", "open"]
    assert data["closed_gaps"] == ["close", "renamed"]
    assert data["new_gaps"] == ["open"]
    assert data["not_comparable"] == ["na-now", "na-then", "fresh"]
    assert data["removed"] == ["gone"]


def test_unknown_and_unanswered_count_as_zero_and_stay_comparable() -> None:
    q = questionnaire("1", {"d": [{"id": "a", "text": "a"}, {"id": "b", "text": "b"}]})
    data = run(q, answers(a="unknown"), q, answers(a=2, b="unknown"))
    assert data["improved"] == ["a"] and data["closed_gaps"] == ["a"]
    assert data["not_comparable"] == [] and data["regressed"] == []


def test_domains_keep_after_order_and_null_without_a_score() -> None:
    before = questionnaire(
        "1", {"x": [{"id": "a", "text": "a"}], "y": [{"id": "b", "text": "b"}], "old": [{"id": "c", "text": "c"}]}
    )
    after = questionnaire(
        "2", {"y": [{"id": "b", "text": "b"}], "x": [{"id": "a", "text": "a"}], "new": [{"id": "d", "text": "d"}]}
    )
    data = run(before, answers(a=1, b="na", c=2), after, answers(a=2, b=2, d=1))
    assert data["domains"] == [
        {"id": "y", "before": None, "after": 100.0, "delta": None},
        {"id": "x", "before": 50.0, "after": 100.0, "delta": 50.0},
        {"id": "new", "before": None, "after": 50.0, "delta": None},
    ]
    assert data["removed"] == ["c"]


def test_shown_delta_is_the_difference_of_the_shown_scores_and_never_negative_zero() -> None:
    assert Delta(before=60.04, after=70.06).shown() == (60.0, 70.1, 10.1)
    before, after, delta = Delta(before=50.02, after=49.98).shown()
    assert (before, after, delta) == (50.0, 50.0, 0.0) and str(delta) == "0.0"
    assert Delta(before=None, after=3.0).shown() == (None, 3.0, None)


EXPECTED = {
    "overall": {"before": 68.5, "after": 77.8, "delta": 9.3},
    "domains": [
        {"id": "planning", "before": 77.8, "after": 83.3, "delta": 5.5},
        {"id": "schools", "before": 50.0, "after": 66.7, "delta": 16.7},
    ],
    "improved": ["planning-policy"],
    "regressed": ["schools-maps"],
    "closed_gaps": ["planning-policy"],
    "new_gaps": ["schools-maps"],
    "not_comparable": ["planning-training"],
    "removed": ["schools-drills"],
}


@pytest.fixture
def two_versions(hermetic: Path) -> tuple[str, str]:
    """Version 2 renames planning-review, adds planning-training and removes schools-drills."""
    store = Store(hermetic)
    first, _ = save_result(store)
    second, _ = save_result(store, V2_ANSWERS)
    return first.id, second.id


@pytest.mark.parametrize("refs", ["ids", "paths", "relative"])
def test_compare_json_across_questionnaire_versions(two_versions: tuple[str, str], hermetic: Path, refs: str) -> None:
    before, after = two_versions
    if refs == "paths":
        before, after = (str(hermetic / "results" / f"{i}.json") for i in two_versions)
    elif refs == "relative":
        before, after = "previous", "latest"
    proc = run_prepkit("compare", before, after, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == EXPECTED


def test_compare_in_the_terminal_names_every_change(two_versions: tuple[str, str]) -> None:
    proc = run_prepkit("compare", *two_versions)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Overall: 68.5 → 77.8 (+9.3), Developing → Established" in out
    for expected in (
        "Improved (1)",
        "Regressed (1)",
        "Gaps closed (1)",
        "New gaps (1)",
        "Not comparable (counted on one side only) (1)",
        "Removed from the questionnaire (1)",
        "planning-annual-review (was planning-review): Yes → Yes",
        "schools-drills: Did officers drill in a school this year? — was unknown",
    ):
        assert expected in out
    assert "Partially in place → Fully in place" in out


def test_compare_reports_missing_results_as_usage_errors(hermetic: Path) -> None:
    proc = run_prepkit("compare", "previous", "latest")
    assert proc.returncode == 2 and "no 'previous' result" in proc.stderr and "Traceback" not in proc.stderr
