"""The question loop core, driven by typed lines: fast, no terminal."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, PACK, REPO
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
    feed(iv, "YES", "50 or more", "3", "yes", "part")
    assert iv.answers["has-schools"] == Answer(kind="choice", choice="yes")
    assert iv.answers["agency-size"] == Answer(kind="choice", choice="large")
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3)  # the key is the scale value
    assert iv.answers["planning-review"] == Answer(kind="value", value=1)
    assert iv.answers["planning-mutual-aid"] == Answer(kind="value", value=2)
    assert current_id(iv) == "planning-medical"


def test_invalid_input_re_asks_with_a_hint_and_changes_nothing(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1")
    before = dict(iv.answers)
    for line in ("4", "5", "", "maybe", "p", "/x"):
        event = iv.handle(line)
        assert event.kind == "invalid", line
        assert current_id(iv) == "planning-policy"
    assert iv.answers == before
    assert "Type 0-3" in iv.handle("9").message
    ambiguous = iv.handle("p").message
    assert "1 Planned" in ambiguous and "2 Partially in place" in ambiguous


def test_na_asks_for_a_reason_which_becomes_the_note(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1", "1")
    assert current_id(iv) == "planning-review"
    assert iv.handle("/n").kind == "input" and iv.mode is Mode.NA_REASON
    cancelled = iv.handle("")
    assert cancelled.kind == "na-cancelled" and "planning-review" not in iv.answers
    assert current_id(iv) == "planning-review" and iv.mode is Mode.QUESTION
    feed(iv, "N/A", "Reviewed by the state instead")
    assert iv.answers["planning-review"] == Answer(kind="na", note="Reviewed by the state instead")
    assert current_id(iv) == "planning-mutual-aid"


def test_na_is_refused_where_not_allowed_and_profile_needs_a_choice(drill: Questionnaire) -> None:
    iv = Interview(drill)
    for line in ("/n", "/u", "unknown"):
        assert iv.handle(line).kind == "invalid"
        assert current_id(iv) == "has-schools"
    feed(iv, "1", "1")
    refused = iv.handle("/n")
    assert refused.kind == "invalid" and "not allowed" in refused.message
    assert iv.mode is Mode.QUESTION
    assert iv.handle("/u").kind == "answered"
    assert iv.answers["planning-policy"] == Answer(kind="unknown")


def test_back_shows_the_current_answer_and_enter_keeps_it(drill: Questionnaire) -> None:
    iv = Interview(drill)
    assert iv.handle("/b").kind == "invalid"  # nothing before the first question
    feed(iv, "1", "1", "2")
    back = iv.handle("/b")
    assert back.kind == "back" and current_id(iv) == "planning-policy"
    assert iv.answer_text(iv.item("planning-policy")) == "2 Partially in place"
    kept = iv.handle("")
    assert kept.kind == "kept" and not kept.changed
    assert current_id(iv) == "planning-review"
    feed(iv, "/b", "3")
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3)
    assert current_id(iv) == "planning-review"


def test_skipped_questions_come_back_before_the_review(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "2", "1", "/s", "1", "/s", "2", "3", "3")  # no schools: the training questions follow planning
    assert iv.skipped == {"planning-policy", "planning-mutual-aid"}
    assert current_id(iv) == "training-command"
    last = iv.handle("3")
    assert last.kind == "answered" and "Back to the 2 questions" in last.message
    assert current_id(iv) == "planning-policy"
    iv.handle("3")
    assert current_id(iv) == "planning-mutual-aid"
    assert iv.handle("/s").kind == "skipped"
    assert iv.mode is Mode.REVIEW
    assert [item.id for item in iv.pending()] == ["planning-mutual-aid"]
    assert "/mark marks" in iv.review_hint()
    assert iv.handle("").kind == "jumped" and current_id(iv) == "planning-mutual-aid"
    iv.handle("0")
    assert iv.mode is Mode.REVIEW and not iv.pending()
    assert iv.handle("").kind == "finished" and iv.mode is Mode.DONE
    assert score(drill, iv.final_answers()).complete


def test_note_and_evidence_before_and_after_answering(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1")
    noted = feed(iv, "/c", "draft only", "binder")[-1]
    assert noted.kind == "noted" and noted.changed  # saved as a draft until the answer exists
    assert iv.saved_drafts() == {"planning-policy": ("draft only", "binder")}
    iv.handle("2")
    assert iv.answers["planning-policy"] == Answer(kind="value", value=2, note="draft only", evidence="binder")
    assert iv.saved_drafts() == {}  # it joined the answer
    cleared = feed(iv, "/s", "/c", "-", "-")[-1]  # a draft for the next question, cleared at once
    assert cleared.message == "No note or evidence now." and iv.saved_drafts() == {}
    feed(iv, "/b", "/b", "/c", "", "-")  # Enter keeps the note, '-' clears the evidence
    assert iv.answers["planning-policy"].note == "draft only"
    assert iv.answers["planning-policy"].evidence is None
    assert current_id(iv) == "planning-policy"
    feed(iv, "3")  # a changed answer keeps its note
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3, note="draft only")


def test_drafts_come_back_in_a_new_session_and_join_the_answer(drill: Questionnaire) -> None:
    """What saved_drafts gave is what a resumed session starts from; a draft for a question that has an
    answer meanwhile, or for no question of the questionnaire, is not taken."""
    iv = Interview(drill)
    feed(iv, "1", "1", "/c", "call the county", "binder 3", "/s", "/c", "no evidence yet", "")
    drafts = iv.saved_drafts()
    assert drafts == {"planning-policy": ("call the county", "binder 3"), "planning-review": ("no evidence yet", None)}
    again = Interview(
        drill, dict(iv.saved_answers()), drafts={**drafts, "nope": ("x", None), "has-schools": ("late", None)}
    )
    assert again.saved_drafts() == drafts
    assert again.note_of(again.item("planning-policy")) == ("call the county", "binder 3")
    while again.current is not None and again.current.id != "planning-policy":
        again.handle("/s")
    again.handle("3")
    assert again.answers["planning-policy"].note == "call the county"
    assert list(again.saved_drafts()) == ["planning-review"]


def test_undoing_the_first_answer_keeps_its_note_as_a_draft(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1", "/c", "call the county", "binder 3", "2", "/z")
    assert "planning-policy" not in iv.answers
    assert iv.saved_drafts() == {"planning-policy": ("call the county", "binder 3")}
    feed(iv, "3")
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3, note="call the county", evidence="binder 3")


def test_a_note_whose_evidence_is_still_asked_is_saved(drill: Questionnaire) -> None:
    """Ctrl-C or a lost terminal at the evidence prompt: the note already typed is kept as a draft."""
    iv = Interview(drill)
    feed(iv, "1", "1", "/c", "typed, then the power went")
    assert iv.mode is Mode.EVIDENCE
    assert iv.saved_drafts() == {"planning-policy": ("typed, then the power went", None)}


def test_an_na_reason_does_not_outlive_the_na(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "1", "0", "/n", "state does it", "/b")
    assert current_id(iv) == "planning-review"
    feed(iv, "/n", "")  # Enter keeps the existing reason
    assert iv.answers["planning-review"] == Answer(kind="na", note="state does it")
    feed(iv, "/b", "1")
    assert iv.answers["planning-review"] == Answer(kind="value", value=1)


def test_quit_stops_and_keeps_every_answer(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "1", "2", "2")
    assert iv.handle("/q").kind == "quit"
    assert iv.mode is Mode.QUIT
    assert set(iv.saved_answers()) == {"has-schools", "agency-size", "planning-policy"}


def test_changing_a_profile_answer_reapplies_skip_logic_without_losing_answers(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "yes", "large", "3", "1", "3", "3", "2", "1", "0")
    assert current_id(iv) == "training-basic"
    assert iv.progress() == (7, 10)  # scored questions: the profile is counted on its own
    assert iv.section_position(iv.item("schools-liaison")) == (3, 3)
    feed(iv, *["/b"] * 9)
    assert current_id(iv) == "has-schools"
    changed = iv.handle("no")
    assert "takes out 3 questions; 7 apply now" in changed.message
    assert iv.progress() == (4, 7)  # the three school questions no longer apply ...
    assert "schools-maps" in iv.answers  # ... but their answers are kept
    assert "schools-maps" not in iv.final_answers()
    feed(iv, "", "", "", "", "")  # agency size and planning, kept; schools are passed by
    assert current_id(iv) == "training-basic"
    feed(iv, *["/b"] * 6)
    assert "brings in 3 questions; 10 apply now" in iv.handle("yes").message
    assert iv.progress() == (7, 10)
    assert iv.final_answers()["schools-liaison"] == Answer(kind="value", value=0)


def test_resuming_starts_after_the_last_answer_then_returns_to_the_gaps(drill: Questionnaire) -> None:
    answers = {
        "has-schools": Answer(kind="choice", choice="no"),
        "agency-size": Answer(kind="choice", choice="small"),
        "planning-review": Answer(kind="value", value=1),
    }
    iv = Interview(drill, answers)
    assert current_id(iv) == "planning-mutual-aid"
    feed(iv, "0", "0", "0", "0", "0")
    assert current_id(iv) == "planning-policy"  # skipped before the interruption
    done = Interview(drill, {**answers, "planning-policy": Answer(kind="unknown")}, start="resume")
    assert current_id(done) == "planning-mutual-aid"


def test_prefilled_answers_are_confirmed_with_enter(drill: Questionnaire) -> None:
    first = Interview(drill)
    feed(first, "2", "1", "3", "1", "/n", "not ours", "2", "/u", "0", "1")
    assert first.mode is Mode.REVIEW
    again = Interview(drill, first.final_answers(), start="beginning", confirming=True)
    assert current_id(again) == "has-schools"
    events = feed(again, *[""] * 9)
    assert [e.kind for e in events] == ["kept"] * 9
    assert again.mode is Mode.REVIEW
    assert again.handle("").kind == "finished"
    assert again.final_answers() == first.final_answers()


def test_review_marks_the_rest_unknown_but_never_a_profile_question(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "/s", "1", "3", *["/s"] * 6)  # first pass: the profile question and six more skipped
    assert current_id(iv) == "has-schools"
    feed(iv, *["/s"] * 7)  # and skipped again on the way back
    assert iv.mode is Mode.REVIEW
    assert {item.id for item in iv.pending()} >= {"has-schools", "planning-review"}
    event = iv.handle("/mark")
    assert event.changed and "1 profile question still need" in event.message
    assert [item.id for item in iv.pending()] == ["has-schools"]
    assert iv.answers["training-command"] == Answer(kind="unknown")
    iv.handle("")
    assert current_id(iv) == "has-schools"
    iv.handle("no")
    assert iv.mode is Mode.REVIEW
    assert score(drill, iv.final_answers()).complete


def test_one_undo_takes_back_everything_mark_marked(drill: Questionnaire) -> None:
    """/mark by mistake marked every unanswered question don't know, and /z could not take it back."""
    iv = Interview(drill)
    feed(iv, "1", "1", "/c", "ask the county", "", *["/s"] * 8)
    while iv.mode is not Mode.REVIEW:
        iv.handle("/s")
    before = {item.id for item in iv.pending()}
    assert len(before) > 3
    iv.handle("/mark")
    assert iv.pending() == [] and iv.answers["planning-policy"].note == "ask the county"
    event = iv.handle("/z")
    assert event.kind == "undone" and f"{len(before)} questions marked don't know" in event.message
    assert iv.mode is Mode.REVIEW and {item.id for item in iv.pending()} == before
    assert iv.saved_drafts() == {"planning-policy": ("ask the county", None)}  # the note is kept
    assert iv.handle("/z").kind == "undone"  # then the answers before it, one by one


def test_back_from_the_review_returns_to_the_last_question(drill: Questionnaire) -> None:
    q = load_questionnaire(PACK / "mini.yaml")
    iv = Interview(q)
    feed(iv, "no", "3", "yes")
    assert iv.mode is Mode.REVIEW
    assert iv.handle("/b").kind == "back"
    assert current_id(iv) == "planning-review"
    assert iv.handle("").kind == "kept" and iv.mode is Mode.REVIEW  # Enter returns to the review
    iv.handle("b")
    assert iv.handle("/q").kind == "quit"


def test_a_scored_answer_that_is_a_condition_changes_what_follows() -> None:
    q = load_questionnaire(PACK / "mini.yaml")  # schools-drills applies when schools-maps is 2 or Fully in place
    iv = Interview(q)
    feed(iv, "yes", "3", "1", "3")
    assert current_id(iv) == "schools-drills"
    assert iv.progress() == (3, 4)
    feed(iv, "/u")
    assert iv.mode is Mode.REVIEW
    event = feed(iv, "/b", "/b", "0")[-1]
    assert "takes out 1 question; 3 apply now" in event.message
    assert iv.mode is Mode.REVIEW and iv.progress() == (3, 3)
    assert "schools-drills" in iv.answers and "schools-drills" not in iv.final_answers()


def test_skipping_the_last_question_goes_to_the_review_not_back_to_it() -> None:
    q = load_questionnaire(PACK / "mini.yaml")
    iv = Interview(q)
    feed(iv, "yes", "3", "yes", "3")
    assert current_id(iv) == "schools-drills"
    assert iv.handle("/s").kind == "skipped"
    assert iv.mode is Mode.REVIEW
    assert [item.id for item in iv.pending()] == ["schools-drills"]


def test_keys_are_scale_values_and_never_shadow_a_label(drill: Questionnaire) -> None:
    from prepkit.assess.interview import option_keys

    assert option_keys([0, 1, 2, 3]) == ["0", "1", "2", "3"]
    assert option_keys([0, 0.5, 1]) == ["1", "2", "3"]  # not whole numbers: positions
    assert option_keys([0, 50, 100]) == ["1", "2", "3"]  # large values: positions
    iv = Interview(drill)
    assert iv.handle("n").kind == "answered"  # 'n' is the start of "no", not N/A
    assert iv.answers["has-schools"] == Answer(kind="choice", choice="no")
    feed(iv, "1")
    assert [o.key for o in iv.options(iv.current)] == ["0", "1", "2", "3"]  # type: ignore[arg-type]
    assert iv.handle("0").kind == "answered"
    assert iv.answers["planning-policy"] == Answer(kind="value", value=0)
    assert iv.scale_name(iv.current) == "Yes/No question"  # type: ignore[arg-type]
    assert iv.scale_changed(iv.current)  # type: ignore[arg-type]
    refused = iv.handle("2")  # a stray 2 on a yes/no question is refused, not saved as Yes
    assert refused.kind == "invalid" and "Type 0-1" in refused.message
    assert iv.handle("/x").kind == "invalid"


def test_outline_jumps_by_number_name_and_search_word_then_returns(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "yes", "large", "3")
    assert current_id(iv) == "planning-review"
    assert iv.handle("/o").kind == "outline" and iv.mode is Mode.OUTLINE
    assert [s.number for s in iv.sections()] == [0, 1, 2, 3]
    assert iv.handle("").kind == "back" and current_id(iv) == "planning-review"  # Enter returns
    jumped = iv.handle("/g training")  # a domain by name: its questions in order, then back
    assert jumped.kind == "jumped" and current_id(iv) == "training-basic"
    feed(iv, "1", "1", "1")
    assert current_id(iv) == "planning-review"
    feed(iv, "/o", "2.2")  # a question by number
    assert current_id(iv) == "schools-drills"
    iv.handle("2")
    assert current_id(iv) == "planning-review"
    listed = iv.handle("/g policy")  # a word in several questions: listed to choose from
    assert listed.kind == "invalid" and any(line.startswith("1.1") for line in listed.listing)
    iv.handle("/g floor plans")
    assert current_id(iv) == "schools-maps"


def test_undo_puts_the_earlier_answer_back_and_asks_again(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "yes", "large", "3", "1")
    undone = iv.handle("/z")
    assert undone.kind == "undone" and undone.changed and current_id(iv) == "planning-review"
    assert "planning-review" not in iv.answers
    feed(iv, "/b", "1", "/z")  # undo a change: the earlier answer returns
    assert iv.answers["planning-policy"] == Answer(kind="value", value=3)
    assert current_id(iv) == "planning-policy"


def test_the_review_walks_the_unknown_and_critical_gaps_and_opens_any_item(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "no", "small", "1", "/u", "3", "3", "3", "3", "3")
    assert iv.mode is Mode.REVIEW
    assert [i.id for i in iv.critical_gaps()] == ["planning-policy"]
    assert iv.handle("c").kind == "jumped" and current_id(iv) == "planning-policy"
    iv.handle("3")
    assert iv.mode is Mode.REVIEW and not iv.critical_gaps()
    assert iv.handle("u").kind == "jumped" and current_id(iv) == "planning-review"
    iv.handle("1")
    assert iv.mode is Mode.REVIEW
    assert iv.handle("3.2").kind == "jumped" and current_id(iv) == "training-joint"  # open any item
    iv.handle("2")
    assert iv.mode is Mode.REVIEW
    assert iv.handle("").kind == "finished"


def test_a_rerun_counts_confirmed_apart_from_carried(drill: Questionnaire) -> None:
    answers = {
        "has-schools": Answer(kind="choice", choice="no"),
        "agency-size": Answer(kind="choice", choice="small"),
        "planning-policy": Answer(kind="value", value=1),
        "planning-review": Answer(kind="value", value=1),
    }
    iv = Interview(drill, answers, start="beginning", confirming=True, checked={"planning-review"})
    assert iv.rerun_progress() == (1, 1, 7)
    feed(iv, "", "", "")
    assert iv.rerun_progress() == (2, 0, 7)


def test_back_then_enter_walks_forward_one_question_at_a_time(drill: Questionnaire) -> None:
    iv = Interview(drill)
    feed(iv, "no", "small", "3", "1", "2")
    assert current_id(iv) == "planning-medical"
    feed(iv, "/b", "/b")
    assert current_id(iv) == "planning-review"
    iv.handle("")
    assert current_id(iv) == "planning-mutual-aid"  # not straight on to the first unanswered question
    iv.handle("")
    assert current_id(iv) == "planning-medical"


@pytest.mark.parametrize("seed", range(6))
def test_what_is_kept_up_to_date_equals_what_a_full_count_gives(seed: int) -> None:
    """progress, the profile's state, the scale change and the end of a section are kept or looked up
    near the question (walking the whole questionnaire per answer made a 10,000-question interview
    cost 3.5 ms an answer); along any path of answers, undos, jumps, skips and profile changes they
    equal their definitions over every question that applies."""
    import random

    q = load_questionnaire(REPO / "questionnaires" / "active-assailant.yaml")
    rng = random.Random(seed)
    iv = Interview(q)
    lines = ["1", "2", "3", "0", "/u", "/n", "why", "/z", "/b", "/s", "/g 0", "/g 3", "", "/mark", "/o", ""]
    for _ in range(400):
        if iv.mode in (Mode.DONE, Mode.QUIT):
            break
        iv.handle(rng.choice(lines))
        applicable = [item for item in iv.items if iv.applies(item)]
        scored = [item for item in applicable if not item.is_profile]
        assert iv.progress() == (sum(item.id in iv.answers for item in scored), len(scored))
        assert iv.scored_count() == len(scored)
        assert iv.profile_done() == all(item.id in iv.answers for item in applicable if item.is_profile)
        for item in rng.sample(iv.items, 5) + ([iv.current] if iv.current else []):
            before = [i for i in applicable if i.index < item.index and not i.is_profile]
            changed = bool(before) and not item.is_profile
            changed = changed and q.scale_of(before[-1].question) is not q.scale_of(item.question)  # type: ignore[arg-type]
            assert iv.scale_changed(item) == changed
            last = item.domain is not None and iv.applies(item)
            last = last and not any(i.domain is item.domain and i.index > item.index for i in applicable)
            assert iv.ends_section(item) == last
