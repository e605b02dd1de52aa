"""Rerunning from last time: pre-filled answers on a new questionnaire version, and their provenance."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PACK, run_prepkit
from prepkit.assess.rerun import (
    merge_rerun,
    prefill_from,
    provenance_of,
    save_answers_as_result,
)
from prepkit.content.models import Answer
from prepkit.content.questionnaire import load_questionnaire
from prepkit.errors import ContentError, UsageError
from prepkit.results.model import provenance_counts
from prepkit.results.store import Store
from resultkit import HISTORY, V2_QUESTIONNAIRE, make_result, save_result

V2 = load_questionnaire(V2_QUESTIONNAIRE)


def _variant(tmp_path: Path, replacements: dict[str, str]) -> Path:
    """A copy of questionnaire v2 with some text replaced, in a pack folder of its own."""
    folder = tmp_path / "variant"
    folder.mkdir(exist_ok=True)
    text = V2_QUESTIONNAIRE.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    (folder / "resources.yaml").write_text((PACK / "resources.yaml").read_text())
    (folder / "mini.yaml").write_text(text)
    return folder / "mini.yaml"


def test_prefill_maps_renamed_questions_and_keeps_notes_and_evidence() -> None:
    prefill = prefill_from(make_result(), V2)
    assert prefill == {
        "has-schools": Answer(kind="choice", choice="yes"),
        "planning-policy": Answer(kind="value", value=2),
        "planning-annual-review": Answer(kind="value", value=1),  # was planning-review
        "schools-maps": Answer(kind="value", value=3, note="updated in May", evidence="binder in every car"),
    }  # schools-drills was removed; planning-training is new: both absent


def test_prefill_carries_values_by_label_and_drops_what_no_longer_fits(tmp_path: Path) -> None:
    path = _variant(
        tmp_path,
        {
            "{value: 2, label: Partially in place}": "{value: 2, label: Partly in place}",
            "{value: 3, label: Fully in place}": "{value: 4, label: Fully in place}",
            "choices: [yes, no, unsure]": "choices: [all, no, unsure]",
            "when: {has-schools: [yes, unsure]}": "when: {has-schools: [all, unsure]}",
        },
    )
    prefill = prefill_from(make_result(), load_questionnaire(path))
    assert "planning-policy" not in prefill  # "Partially in place" is no option any more: ask again
    assert "has-schools" not in prefill  # choice gone
    assert "schools-maps" not in prefill  # its condition rests on has-schools, now unanswered
    assert prefill["planning-annual-review"] == Answer(kind="value", value=1)


def test_prefill_maps_a_value_to_the_new_value_of_the_same_label(tmp_path: Path) -> None:
    path = _variant(tmp_path, {"{value: 3, label: Fully in place}": "{value: 4, label: Fully in place}"})
    prefill = prefill_from(make_result(), load_questionnaire(path))
    assert prefill["schools-maps"].value == 4 and prefill["schools-maps"].note == "updated in May"


def test_na_is_not_carried_where_it_is_no_longer_allowed(tmp_path: Path, hermetic: Path) -> None:
    answers = tmp_path / "a.yaml"
    text = (PACK / "answers.yaml").read_text().replace('planning-review: "Yes"', "planning-review: na")
    answers.write_text(text.replace("questionnaire: mini", f"questionnaire: {PACK / 'mini.yaml'}"))
    previous = make_result(answers)
    assert prefill_from(previous, V2)["planning-annual-review"] == Answer(kind="na")
    strict = _variant(
        tmp_path, {"scale: yes-no\n        replaces": "scale: yes-no\n        na: false\n        replaces"}
    )
    assert "planning-annual-review" not in prefill_from(previous, load_questionnaire(strict))


def test_provenance_of_what_the_user_saw() -> None:
    two, three = Answer(kind="value", value=2), Answer(kind="value", value=3)
    assert provenance_of(None, two) == "answered"
    assert provenance_of(two, Answer(kind="value", value=2, note="checked")) == "reverified"
    assert provenance_of(two, three) == "changed"
    assert provenance_of(two, Answer(kind="unknown")) == "changed"


def test_merge_keeps_notes_on_a_bare_confirmation_and_drops_carried_answers_that_no_longer_apply() -> None:
    prefill = prefill_from(make_result(), V2)
    answers, provenance = merge_rerun(V2, prefill, {"schools-maps": Answer(kind="value", value=3)})
    assert answers["schools-maps"].evidence == "binder in every car"
    assert provenance == {
        "has-schools": "carried",
        "planning-policy": "carried",
        "planning-annual-review": "carried",
        "schools-maps": "reverified",
    }
    answers, provenance = merge_rerun(V2, prefill, {"has-schools": Answer(kind="choice", choice="no")})
    assert "schools-maps" not in answers and provenance["has-schools"] == "changed"


def _rerun_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rerun.yaml"
    path.write_text(
        f"questionnaire: {V2_QUESTIONNAIRE}\nagency: Test Town Police Department\ndate: 2027-12-01\nanswers:\n{body}"
    )
    return path


def test_non_interactive_rerun_records_what_was_checked_changed_or_carried(hermetic: Path, tmp_path: Path) -> None:
    store = Store(hermetic)
    previous, _ = save_result(store)
    path = _rerun_file(tmp_path, "  planning-policy: 3\n  schools-maps: Fully in place\n  planning-training: 1\n")
    result = save_answers_as_result(path, store, previous="previous")
    assert result.previous == previous.id
    assert result.provenance == {
        "has-schools": "carried",
        "planning-annual-review": "carried",
        "planning-policy": "changed",
        "schools-maps": "reverified",
        "planning-training": "answered",
    }
    assert provenance_counts(result) == {"answered": 1, "reverified": 1, "changed": 1, "carried": 2}
    assert result.status == "complete"
    assert result.answers["schools-maps"].note == "updated in May"
    stored = Store(hermetic).load(store.path_of(result.id))
    assert stored.provenance == result.provenance
    history = run_prepkit("history").stdout
    assert "carried" in history
    rows = [line.replace("│", " ").split() for line in history.splitlines() if line.strip(" │").startswith("20")]
    assert rows[-1][-1] == "2" and rows[0][-1] != "2"  # the "carried, unchecked" column
    compare = run_prepkit("compare", "previous", "latest")
    assert "2 answers of the later result were carried over" in compare.stdout


def test_a_rerun_file_may_rely_on_carried_answers_for_conditions(hermetic: Path, tmp_path: Path) -> None:
    store = Store(hermetic)
    save_result(store)
    # schools-maps applies only when has-schools (carried, not in this file) is yes
    path = _rerun_file(tmp_path, "  schools-maps: 1\n")
    result = save_answers_as_result(path, store, previous="previous")
    assert result.provenance["schools-maps"] == "changed"
    with pytest.raises(ContentError, match="does not apply"):
        save_answers_as_result(
            _rerun_file(tmp_path, "  has-schools: no\n  schools-maps: 1\n"), store, previous="previous"
        )


def test_rerun_without_an_earlier_result_is_a_usage_error(hermetic: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no 'latest' result"):
        save_answers_as_result(_rerun_file(tmp_path, "  planning-policy: 3\n"), Store(hermetic), previous="previous")


def test_save_answers_as_result_without_previous(hermetic: Path) -> None:
    store = Store(hermetic)
    result = save_answers_as_result(HISTORY / "answers-v2.yaml", store)
    assert result.provenance == {} and result.previous is None
    assert store.load(store.path_of(result.id)).questionnaire.version == "2.0"
