"""The real `prepkit assess` and `prepkit resume` in a pseudo-terminal, typed at as a person would."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
from pathlib import Path

import pexpect

from conftest import FIXTURES
from conftest import run_process as run_prepkit

DRILL = str(FIXTURES / "assess" / "drill.yaml")
ANSWER = "Answer"


def spawn(
    store: Path, *args: str, columns: int = 100, rows: int = 40, env: dict[str, str] | None = None
) -> pexpect.spawn:
    env = {
        **os.environ,
        "PREPKIT_STORE": str(store),
        "NO_COLOR": "1",
        "COLUMNS": str(columns),
        "LINES": str(rows),
        "TERM": "dumb",
        **(env or {}),
    }
    # The report of a finished assessment goes to the current folder: keep it beside the test's store.
    return pexpect.spawn(
        sys.executable,
        ["-m", "prepkit", *args],
        env=env,
        encoding="utf-8",
        timeout=int(os.environ.get("PTY_TIMEOUT", "60")),
        dimensions=(rows, columns),
        cwd=str(next(p for p in store.parents if p.is_dir())),
    )


def start(store: Path, agency: str = "Test Town PD") -> pexpect.spawn:
    child = spawn(store, "assess", DRILL)
    child.expect("How answering works")
    child.expect("Agency name")
    child.sendline(agency)
    child.expect("Respondent")
    child.sendline("Lt. Example")
    return child


def answer(child: pexpect.spawn, heading: str, line: str) -> None:
    """Wait for the question under heading (e.g. 'Planning 2/4'), then type line."""
    child.expect_exact(heading)
    child.expect(r"Answer( \[[^\]]*\])?: ")
    child.sendline(line)


def finish(child: pexpect.spawn) -> None:
    child.expect_exact("Every question that applies has an answer.")
    child.expect_exact("Your choice: ")
    child.sendline("")
    child.expect_exact("Saved the complete assessment")
    child.expect(r"Report: (\S+\.pdf)")
    report = Path(child.match.group(1))
    child.expect(pexpect.EOF)
    assert report.read_bytes().startswith(b"%PDF")
    child.close()
    assert child.exitstatus == 0


def results(store: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted((store / "results").glob("*.json"))]


def test_a_whole_assessment_by_keyboard(hermetic: Path) -> None:
    child = start(hermetic)
    answer(child, "Profile 1/2", "YES")  # a choice by its label
    answer(child, "Profile 2/2", "1")
    child.expect_exact("Planning 1/4")
    child.sendline("?")
    child.expect_exact("A policy signed by the chief executive")
    child.expect_exact("signed policy")
    child.expect_exact("Planning 1/4")  # after help, the question and its options again
    child.expect_exact("3 Fully in place")
    child.sendline("/n")  # N/A is not allowed on this question
    child.expect_exact("N/A is not allowed here")
    child.sendline("partially in place")
    child.expect_exact("-> 2 Partially in place")
    answer(child, "Planning 2/4", "/n")
    child.expect_exact("Why does it not apply here?")
    child.sendline("The state reviews it")
    child.expect_exact("-> N/A (The state reviews it)")
    answer(child, "Planning 3/4", "/s")
    child.expect_exact("comes back before the end")
    answer(child, "Planning 4/4", "/u")
    child.expect_exact("-> don't know")
    child.expect_exact("Planning done:")
    child.expect_exact("Schools 1/2")
    child.sendline("/c")
    child.expect_exact("Note")
    child.sendline("updated in May")
    child.expect_exact("Evidence")
    child.sendline("binder in every car")
    child.expect_exact("Note and evidence saved; they join your answer")
    child.expect_exact("Answer: ")
    child.sendline("3")
    answer(child, "Schools 2/2", "/b")
    child.expect_exact("Schools 1/2")
    child.expect_exact("Answer [3 Fully in place]: ")
    child.sendline("")  # Enter keeps it
    answer(child, "Schools 2/2", "7")
    child.expect_exact("is not an answer here")
    child.sendline("1")
    answer(child, "Training 1/3", "2")
    answer(child, "Training 2/3", "2")
    answer(child, "Training 3/3", "3")
    child.expect_exact("Back to the question you skipped")
    answer(child, "Planning 3/4", "planned")
    finish(child)

    [result] = results(hermetic)
    assert result["status"] == "complete" and result["agency"] == "Test Town PD"
    answers = result["answers"]
    assert answers["has-schools"]["choice"] == "yes"
    assert answers["agency-size"]["choice"] == "small"
    assert answers["planning-policy"]["value"] == 2
    assert answers["planning-review"] == {
        "kind": "na",
        "value": None,
        "choice": None,
        "note": "The state reviews it",
        "evidence": None,
    }
    assert answers["planning-medical"]["kind"] == "unknown"
    assert answers["planning-mutual-aid"]["value"] == 1
    assert (answers["schools-maps"]["note"], answers["schools-maps"]["evidence"]) == (
        "updated in May",
        "binder in every car",
    )
    assert answers["schools-drills"]["value"] == 1
    assert "schools-liaison" not in answers  # small agency: the question does not apply
    path = next((hermetic / "results").glob("*.json"))
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_note_typed_before_any_answer_survives_quit_and_resume(hermetic: Path) -> None:
    """A note for a question not yet answered is saved with the in-progress result (as a draft), even
    when nothing else was answered and the respondent quits at the evidence prompt, and joins the
    answer given after resuming."""
    child = start(hermetic)
    answer(child, "Profile 1/2", "/c")
    child.expect_exact("Note (Enter for none): ")
    child.sendline("ask the schools' safety officer")
    child.expect_exact("Evidence")
    child.sendline("/q")  # quits at once; the note just typed is kept
    child.expect(r"prepkit resume (\S+)")
    child.expect(pexpect.EOF)
    child.close()
    (saved,) = results(hermetic)
    assert saved["answers"] == {} and saved["status"] == "in-progress"
    assert saved["drafts"] == {"has-schools": {"note": "ask the schools' safety officer", "evidence": None}}

    child = spawn(hermetic, "resume")
    child.expect_exact("Continue it?")
    child.sendline("")
    child.expect_exact("Profile 1/2")
    child.expect_exact("Note: ask the schools' safety officer")
    child.expect(r"Answer( \[[^\]]*\])?: ")
    child.sendline("1")
    answer(child, "Profile 2/2", "/q")
    child.expect(pexpect.EOF)
    child.close()
    (saved,) = results(hermetic)
    assert saved["answers"]["has-schools"]["note"] == "ask the schools' safety officer"
    assert "drafts" not in saved  # none left: the file is as it always was


def test_a_draft_for_a_question_that_stops_applying_is_not_kept_when_finished(hermetic: Path) -> None:
    """A note typed for a schools question, then the profile says there are no schools: the finished
    result has every question that applies answered, and no drafts (as no answers to the others)."""
    child = start(hermetic)
    answer(child, "Profile 1/2", "1")
    answer(child, "Profile 2/2", "1")
    for heading in ("Planning 1/4", "Planning 2/4", "Planning 3/4", "Planning 4/4"):
        answer(child, heading, "1")
    answer(child, "Schools 1/2", "/c")
    child.expect_exact("Note (Enter for none): ")
    child.sendline("ask the district")
    child.expect_exact("Evidence")
    child.sendline("")
    child.expect_exact("they join your answer when you give one")
    child.expect(r"Answer( \[[^\]]*\])?: ")
    child.sendline("/g 0")  # the profile: there are no schools after all
    answer(child, "Profile 1/2", "2")
    child.expect_exact("takes out")
    answer(child, "Profile 2/2", "")
    for heading in ("Training 1/3", "Training 2/3", "Training 3/3"):
        answer(child, heading, "1")
    finish(child)
    [result] = results(hermetic)
    assert result["status"] == "complete" and "drafts" not in result
    assert not any(qid.startswith("schools-") for qid in result["answers"])


def test_quit_then_resume_and_assess_offers_to_continue(hermetic: Path) -> None:
    child = start(hermetic)
    answer(child, "Profile 1/2", "2")
    answer(child, "Profile 2/2", "2")
    answer(child, "Planning 1/4", "3")
    answer(child, "Planning 2/4", "/q")
    child.expect_exact("Saved 1 of 7 answers")
    child.expect(r"prepkit resume (\S+)")
    result_id = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert results(hermetic)[0]["status"] == "in-progress"

    child = spawn(hermetic, "resume")
    child.expect_exact("Assessments in progress")
    child.expect_exact(result_id)
    child.expect_exact("Continue it?")
    child.sendline("")
    answer(child, "Planning 2/4", "/b")  # back crosses into what was answered before the quit
    child.expect_exact("Answer [3 Fully in place]: ")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    child.close()

    child = spawn(hermetic, "assess", DRILL, "--agency", "test town pd")
    child.expect_exact("is in progress (1 of 7 answered")
    child.sendline("y")
    for heading, line in [
        ("Planning 2/4", "1"),
        ("Planning 3/4", "1"),
        ("Planning 4/4", "1"),
        ("Training 1/3", "1"),
        ("Training 2/3", "1"),
        ("Training 3/3", "1"),
    ]:
        answer(child, heading, line)
    finish(child)
    [result] = results(hermetic)
    assert result["id"] == result_id and result["status"] == "complete"
    assert len(result["answers"]) == 9


def test_kill_9_after_the_seventh_answer_loses_nothing(hermetic: Path) -> None:
    child = start(hermetic)
    for heading, line in [
        ("Profile 1/2", "1"),
        ("Profile 2/2", "2"),
        ("Planning 1/4", "2"),
        ("Planning 2/4", "1"),
        ("Planning 3/4", "1"),
        ("Planning 4/4", "3"),
        ("Schools 1/3", "0"),
    ]:
        answer(child, heading, line)
    child.expect_exact("Schools 2/3")  # drawn only after the seventh answer was saved
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL

    listing = run_prepkit("resume")
    assert listing.returncode == 0, listing.stderr
    assert "5 of 10 answered" in listing.stdout
    child = spawn(hermetic, "resume")
    child.expect_exact("Continue it?")
    child.sendline("y")
    child.expect_exact("Schools 2/3")
    child.expect_exact("5 of 10 answered")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [result] = results(hermetic)
    assert list(result["answers"]) == [
        "has-schools",
        "agency-size",
        "planning-policy",
        "planning-review",
        "planning-mutual-aid",
        "planning-medical",
        "schools-maps",
    ]


def test_a_changed_profile_answer_changes_which_questions_are_asked(hermetic: Path) -> None:
    child = start(hermetic)
    answer(child, "Profile 1/2", "yes")
    answer(child, "Profile 2/2", "2")
    for heading in ("Planning 1/4", "Planning 2/4", "Planning 3/4", "Planning 4/4"):
        answer(child, heading, "1")
    answer(child, "Schools 1/3", "3")
    child.expect_exact("Schools 2/3")
    child.expect_exact("5 of 10 answered")
    for _ in range(6):
        child.sendline("/b")
        child.expect(r"Answer \[[^\]]*\]: ")
    child.sendline("/b")
    child.expect_exact("Profile 1/2")
    child.expect_exact("Answer [1 yes]: ")
    child.sendline("no")
    child.expect_exact("This answer takes out 3 questions; 7 apply now.")  # said, not silently dropped
    child.expect_exact("Profile 2/2")
    for _ in range(5):
        child.sendline("")
    child.expect_exact("Training 1/3")  # schools are passed by
    child.expect_exact("4 of 7 answered")  # the school questions no longer count
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [result] = results(hermetic)
    assert result["answers"]["schools-maps"]["value"] == 3  # kept while in progress, in case of a change back


def test_ctrl_c_saves_and_says_how_to_continue(hermetic: Path) -> None:
    child = start(hermetic)
    answer(child, "Profile 1/2", "1")
    child.expect_exact("Profile 2/2")
    child.sendintr()
    child.expect_exact("Interrupted. Saved the profile answers given so far")
    child.expect_exact("prepkit resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert results(hermetic)[0]["answers"]["has-schools"]["choice"] == "yes"


def test_readable_at_60_columns(hermetic: Path) -> None:
    child = spawn(hermetic, "assess", DRILL, "--agency", "A", "--respondent", "", columns=60)
    child.expect_exact("Profile 1/2")
    child.sendline("1")
    child.expect_exact("Profile 2/2")
    child.sendline("1")
    child.expect_exact("Planning 1/4")
    child.expect(r"Answer: ")
    screen = child.before
    child.sendline("/q")
    child.expect(pexpect.EOF)
    lines = [line for line in screen.replace("\r", "").split("\n") if line]
    assert max(len(line) for line in lines) <= 60
    assert any("Fully in place - In place, written down" in line for line in lines)


def test_a_store_that_cannot_be_written_is_reported_without_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    child = spawn(blocker / "store", "assess", DRILL, "--agency", "A", "--respondent", "")
    answer(child, "Profile 1/2", "1")
    child.expect_exact("could not save the assessment")
    child.expect_exact("the next answer tries to save again")
    answer(child, "Profile 2/2", "/q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3  # spec 6: the system refused
    assert "Traceback" not in child.before


def test_rerun_from_previous_confirms_changes_and_carries(hermetic: Path, tmp_path: Path) -> None:
    """--from previous pre-fills last answers: Enter re-verifies, a new answer is a change, unseen is carried."""
    last_year = tmp_path / "last-year.yaml"
    last_year.write_text(
        f"questionnaire: {DRILL}\nagency: Test Town PD\ndate: 2025-11-01\nanswers:\n  has-schools: 'no'\n"
        "  agency-size: small\n  planning-policy: 2\n  planning-review: 1\n  planning-mutual-aid: 3\n"
        "  planning-medical: {value: 0, note: no agreement yet}\n  training-basic: 3\n  training-joint: 1\n"
        "  training-command: 2\n"
    )
    first = run_prepkit("assess", DRILL, "--answers", str(last_year), "--no-report", "--store", str(hermetic))
    assert first.returncode == 0, first.stderr
    child = spawn(hermetic, "assess", DRILL, "--from", "previous", "--agency", "Test Town PD", "--respondent", "")
    child.expect_exact("answers pre-filled")
    answer(child, "Profile 1/2", "")  # Enter: still true
    answer(child, "Profile 2/2", "")
    child.expect_exact("Planning 1/4")
    child.expect_exact("0 confirmed, 7 carried over, of 7")
    answer(child, "", "3")  # a change: now fully in place
    answer(child, "Planning 2/4", "")
    child.expect_exact("Planning 3/4")
    child.expect_exact("2 confirmed, 5 carried over, of 7")  # confirmed is counted apart from carried
    answer(child, "", "/q")  # stop: the rest stays carried, unseen
    child.expect(pexpect.EOF)
    child.close()
    [before, rerun] = sorted(results(hermetic), key=lambda r: str(r["created"]))
    assert rerun["status"] == "in-progress" and rerun["previous"] == before["id"]
    assert rerun["provenance"] == {
        "has-schools": "reverified",
        "agency-size": "reverified",
        "planning-policy": "changed",
        "planning-review": "reverified",
        "planning-mutual-aid": "carried",
        "planning-medical": "carried",
        "training-basic": "carried",
        "training-joint": "carried",
        "training-command": "carried",
    }
    assert rerun["answers"]["planning-medical"]["note"] == "no agreement yet"
    listing = run_prepkit("resume", "--store", str(hermetic))
    assert "2 of 7 confirmed, 5 carried over" in listing.stdout
    child = spawn(hermetic, "resume", str(rerun["id"]))
    answer(child, "Planning 3/4", "")  # continues at the first answer not yet checked
    answer(child, "Planning 4/4", "1")
    for heading in ("Training 1/3", "Training 2/3", "Training 3/3"):
        answer(child, heading, "")
    finish(child)
    done = next(r for r in results(hermetic) if r["id"] == rerun["id"])
    assert done["status"] == "complete"
    assert done["provenance"] == {
        "has-schools": "reverified",
        "agency-size": "reverified",
        "planning-policy": "changed",
        "planning-review": "reverified",
        "planning-mutual-aid": "reverified",
        "planning-medical": "changed",
        "training-basic": "reverified",
        "training-joint": "reverified",
        "training-command": "reverified",
    }


MINI = str(FIXTURES / "pack" / "mini.yaml")


def test_keys_are_scale_values_and_every_answer_is_echoed(hermetic: Path) -> None:
    """0 is Not in place; n on a yes/no/unsure profile question is 'no'; a yes/no question says so."""
    child = spawn(hermetic, "assess", MINI, "--agency", "Keys PD", "--respondent", "")
    child.expect_exact("It takes about")
    child.expect_exact("continue later with prepkit resume")
    child.expect_exact("0, 1, 2, 3")  # the intro explains the keys of the usual scale
    answer(child, "Profile 1/1", "n")  # the start of "no": commands never shadow a label
    child.expect_exact("-> 2 no")
    child.expect_exact("2 questions apply to your agency: about 2 minutes")
    answer(child, "Planning 1/2", "0")
    child.expect_exact("-> 0 Not in place")
    child.expect_exact("Planning 2/2")
    child.expect_exact("The scale changes: Yes/No question (0 No, 1 Yes)")
    child.expect(r"Answer: ")
    child.sendline("2")  # no longer a silent Yes
    child.expect_exact("'2' is not an answer here")
    child.sendline("y")
    child.expect_exact("-> 1 Yes")
    child.expect_exact("Planning done: 33.3, Foundational.")
    child.expect_exact("Review")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [result] = results(hermetic)
    assert result["answers"]["planning-policy"]["value"] == 0
    assert result["answers"]["planning-review"]["value"] == 1
    assert result["answers"]["has-schools"]["choice"] == "no"


def test_jump_by_domain_name_and_search_word_and_undo(hermetic: Path) -> None:
    child = start(hermetic)
    answer(child, "Profile 1/2", "yes")
    answer(child, "Profile 2/2", "1")
    answer(child, "Planning 1/4", "/o")
    child.expect_exact("Outline")
    child.expect_exact("Training")
    child.expect_exact("Go to")
    child.sendline("training")  # a domain by name: its questions, then back where we were
    child.expect_exact("Training: 3 questions.")
    answer(child, "Training 1/3", "1")
    answer(child, "Training 2/3", "1")
    answer(child, "Training 3/3", "1")
    child.expect_exact("Training done:")
    child.expect_exact("Planning 1/4")
    child.expect(r"Answer: ")
    child.sendline("/g floor plans")  # a search word
    answer(child, "Schools 1/2", "2")
    child.expect_exact("-> 2 Partially in place")
    child.expect_exact("Planning 1/4")  # back where the jump started
    child.expect(r"Answer: ")
    child.sendline("/z")  # undo the last answer
    child.expect_exact("Undone: 2 Partially in place; back to no answer.")
    child.expect_exact("Schools 1/2")
    child.expect(r"Answer: ")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    [result] = results(hermetic)
    assert "schools-maps" not in result["answers"]
    assert [result["answers"][q]["value"] for q in ("training-basic", "training-joint", "training-command")] == [
        1,
        1,
        1,
    ]


def test_the_review_explains_levels_and_opens_an_item(hermetic: Path) -> None:
    child = start(hermetic)
    answer(child, "Profile 1/2", "no")
    answer(child, "Profile 2/2", "1")
    for heading, line in [
        ("Planning 1/4", "2"),  # critical, not fully in place: planning is held back
        ("Planning 2/4", "1"),
        ("Planning 3/4", "3"),
        ("Planning 4/4", "3"),
        ("Training 1/3", "3"),
        ("Training 2/3", "/u"),
        ("Training 3/3", "3"),
    ]:
        answer(child, heading, line)
    child.expect_exact("Review")
    child.expect_exact("Planning: 91.7, held at Developing (the score reaches Established): 1 critical item")
    child.expect_exact("Is there a written active assailant policy?")
    child.expect_exact("Don't know (1; /u goes through them):")
    child.expect_exact("3.2")
    child.expect_exact("Critical items not fully in place (1; /c goes through them):")
    child.expect_exact("Your choice: ")
    child.sendline("3.2")  # open any item by its number
    answer(child, "Training 2/3", "2")
    child.expect_exact("Review")  # and back to the review
    child.expect_exact("Your choice: ")
    child.sendline("c")  # each critical gap in turn
    answer(child, "Planning 1/4", "3")
    finish(child)
    [result] = results(hermetic)
    assert result["answers"]["training-joint"]["value"] == 2
    assert result["answers"]["planning-policy"]["value"] == 3


def _zone_past_midnight() -> tuple[str, dt.date]:
    """A fixed-offset zone where it is early tomorrow (or late yesterday) compared with UTC, closest to
    midnight: an evening session in the Americas, or a morning one in Asia, must keep its local date."""
    now = dt.datetime.now(dt.UTC)
    best: tuple[float, str, dt.date] | None = None
    for hours in range(-12, 15):
        local = now + dt.timedelta(hours=hours)
        if local.date() == now.date():
            continue
        minutes = local.hour * 60 + local.minute
        distance = min(minutes, 24 * 60 - minutes)
        name = "Etc/GMT" + ("" if hours == 0 else f"{-hours:+d}")  # the Etc signs are the other way round
        if best is None or distance < best[0]:
            best = (distance, name, local.date())
    assert best is not None
    return best[1], best[2]


def test_the_date_is_the_local_one_near_midnight(hermetic: Path) -> None:
    zone, local_day = _zone_past_midnight()
    child = spawn(hermetic, "assess", MINI, "--agency", "Night Shift PD", "--respondent", "", env={"TZ": zone})
    answer(child, "Profile 1/1", "no")
    answer(child, "Planning 1/2", "3")
    answer(child, "Planning 2/2", "1")
    finish(child)
    [result] = results(hermetic)
    assert result["date"] == local_day.isoformat() != dt.datetime.now(dt.UTC).date().isoformat()
    assert result["timezone"] == zone
    assert result["id"] == f"night-shift-pd-{local_day.isoformat()}"


def test_resume_by_agency_name_and_a_clear_refusal_when_several_fit(hermetic: Path) -> None:
    for agency in ("Riverbend County Sheriff's Office", "Riverside Police Department"):
        child = spawn(hermetic, "assess", MINI, "--agency", agency, "--respondent", "")
        answer(child, "Profile 1/1", "yes")
        answer(child, "Planning 1/2", "/q")
        child.expect(pexpect.EOF)
        child.close()
    ids = sorted(str(r["id"]) for r in results(hermetic))
    today = dt.date.today().isoformat()
    assert ids == [f"riverbend-sheriff-{today}", f"riverside-police-{today}"]
    several = run_prepkit("resume", "river", "--store", str(hermetic))  # not a terminal: no question asked
    assert several.returncode == 2
    assert "'river' is the start of 2 results" in several.stderr
    assert all(result_id in several.stderr for result_id in ids)
    by_name = run_prepkit("resume", "riverbend county", "--store", str(hermetic))
    assert by_name.returncode == 2 and "terminal" in by_name.stderr  # found by name; it asks in a terminal only
    child = spawn(hermetic, "resume", "RIVERBEND")  # the start of a name, in any case
    child.expect_exact("Continuing the assessment of Riverbend County Sheriff's Office")
    answer(child, "Planning 1/2", "3")
    child.expect_exact("Planning 2/2")
    child.sendline("/q")
    child.expect(pexpect.EOF)
    child = spawn(hermetic, "resume", "river")  # in a terminal, it asks which one
    child.expect_exact("2 results fit; newest first:")
    child.expect_exact("Which one?")
    child.sendline("2")
    child.expect_exact("Continuing the assessment of Riverside Police Department")
    child.sendline("/q")
    child.expect(pexpect.EOF)


def test_plain_shows_a_text_count_and_a_terminal_a_bar_with_the_count(hermetic: Path) -> None:
    for env, bar in (({"TERM": "xterm"}, True), ({"TERM": "dumb"}, False)):
        child = spawn(hermetic, "assess", MINI, "--agency", f"{env['TERM']} PD", "--respondent", "", env=env)
        answer(child, "Profile 1/1", "no")
        child.expect_exact("Domain 1 of 2 | ")
        child.expect(r"Answer: ")
        line = child.before.split("\n")[0]
        assert "0 of 2 answered" in line
        assert any(mark in line for mark in "█░#") is bar
        child.sendline("/q")
        child.expect(pexpect.EOF)
        child.close()
    child = spawn(hermetic, "resume", "xterm", "--plain", env={"TERM": "xterm"})
    child.expect_exact("Domain 1 of 2 | 0 of 2 answered\r\n")
    child.sendline("/q")
    child.expect(pexpect.EOF)


def test_help_at_24_rows_shows_the_question_again(hermetic: Path) -> None:
    child = spawn(hermetic, "assess", DRILL, "--agency", "Rows PD", "--respondent", "", columns=60, rows=24)
    answer(child, "Profile 1/2", "1")
    answer(child, "Profile 2/2", "1")
    answer(child, "Planning 1/4", "?")
    child.expect_exact("signed policy")
    child.expect(r"Answer: ")
    after_help = child.before.replace("\r", "")
    assert after_help.rstrip().endswith("/q quit")  # the question and its keys come last, above the prompt
    assert "Is there a written active assailant policy?" in after_help.split("signed policy")[-1]
    child.sendline("/o")
    child.expect_exact("Go to")
    outline = child.before.replace("\r", "")
    assert max(len(line) for line in outline.split("\n")) <= 60
    child.sendline("")
    child.sendline("/q")
    child.expect(pexpect.EOF)
