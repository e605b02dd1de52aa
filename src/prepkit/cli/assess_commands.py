"""`prepkit assess` and `prepkit resume`: the interactive assessment, saved after every answer."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prepkit import console
from prepkit.cli.app import (
    StoreOption,
    app,
    command_name,
    complete_questionnaire_ids,
    complete_result_ids,
    complete_result_refs,
    handled,
    json_text,
    message,
    open_store,
    report_error,
)
from prepkit.cli.helpformat import examples
from prepkit.errors import ContentError, ExitCode, PrepkitError, SystemRefusal, UsageError, os_reason

if TYPE_CHECKING:
    from prepkit.assess.autosave import Autosave, StoreContents
    from prepkit.cli.interview_view import Screen
    from prepkit.content.models import Answer, Questionnaire
    from prepkit.results.model import Provenance, Result
    from prepkit.results.store import Store

NO_TTY = (
    "prepkit {command} asks its questions in a terminal, and standard input is not one; "
    "to assess without prompts, pass --answers FILE (an answers file)"
)

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Where to write the report (.pdf, or .html/.htm for HTML; - for HTML on standard output) "
        "[default: AGENCY_QUESTIONNAIRE_DATE.pdf here, under a fresh name if taken].",
        show_default=False,
    ),
]
NoReportOption = Annotated[bool, typer.Option("--no-report", help="Save the result without writing a report.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")]


@dataclass(frozen=True)
class ReportRequest:
    """What the user asked for the report written at the end: where, whether at all, may it replace."""

    output: Path | None = None
    no_report: bool = False
    force: bool = False


PlainOption = Annotated[
    bool,
    typer.Option(
        "--plain", help="Text only: the progress bar becomes a count (also with TERM=dumb), for screen readers."
    ),
]


@app.command(
    epilog=examples(
        "prepkit assess active-assailant",
        "prepkit assess active-assailant --answers answers.yaml --json",
    ),
)
@handled
def assess(
    questionnaire: Annotated[
        str,
        typer.Argument(
            metavar="QUESTIONNAIRE",
            help="Questionnaire id (see prepkit list) or path to a .yaml file.",
            autocompletion=complete_questionnaire_ids,
        ),
    ],
    answers: Annotated[
        Path | None, typer.Option("--answers", metavar="FILE", help="Answers file: assess without any prompt.")
    ] = None,
    agency: Annotated[
        str | None, typer.Option("--agency", "-a", metavar="NAME", help="Agency name (asked when not given).")
    ] = None,
    respondent: Annotated[
        str | None, typer.Option("--respondent", metavar="NAME", help="Who answers: name or role.")
    ] = None,
    from_result: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="RESULT",
            help="Start from an earlier result: 'previous' (this agency's latest complete one), an id or "
            "a path. Its answers are pre-filled; Enter confirms each as still true.",
            autocompletion=complete_result_refs,
        ),
    ] = None,
    output: OutputOption = None,
    no_report: NoReportOption = False,
    json_output: Annotated[
        bool,
        typer.Option("--json", help="With --answers: print the saved result's id, path and scores as JSON."),
    ] = False,
    force: ForceOption = False,
    plain: PlainOption = False,
    store: StoreOption = None,
) -> None:
    """Assess an agency, in the terminal or from an answers file.

    In a terminal, prepkit asks each question and saves after every answer; q saves and quits, and
    `prepkit resume` continues. With --answers FILE it asks nothing: it saves the result, prints the
    scores and writes the report.
    """
    from prepkit.cli.prompt_input import text_problem
    from prepkit.content.models import MAX_NAME
    from prepkit.content.questionnaire import resolve_questionnaire

    if agency is not None and not agency.strip():
        raise UsageError("--agency needs a name")
    if json_output and answers is None:
        raise UsageError("--json goes with --answers FILE; an assessment in the terminal prints no JSON")
    for option, value in (("--agency", agency), ("--respondent", respondent)):
        if value is not None and (problem := text_problem(value.strip(), MAX_NAME)):
            raise UsageError(f"{option}: {problem.split(';')[0]}")
    wanted = _report_request(output, no_report, force)
    q = resolve_questionnaire(questionnaire)
    the_store = open_store(store)
    if answers is not None:
        if agency is not None or respondent is not None:
            raise UsageError(
                "--agency and --respondent are asked for in a terminal; an answers file names its "
                "own agency and respondent"
            )
        _assess_from_file(q, answers, the_store, wanted, from_result, json_output=json_output)
        return
    _require_terminal("assess")
    from prepkit.cli.interview_view import Screen, local_time

    screen = Screen(console.out(), plain=plain)
    screen.intro(q)
    contents = _read_store(the_store)
    name = agency.strip() if agency else screen.ask_text("Agency name", contents.last_agency(q.id), required=True)
    if name is None:
        message("No agency given; nothing was saved.")
        return
    ongoing = contents.in_progress(q.id, name)
    if ongoing:
        path, earlier = ongoing[0]
        if screen.confirm(
            f"An assessment for {earlier.agency} is in progress ({_summary(the_store, path)[1]}, "
            f"last saved {local_time(earlier.updated)}). Continue it?"
        ):
            if earlier.questionnaire.hash != q.content_hash:
                console.out().print(
                    f"It was started with version {earlier.questionnaire.version} of this "
                    "questionnaire, which has changed since; it continues with that version."
                )
            _continue(the_store, path, wanted, screen)
            return
    previous = None
    if from_result is not None:
        from prepkit.assess.rerun import resolve_previous

        previous = resolve_previous(the_store, from_result, q.id, name)
    who = respondent if respondent is not None else screen.ask_text("Respondent (name or role, optional)", None)
    from prepkit.assess.autosave import Autosave

    autosave = Autosave.start(the_store, q, name, (who or "").strip() or None)
    if previous is not None:
        autosave = _start_rerun(autosave, previous, q)
        console.out().print(
            f"Starting from the assessment of {previous.date} ({len(autosave.result.answers)} "
            "answers pre-filled). Press Enter to confirm an answer is still true, or give a new "
            "one; answers you never see are marked as carried over, not checked. The progress line counts "
            "the answers confirmed apart from those carried over."
        )
    _interview(autosave, wanted, screen)


def _start_rerun(autosave: Autosave, previous: Result, q: Questionnaire) -> Autosave:
    from prepkit.assess.rerun import prefill_from

    prefill = prefill_from(previous, q)
    autosave.result = autosave.result.model_copy(
        update={"answers": prefill, "previous": previous.id, "provenance": dict.fromkeys(prefill, "carried")}
    )
    return autosave


@app.command(
    epilog=examples(
        "prepkit resume",
        "prepkit resume --json",
    ),
)
@handled
def resume(
    result: Annotated[
        str | None,
        typer.Argument(
            metavar="RESULT",
            help="In-progress result: id, path or the start of the agency's name; without it, list them.",
            autocompletion=complete_result_ids,
        ),
    ] = None,
    output: OutputOption = None,
    no_report: NoReportOption = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the assessments in progress as JSON, and ask nothing.")
    ] = False,
    force: ForceOption = False,
    plain: PlainOption = False,
    store: StoreOption = None,
) -> None:
    """List assessments in progress and continue one.

    Without RESULT, it lists them and, in a terminal, offers to continue one.
    """
    wanted = _report_request(output, no_report, force)
    from prepkit.cli.interview_view import Screen

    if json_output and result is not None:
        raise UsageError("--json lists the assessments in progress; give no RESULT with it")
    the_store = open_store(store)
    contents = _read_store(the_store)
    screen = Screen(console.out(), plain=plain)
    interactive = sys.stdin.isatty()
    if result is not None:
        path = the_store.find_id(result, wanted=lambda r: r.status == "in-progress")
        if not interactive:
            raise UsageError(NO_TTY.format(command="resume"))
    else:
        ongoing = contents.in_progress()
        if json_output:
            print(json_text([_progress_json(the_store, p, r) for p, r in ongoing]))
            return
        damaged = len(contents.damaged)  # named above by _read_store; counted here (spec 5)
        if not ongoing:
            message("No assessment in progress" + (f" ({damaged} skipped as unreadable)." if damaged else "."))
            return
        screen.in_progress_table([(r, *_summary(the_store, p)) for p, r in ongoing], skipped=damaged)
        if not interactive:
            return
        if len(ongoing) == 1:
            chosen: int | None = 0 if screen.confirm("Continue it?") else None
        else:
            chosen = screen.choose("Continue which one?", len(ongoing))
        if chosen is None:
            return
        path = ongoing[chosen][0]
    _continue(the_store, path, wanted, screen)


def _report_request(output: Path | None, no_report: bool, force: bool) -> ReportRequest:
    """The report wanted at the end, checked now: a bad -o fails before the questions, not after."""
    wanted = ReportRequest(output, no_report, force)
    if output is not None and not no_report:
        from prepkit.fsutil import STDOUT, refuse_special
        from prepkit.report import report_format

        report_format(output)
        if str(output) != STDOUT and refuse_special(output) and not force:
            raise UsageError(f"{output} exists; pass --force to replace it, or choose another name")
    return wanted


def _require_terminal(command: str) -> None:
    if not sys.stdin.isatty():
        raise UsageError(NO_TTY.format(command=command))


def _read_store(store: Store) -> StoreContents:

    from prepkit.assess.autosave import read_store

    contents = read_store(store)
    for damaged in contents.damaged:
        report_error(damaged.error)
        if damaged.moved_to is not None:
            console.err().print(
                f"Damaged in-progress assessment kept aside as {damaged.moved_to!s}; it was not changed."
            )
    return contents


def _progress(store: Store, path: Path) -> tuple[str, int, int, str] | None:
    """An in-progress result's questionnaire title, answered and applicable counts, and how far it got in
    words ('7 of 12 answered'; in a rerun '5 of 12 confirmed, 7 carried over'); None if unreadable."""
    from prepkit.assess.interview import Interview
    from prepkit.results.gate import questionnaire_of

    try:
        result = store.load(path)
        q = questionnaire_of(result)
    except ContentError as error:
        report_error(error)
        return None
    answered, applicable = Interview(q, result.answers).progress()
    text = f"{answered} of {applicable} answered"
    if result.previous is not None:  # a rerun: what was confirmed apart from what is only carried over
        confirmed, carried, _ = Interview(q, result.answers, checked=_checked(result)).rerun_progress()
        text = f"{confirmed} of {applicable} confirmed, {carried} carried over"
    return q.title, answered, applicable, text


def _summary(store: Store, path: Path) -> tuple[str, str]:
    """An in-progress result's questionnaire title and how far it got, e.g. '7 of 12 answered'."""
    progress = _progress(store, path)
    if progress is None:
        return path.stem, "cannot be continued"
    return progress[0], progress[3]


def _progress_json(store: Store, path: Path, result: Result) -> dict[str, object]:
    progress = _progress(store, path)
    return {
        "id": result.id,
        "path": str(path),
        "agency": result.agency,
        "questionnaire": result.questionnaire.id,
        "version": result.questionnaire.version,
        "title": progress[0] if progress else None,
        "answered": progress[1] if progress else None,
        "applicable": progress[2] if progress else None,
        "updated": result.updated.isoformat(),
        "resume": f"{command_name()} resume {result.id}",
    }


def _checked(result: Result) -> set[str]:
    """The answers of a rerun that a session showed and the user gave, confirmed or changed."""
    return {qid for qid, how in result.provenance.items() if how != "carried"}


def _continue(store: Store, path: Path, wanted: ReportRequest, screen: Screen) -> None:
    from prepkit.assess.autosave import Autosave

    autosave = Autosave.resume(store, path)  # Busy (naming the holder) if another prepkit has it open
    result = autosave.result
    if result.status != "in-progress":
        autosave.release()
        raise UsageError(f"{result.id} is already complete; start a new assessment with {command_name()} assess")
    screen.resuming(result)
    _interview(autosave, wanted, screen)


def _interview(autosave: Autosave, wanted: ReportRequest, screen: Screen) -> None:
    from prepkit.assess.interview import Interview, Mode
    from prepkit.assess.rerun import confirmable, session_provenance
    from prepkit.results.gate import questionnaire_of

    q = questionnaire_of(autosave.result)
    rerun = autosave.result.previous is not None
    to_confirm = confirmable(autosave.result) if rerun else {}
    earlier = dict(autosave.result.provenance)
    interview = Interview(
        q,
        autosave.result.answers,
        confirming=rerun,
        start="beginning" if rerun and not autosave.saved else "resume",
        checked=_checked(autosave.result) if rerun else (),
        drafts={qid: (draft.note, draft.evidence) for qid, draft in autosave.result.drafts.items()},
    )
    if rerun:
        screen.plan_notes = _plan_notes(autosave.store, autosave.result.agency, q)
    unchecked = [qid for qid, p in autosave.result.provenance.items() if p == "carried"]
    if rerun and autosave.saved and unchecked:
        interview.go_to(unchecked[0])  # a resumed rerun continues at the first answer not yet checked

    def provenance(answers: dict[str, Answer]) -> dict[str, Provenance] | None:
        return session_provenance(to_confirm, answers, interview.seen, earlier) if rerun else None

    def save(answers: dict[str, Answer], complete: bool = False) -> Path:
        # finished, every question that applies has its answer: a draft left belongs to one that does
        # not apply, and goes with the answers to such questions (final_answers)
        drafts = {} if complete else interview.saved_drafts()
        return _save(autosave, answers, complete=complete, provenance=provenance(answers), drafts=drafts)

    def save_progress() -> None:
        try:
            save(interview.saved_answers())
        except PrepkitError as error:  # keep asking (a full disk, a lost folder): the next answer tries again
            report_error(error)
            console.err().print("Your answers are kept while prepkit runs; the next answer tries to save again.")

    try:
        with interrupted_by_signals():
            try:
                mode = screen.run(interview, save_progress)
            except KeyboardInterrupt:  # Ctrl-C, SIGTERM, SIGHUP: save, say how to go on, exit 130
                if interview.answers or interview.saved_drafts() or autosave.saved:
                    save(interview.saved_answers())
                with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                    screen.quit_message(autosave, interview, interrupted=True)
                raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
            if mode is Mode.QUIT:
                if interview.answers or interview.saved_drafts() or autosave.saved:
                    save(interview.saved_answers())
                screen.quit_message(autosave, interview)
                return
            path = save(interview.final_answers(), complete=True)
    finally:
        autosave.release()
    screen.saved(path)
    _finish(autosave.store, autosave.result, wanted)


@contextlib.contextmanager
def interrupted_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP act as Ctrl-C while answers are being typed: saved, then the resume hint."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {sig: signal.signal(sig, interrupt) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _plan_notes(store: Store, agency: str, q: Questionnaire) -> dict[str, str]:
    """The improvement plan's items marked done, to confirm in a rerun; none when there is no readable plan."""
    from prepkit.plan.changelog import now_local
    from prepkit.plan.planfile import existing_plan
    from prepkit.plan.reminders import done_reminders

    plan = existing_plan(store, agency, q.id, at=now_local())
    return {} if plan is None else done_reminders(plan, q)


def _save(
    autosave: Autosave,
    answers: dict[str, Answer],
    *,
    complete: bool = False,
    provenance: dict[str, Provenance] | None = None,
    drafts: dict[str, tuple[str | None, str | None]] | None = None,
) -> Path:
    """Save, or a one-line error naming the file (full disk, lost permissions) instead of a traceback."""
    try:
        return autosave.save(answers, complete=complete, provenance=provenance, drafts=drafts)
    except (OSError, SystemRefusal) as error:
        raise _not_saved(autosave.path, error) from None


def _not_saved(path: Path, error: OSError | SystemRefusal) -> SystemRefusal:
    """Exit 3 (spec 6): one line naming the path the system refused and why."""
    if isinstance(error, SystemRefusal):
        return SystemRefusal(error.path, f"could not save the assessment: {error.reason}")
    return SystemRefusal(error.filename or path, f"could not save the assessment: {os_reason(error)}")


# What pick_comparison gives: the result compared with, the earlier results of the trend, warnings.
Series = tuple["Result | None", list["Result"], list[str]]


def _finish(store: Store, result: Result, wanted: ReportRequest, *, show: bool = True) -> Path | None:
    """The change since the previous assessment, then the report; the agency's series is read once
    for both (the report's trend needs all of it, the comparison only its latest)."""
    series = None
    if not wanted.no_report:
        from prepkit.report.loading import pick_comparison

        series = pick_comparison(store, result, "previous")
    if show:
        _show_comparison(store, result, series)
    return write_report_for(result, store, wanted, series)


def _assess_from_file(
    q: Questionnaire,
    answers: Path,
    store: Store,
    wanted: ReportRequest,
    from_result: str | None = None,
    *,
    json_output: bool = False,
) -> None:
    from prepkit.assess.rerun import save_answers_as_result
    from prepkit.results.gate import questionnaire_of
    from prepkit.scoring import score, scorecard_json

    try:
        result = save_answers_as_result(answers, store, q, previous=from_result)
    except (OSError, SystemRefusal) as error:
        raise _not_saved(store.results_dir, error) from None
    saved = store.path_of(result.id)
    message(f"Saved {saved}")
    if result.status != "complete":
        message(
            "Some questions that apply have no answer, so the assessment is saved as in progress; continue it with:"
        )
        message(f"  {command_name()} resume {result.id}")
    q = questionnaire_of(result)
    card = score(q, result.answers)
    if not wanted.no_report and not json_output:
        from prepkit.cli.show import print_scorecard

        print_scorecard(q, card, result.agency)
    report = _finish(store, result, wanted, show=not json_output)
    if json_output:
        data = {
            "id": result.id,
            "path": str(saved),
            "status": result.status,
            "report": str(report) if report else None,
            **scorecard_json(q, card, result.agency),
        }
        print(json_text(data))


def _show_comparison(store: Store, result: Result, series: Series | None) -> None:
    """The change since the agency's previous complete assessment, the one its report compares with
    (series: what pick_comparison read for the report, else the previous result is looked up here)."""
    from prepkit.cli.interview_view import print_comparison
    from prepkit.history.timeline import compare_results, previous_of

    if result.status != "complete":
        return
    try:
        if series is not None:
            previous = series[0]
        else:
            entry = previous_of(store, result)
            previous = None if entry is None else entry.result
        if previous is None:
            return
        comparison = compare_results(previous, result)
    except ContentError as error:
        report_error(error)
        return
    print_comparison(console.out(), previous, comparison)


def write_report_for(
    result: Result,
    store: Store,
    wanted: ReportRequest | None = None,
    series: Series | None = None,
) -> Path | None:
    """Write the report of a saved result (compared with the previous one) and return its path.
    series: pick_comparison(store, result, "previous") when the caller has read it already.

    The result is saved before this runs, so a report that cannot be written loses nothing.
    """
    wanted = wanted or ReportRequest()
    if wanted.no_report:
        return None
    from prepkit.report import report_format, write_report
    from prepkit.report.loading import pick_comparison, plan_at

    before, history, warnings = series or pick_comparison(store, result, "previous")
    for warning in warnings:
        console.err().print(f"Warning: {warning}", markup=False)
    console.err().print("Writing the report...", markup=False)
    path = write_report(
        result,
        wanted.output,
        fmt=report_format(wanted.output),
        compare_to=before,
        history=history,
        force=wanted.force,
        on_warning=lambda m: console.err().print(f"Warning: {m}", markup=False),
        plan=plan_at(store, result),
    )
    message(f"Report: {path}")
    return path
