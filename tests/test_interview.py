"""The question loop core, driven by typed lines: fast, no terminal."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, PACK
from prepkit.assess.interview import Event, Interview, Mode
from prepkit.content.models import Answer, Questionnaire
from prepkit.content.questionnaire import load_questionnaire
from prepkit.scoring import score

DRILL = FIXTURES / "assess" / "drill.yaml"


@pytest.fixture(scope="module")
def drill() -> Questionnaire:
    return load_questionnaire(DRILL)


def feed(interview: Interview, *lines: str) -> list[Event]:
    return [interview.handle(line) for line in lines]


def current_id(interview: Interview) -> str | None:
    return interview.current.id if interview.current else None


def test_answers_by_number_label_and_unambiguous_start(drill: Questionnaire) -> None:
    iv = Interview(drill)
    assert current_id(iv) == "has-schools"
    feed(iv, "YES", "50 or more", "4", "yes", "part")
    assert iv.answers["has-schools"] == Answer(kind="choice", choice="yes")
    assert iv.answers["agency-size"] == Answer(kind="choice", choice="large")
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3)  # option 4 is value 3
    assert iv.answers["planning-review"] == Answer(kind="value", value=1)
    assert iv.answers["planning-mutual-aid"] == Answer(kind="value", value=2)
    assert current_id(iv) == "planning-medical"


def test_invalid_input_re_asks_with_a_hint_and_changes_nothing(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1")
    before = dict(iv.answers)
    for line in ("0", "5", "", "maybe", "p"):
        event = iv.handle(line)
        assert event.kind == "invalid", line
        assert current_id(iv) == "planning-policy"
    assert iv.answers == before
    assert "Type 1-4" in iv.handle("9").message
    ambiguous = iv.handle("p").message
    assert "2 Planned" in ambiguous and "3 Partially in place" in ambiguous


def test_na_asks_for_a_reason_which_becomes_the_note(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1", "2")
    assert current_id(iv) == "planning-review"
    assert iv.handle("n").kind == "input" and iv.mode is Mode.NA_REASON
    cancelled = iv.handle("")
    assert cancelled.kind == "na-cancelled" and "planning-review" not in iv.answers
    assert current_id(iv) == "planning-review" and iv.mode is Mode.QUESTION
    feed(iv, "N/A", "Reviewed by the state instead")
    assert iv.answers["planning-review"] == Answer(kind="na", note="Reviewed by the state instead")
    assert current_id(iv) == "planning-mutual-aid"


def test_na_is_refused_where_not_allowed_and_profile_needs_a_choice(drill: Questionnaire) -> None:
    iv = Interview(drill)
    for line in ("n", "u"):
        assert iv.handle(line).kind == "invalid"
        assert current_id(iv) == "has-schools"
    feed(iv, "1", "1")
    refused = iv.handle("n")
    assert refused.kind == "invalid" and "not allowed" in refused.message
    assert iv.mode is Mode.QUESTION
    assert iv.handle("u").kind == "answered"
    assert iv.answers["planning-policy"] == Answer(kind="unknown")


def test_back_shows_the_current_answer_and_enter_keeps_it(drill: Questionnaire) -> None:
    iv = Interview(drill)
    assert iv.handle("b").kind == "invalid"  # nothing before the first question
    feed(iv, "1", "1", "3")
    back = iv.handle("b")
    assert back.kind == "back" and current_id(iv) == "planning-policy"
    assert iv.answer_text(iv.item("planning-policy")) == "3 Partially in place"
    kept = iv.handle("")
    assert kept.kind == "kept" and not kept.changed
    assert current_id(iv) == "planning-review"
    feed(iv, "b", "4")
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3)
    assert current_id(iv) == "planning-review"


def test_skipped_questions_come_back_before_the_review(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "2", "1", "s", "2", "s", "3", "4", "4")  # no schools: the training questions follow planning
    assert iv.skipped == {"planning-policy", "planning-mutual-aid"}
    assert current_id(iv) == "training-command"
    last = iv.handle("4")
    assert last.kind == "answered" and "Back to the 2 questions" in last.message
    assert current_id(iv) == "planning-policy"
    iv.handle("4")
    assert current_id(iv) == "planning-mutual-aid"
    assert iv.handle("s").kind == "skipped"
    assert iv.mode is Mode.REVIEW
    assert [item.id for item in iv.pending()] == ["planning-mutual-aid"]
    assert "u marks them" in iv.handle("x").message
    assert iv.handle("").kind == "revisit" and current_id(iv) == "planning-mutual-aid"
    iv.handle("1")
    assert iv.mode is Mode.REVIEW and not iv.pending()
    assert iv.handle("").kind == "finished" and iv.mode is Mode.DONE
    assert score(drill, iv.final_answers()).complete


def test_note_and_evidence_before_and_after_answering(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1")
    noted = feed(iv, "c", "draft only", "binder")[-1]
    assert noted.kind == "noted" and not noted.changed  # kept until the answer exists
    iv.handle("3")
    assert iv.answers["planning-policy"] == Answer(kind="value", value=2, note="draft only", evidence="binder")
    feed(iv, "b", "c", "", "-")  # Enter keeps the note, '-' clears the evidence
    assert iv.answers["planning-policy"].note == "draft only"
    assert iv.answers["planning-policy"].evidence is None
    assert current_id(iv) == "planning-policy"
    feed(iv, "4")  # a changed answer keeps its note
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3, note="draft only")


def test_an_na_reason_does_not_outlive_the_na(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1", "1", "n", "state does it", "b")
    assert current_id(iv) == "planning-review"
    feed(iv, "n", "")  # Enter keeps the existing reason
    assert iv.answers["planning-review"] == Answer(kind="na", note="state does it")
    feed(iv, "b", "2")
    assert iv.answers["planning-review"] == Answer(kind="value", value=1)


def test_quit_stops_and_keeps_every_answer(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "2", "3")
    assert iv.handle("q").kind == "quit"
    assert iv.mode is Mode.QUIT
    assert set(iv.saved_answers()) == {"has-schools", "agency-size", "planning-policy"}


def test_changing_a_profile_answer_reapplies_skip_logic_without_losing_answers(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "yes", "large", "4", "2", "4", "4", "3", "2", "1")
    assert current_id(iv) == "training-basic"
    assert iv.progress() == (9, 12)
    assert iv.section_position(iv.item("schools-liaison")) == (3, 3)
    feed(iv, *["b"] * 9)
    assert current_id(iv) == "has-schools"
    iv.handle("no")
    assert iv.progress() == (6, 9)  # the three school questions no longer apply ...
    assert "schools-maps" in iv.answers  # ... but their answers are kept
    assert "schools-maps" not in iv.final_answers()
    feed(iv, "", "", "", "", "")  # agency size and planning, kept; schools are passed by
    assert current_id(iv) == "training-basic"
    feed(iv, *["b"] * 6, "yes")
    assert iv.progress() == (9, 12)
    assert iv.final_answers()["schools-liaison"] == Answer(kind="value", value=0)


def test_resuming_starts_after_the_last_answer_then_returns_to_the_gaps(drill: Questionnaire) -> None:
    answers = {
        "has-schools": Answer(kind="choice", choice="no"),
        "agency-size": Answer(kind="choice", choice="small"),
        "planning-review": Answer(kind="value", value=1),
    }
    iv = Interview(drill, answers)
    assert current_id(iv) == "planning-mutual-aid"
    feed(iv, "1", "1", "1", "1", "1")
    assert current_id(iv) == "planning-policy"  # skipped before the interruption
    done = Interview(drill, {**answers, "planning-policy": Answer(kind="unknown")}, start="resume")
    assert current_id(done) == "planning-mutual-aid"


def test_prefilled_answers_are_confirmed_with_enter(drill: Questionnaire) -> None:
    first = Interview(drill)
    feed(first, "2", "1", "4", "2", "n", "not ours", "3", "u", "1", "2", "3")
    assert first.mode is Mode.REVIEW
    again = Interview(drill, first.final_answers(), start="beginning")
    assert current_id(again) == "has-schools"
    events = feed(again, *[""] * 9)
    assert [e.kind for e in events] == ["kept"] * 9
    assert again.mode is Mode.REVIEW
    assert again.handle("").kind == "finished"
    assert again.final_answers() == first.final_answers()


def test_review_marks_the_rest_unknown_but_never_a_profile_question(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "s", "1", "4", *["s"] * 6)  # first pass: the profile question and six more skipped
    assert current_id(iv) == "has-schools"
    feed(iv, *["s"] * 7)  # and skipped again on the way back
    assert iv.mode is Mode.REVIEW
    assert {item.id for item in iv.pending()} >= {"has-schools", "planning-review"}
    event = iv.handle("u")
    assert event.changed and "1 profile question still need" in event.message
    assert [item.id for item in iv.pending()] == ["has-schools"]
    assert iv.answers["training-command"] == Answer(kind="unknown")
    iv.handle("")
    assert current_id(iv) == "has-schools"
    iv.handle("no")
    assert iv.mode is Mode.REVIEW
    assert score(drill, iv.final_answers()).complete


def test_back_from_the_review_returns_to_the_last_question(drill: Questionnaire) -> None:
    q = load_questionnaire(PACK / "mini.yaml")
    iv = Interview(q)
    feed(iv, "no", "4", "yes")
    assert iv.mode is Mode.REVIEW
    assert iv.handle("b").kind == "back"
    assert current_id(iv) == "planning-review"
    assert iv.handle("q").kind == "quit"


def test_a_scored_answer_that_is_a_condition_changes_what_follows() -> None:
    q = load_questionnaire(PACK / "mini.yaml")  # schools-drills applies when schools-maps is 2 or Fully in place
    iv = Interview(q)
    feed(iv, "yes", "4", "2", "4")
    assert current_id(iv) == "schools-drills"
    assert iv.progress() == (4, 5)
    feed(iv, "u")
    assert iv.mode is Mode.REVIEW
    feed(iv, "b", "b", "1")
    assert iv.mode is Mode.REVIEW and iv.progress() == (4, 4)
    assert "schools-drills" in iv.answers and "schools-drills" not in iv.final_answers()


def test_skipping_the_last_question_goes_to_the_review_not_back_to_it() -> None:
    q = load_questionnaire(PACK / "mini.yaml")
    iv = Interview(q)
    feed(iv, "yes", "4", "yes", "4")
    assert current_id(iv) == "schools-drills"
    assert iv.handle("s").kind == "skipped"
    assert iv.mode is Mode.REVIEW
    assert [item.id for item in iv.pending()] == ["schools-drills"]
