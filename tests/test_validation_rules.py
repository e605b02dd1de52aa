"""Every rule of spec 1.1 and 1.2, each with its exact message and position."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from prepkit.content.questionnaire import load_questionnaire
from prepkit.errors import ContentError

HEAD = """\
format: 1
id: t
version: "1"
title: T
scales:
  capacity:
    - {value: 0, label: Not in place}
    - {value: 3, label: Fully in place}
levels:
  - {id: low, label: Low, min: 0}
  - {id: high, label: High, min: 50, requires_critical: true}
"""
DOMAIN = """\
domains:
  - id: d
    title: D
    questions:
      - id: q1
        text: Q1?
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "q.yaml"
    path.write_text(textwrap.dedent(text))
    with pytest.raises(ContentError) as caught:
        load_questionnaire(path)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def test_valid_minimal_questionnaire_loads(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(HEAD + DOMAIN)
    q = load_questionnaire(path)
    assert [question.id for _, question in q.questions()] == ["q1"]
    assert q.content_hash.startswith("sha256r:")


@pytest.mark.parametrize(("bad_id", "line_col"), [("Bad_Id", "2:5"), ("a--b", "2:5"), ("-a", "2:5")])
def test_ids_must_be_slugs(tmp_path: Path, bad_id: str, line_col: str) -> None:
    text = (HEAD + DOMAIN).replace("id: t\n", f"id: '{bad_id}'\n")
    assert problems(tmp_path, text) == [
        f"{line_col}: id: '{bad_id}' is not a valid id: use lowercase letters, digits and single hyphens "
        "(like 'written-policy')"
    ]


def test_question_ids_unique_across_profile_and_domains(tmp_path: Path) -> None:
    text = HEAD + "profile:\n  - {id: q1, text: P?, choices: [yes, no]}\n" + DOMAIN
    assert problems(tmp_path, text) == ["18:13: duplicate question id 'q1'"]


def test_domain_ids_unique(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "  - id: d\n    title: Again\n    questions:\n      - {id: q2, text: Q2?}\n"
    assert problems(tmp_path, text) == ["18:9: duplicate domain id 'd'"]


def test_choice_ids_unique_within_question(tmp_path: Path) -> None:
    text = HEAD + "profile:\n  - {id: p, text: P?, choices: [yes, no, yes]}\n" + DOMAIN
    assert problems(tmp_path, text) == ["13:42: duplicate choice 'yes' in 'p'"]


def test_scale_needs_two_options(tmp_path: Path) -> None:
    text = HEAD.replace("    - {value: 3, label: Fully in place}\n", "") + DOMAIN
    assert problems(tmp_path, text) == ["7:5: scale 'capacity' needs at least two options"]


def test_scale_values_distinct(tmp_path: Path) -> None:
    text = HEAD.replace("value: 3", "value: 0") + DOMAIN
    assert problems(tmp_path, text) == ["8:15: value 0 appears twice in scale 'capacity'; values must differ"]


def test_scale_labels_distinct_ignoring_case(tmp_path: Path) -> None:
    text = HEAD.replace("label: Fully in place", "label: NOT IN PLACE") + DOMAIN
    assert problems(tmp_path, text) == [
        "8:25: label 'NOT IN PLACE' appears twice in scale 'capacity' (case is ignored)"
    ]


@pytest.mark.parametrize("label", ["na", "N/A", "Unknown"])
def test_reserved_labels(tmp_path: Path, label: str) -> None:
    text = HEAD.replace("label: Fully in place", f"label: '{label}'") + DOMAIN
    assert problems(tmp_path, text) == [
        f"8:25: '{label}' is reserved for answers (na, n/a, unknown); choose another label"
    ]


def test_scale_values_must_be_finite_numbers(tmp_path: Path) -> None:
    text = HEAD.replace("value: 3", "value: .nan") + DOMAIN
    assert problems(tmp_path, text) == ["8:15: value: nan: must be a finite number"]


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("0", "weight: 0 is out of range: must be greater than 0"),
        ("-2", "weight: -2 is out of range: must be greater than 0"),
        (".inf", "weight: inf: must be a finite number"),
        (".nan", "weight: nan: must be a finite number"),
        ("heavy", "weight: expected a number, got 'heavy'"),
    ],
)
def test_weights_finite_and_positive(tmp_path: Path, weight: str, message: str) -> None:
    text = HEAD + DOMAIN + f"        weight: {weight}\n"
    assert problems(tmp_path, text) == [f"18:17: {message}"]


def test_domain_weight_checked_too(tmp_path: Path) -> None:
    text = HEAD + DOMAIN.replace("    title: D\n", "    title: D\n    weight: -1\n")
    assert problems(tmp_path, text) == ["15:13: weight: -1 is out of range: must be greater than 0"]


def test_first_level_min_is_zero(tmp_path: Path) -> None:
    text = HEAD.replace("label: Low, min: 0", "label: Low, min: 10") + DOMAIN
    assert problems(tmp_path, text) == ["10:32: the first level must have min 0, not 10"]


def test_level_mins_strictly_ascend(tmp_path: Path) -> None:
    text = HEAD.replace("min: 50", "min: 0") + DOMAIN
    assert problems(tmp_path, text) == ["11:34: level mins must strictly ascend: 0 follows 0"]


def test_level_min_within_0_100(tmp_path: Path) -> None:
    text = HEAD.replace("min: 50", "min: 150") + DOMAIN
    assert problems(tmp_path, text) == ["11:34: min: 150 is out of range: must be at most 100"]


def test_unknown_keys_are_errors_with_suggestion(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "        wieght: 2\n"
    (line,) = problems(tmp_path, text)
    assert line.startswith("18:9: unknown key 'wieght' (did you mean 'weight'?); allowed: id, text, help,")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "titel: X\n"
    (line,) = problems(tmp_path, text)
    assert line.startswith("18:1: unknown key 'titel' (did you mean 'title'?)")


def test_missing_required_key(tmp_path: Path) -> None:
    text = (HEAD + DOMAIN).replace("title: T\n", "")
    assert problems(tmp_path, text) == ["1:1: missing required key 'title'"]


def test_all_errors_of_a_file_are_reported(tmp_path: Path) -> None:
    text = (HEAD + DOMAIN + "        weight: 0\n        wieght: 1\n").replace('version: "1"', "version: 1.0")
    found = problems(tmp_path, text)
    assert len(found) == 3
    assert [f.split(":")[0] for f in found] == ["3", "18", "19"]


def test_yaml_12_booleans_yes_no_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(
        HEAD + "profile:\n  - {id: p, text: P?, choices: [yes, no, on, off]}\n" + DOMAIN + "        when: {p: yes}\n"
    )
    q = load_questionnaire(path)
    assert [c.id for c in q.profile[0].choices] == ["yes", "no", "on", "off"]
    assert q.domains[0].questions[0].when == {"p": ["yes"]}


def test_unknown_default_scale(tmp_path: Path) -> None:
    text = HEAD.replace("scales:", "default_scale: capacty\nscales:") + DOMAIN
    assert problems(tmp_path, text) == ["5:16: unknown scale 'capacty' (did you mean 'capacity'?); scales: capacity"]


def test_unknown_question_scale(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "        scale: yes-no\n"
    assert problems(tmp_path, text) == ["18:16: unknown scale 'yes-no'; scales: capacity"]


def test_question_without_scale_needs_default_when_several(tmp_path: Path) -> None:
    text = HEAD.replace("levels:", "  other:\n    - {value: 0, label: A}\n    - {value: 1, label: B}\nlevels:")
    text += DOMAIN
    assert problems(tmp_path, text) == [
        "19:13: question 'q1' names no scale and the questionnaire has no default_scale; add one of them"
    ]


# --- 1.2 skip logic -------------------------------------------------------------------------------

PROFILE = "profile:\n  - {id: p, text: P?, choices: [yes, no]}\n"


def test_when_unknown_question_with_suggestion(tmp_path: Path) -> None:
    text = HEAD + PROFILE + DOMAIN + "        when: {pp: yes}\n"
    assert problems(tmp_path, text) == ["20:16: unknown question 'pp' (did you mean 'p'?)"]


def test_when_later_question_is_an_error(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "        when: {q2: 3}\n      - {id: q2, text: Q2?}\n"
    assert problems(tmp_path, text) == ["18:16: 'q2' comes after 'q1'; a condition may only name an earlier question"]


def test_when_self_reference(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "        when: {q1: 3}\n"
    assert problems(tmp_path, text) == ["18:16: 'q1' cannot depend on itself"]


def test_when_cycle_is_impossible(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "        when: {q2: 3}\n      - {id: q2, text: Q2?, when: {q1: 3}}\n"
    assert problems(tmp_path, text) == ["18:16: 'q2' comes after 'q1'; a condition may only name an earlier question"]


def test_when_profile_value_must_be_a_choice(tmp_path: Path) -> None:
    text = HEAD + PROFILE + DOMAIN + "        when: {p: [yes, maybe]}\n"
    assert problems(tmp_path, text) == ["20:25: 'maybe' is not an answer of 'p'; allowed: yes, no"]


def test_when_scored_value_must_be_on_the_scale(tmp_path: Path) -> None:
    text = HEAD + DOMAIN + "      - {id: q2, text: Q2?, when: {q1: 2}}\n"
    assert problems(tmp_path, text) == [
        "18:40: '2' is not an answer of 'q1'; allowed: 0, 3, Not in place, Fully in place"
    ]


def test_when_scored_value_by_label_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(HEAD + DOMAIN + "      - {id: q2, text: Q2?, when: {q1: [fully in place, 0]}}\n")
    assert load_questionnaire(path).domains[0].questions[1].when == {"q1": ["fully in place", 0]}


# --- 1.3 resources --------------------------------------------------------------------------------


def test_unknown_resource_with_suggestion(tmp_path: Path) -> None:
    (tmp_path / "resources.yaml").write_text(
        "format: 1\nresources:\n  - {id: nfpa-3000, title: NFPA 3000, url: 'https://www.nfpa.org/'}\n"
    )
    text = HEAD + DOMAIN + "        resources: [nfpa-300]\n"
    assert problems(tmp_path, text) == ["18:21: unknown resource 'nfpa-300' (did you mean 'nfpa-3000'?)"]


def test_folder_library_wins_over_bundled(tmp_path: Path) -> None:
    (tmp_path / "resources.yaml").write_text(
        "format: 1\nresources:\n  - {id: local-guide, title: Our Guide, url: 'https://example.org/g'}\n"
    )
    path = tmp_path / "q.yaml"
    path.write_text(HEAD + DOMAIN + "        resources: [local-guide]\n")
    q = load_questionnaire(path)
    assert q.library["local-guide"].title == "Our Guide"


def test_resource_url_must_be_web_address(tmp_path: Path) -> None:
    (tmp_path / "resources.yaml").write_text(
        "format: 1\nresources:\n  - {id: bad, title: Bad, url: 'file:///etc/passwd'}\n"
    )
    with pytest.raises(ContentError) as caught:
        load_questionnaire((tmp_path / "q.yaml", (tmp_path / "q.yaml").write_text(HEAD + DOMAIN))[0])
    assert str(caught.value.problems[0]).endswith(
        "resources.yaml:3:32: url: 'file:///etc/passwd' is not a web address; use one that starts with https://"
    )


def test_when_scored_value_may_be_a_quoted_number(tmp_path: Path) -> None:
    from prepkit.content.answers import resolve_answers
    from prepkit.scoring import score

    path = tmp_path / "q.yaml"
    path.write_text(HEAD + DOMAIN + "      - {id: q2, text: Q2?, when: {q1: '3'}}\n")
    q = load_questionnaire(path)
    card = score(q, resolve_answers(q, {"q1": 3, "q2": 0}))
    assert [s.status for s in card.questions] == ["answered", "answered"]


def test_comma_inside_plain_text_of_a_flow_mapping_continues_the_text(tmp_path: Path) -> None:
    """The spec's own example writes `{..., description: No policy, practice or resource exists.}`."""
    from prepkit.content.yamlio import load_yaml

    path = tmp_path / "x.yaml"
    path.write_text(
        "a: {label: Not in place, description: No policy, practice or resource exists.}\n"
        "b: {x: 1, y}\nc: {x: 'quoted', y}\n"
    )
    assert load_yaml(path).data == {
        "a": {"label": "Not in place", "description": "No policy, practice or resource exists."},
        "b": {"x": 1, "y": None},
        "c": {"x": "quoted", "y": None},
    }
