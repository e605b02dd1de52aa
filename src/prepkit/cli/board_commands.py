"""`prepkit sign` (the chief's approval of a result) and `prepkit packet` (what goes to the state board)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prepkit.cli.app import (
    AgencyOption,
    QuestionnaireOption,
    StoreOption,
    app,
    complete_result_refs,
    handled,
    message,
)
from prepkit.cli.helpformat import examples
from prepkit.errors import UsageError

if TYPE_CHECKING:
    from prepkit.report.board import PlanCsv
    from prepkit.results.model import Result
    from prepkit.results.store import Store


@app.command(
    epilog=examples(
        'prepkit sign latest --name "Chief Ana Ruiz" --title "Chief of Police"',
        'prepkit sign 20261120-093015 --name "Chief Ana Ruiz" --title "Chief of Police" --date 2026-12-01',
    ),
)
@handled
def sign(
    result: Annotated[
        str,
        typer.Argument(
            metavar="RESULT",
            help="A result in the store: id, path, or 'latest'/'previous'.",
            autocompletion=complete_result_refs,
        ),
    ],
    name: Annotated[
        str, typer.Option("--name", metavar="NAME", help='Who approves the result, e.g. "Chief Ana Ruiz".')
    ],
    title: Annotated[str, typer.Option("--title", metavar="TITLE", help='Their title, e.g. "Chief of Police".')],
    date: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="Approval date, YYYY-MM-DD [default: today].", show_default=False),
    ] = None,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    store: StoreOption = None,
) -> None:
    """Record the chief's approval of a complete result.

    The approval is bound to the result's answers (a fingerprint, printed): reports then show it, and a
    later change to the answers shows that the approval no longer holds.
    """
    from prepkit.cli.history_commands import _questionnaire_id
    from prepkit.content.yamlio import control_character_message
    from prepkit.results.approval import sign as sign_result
    from prepkit.results.store import Store, default_store_dir

    for option, value in (("--name", name), ("--title", title)):
        problem = control_character_message(value)
        if problem:
            raise UsageError(f"{option}: {problem}")
        if len(value) > 200:
            raise UsageError(f"{option} is longer than 200 characters")
    when: dt.date | None = None
    if date is not None:
        try:
            when = dt.date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"--date '{date}' is not a date (YYYY-MM-DD)") from None
    from prepkit.history.timeline import find_result, is_relative

    the_store = Store(default_store_dir(store))
    qid = _questionnaire_id(questionnaire)
    subject = (
        find_result(the_store, result, agency, qid)
        if is_relative(result)
        else the_store.load(the_store.find_id(result))
    )
    before = subject.approval
    signed = sign_result(subject, name, title, when)
    the_store.save(signed, replace=True)
    approval = signed.approval
    assert approval is not None
    if before is not None:
        message(f"Replaced the approval by {before.name} ({before.date}).")
    message(f"Signed {signed.id}: {approval.name}, {approval.title}, {approval.date}")
    message(f"Fingerprint {approval.fingerprint}")


@app.command(
    epilog=examples(
        "prepkit packet latest -o riverbend-2026.prepkit",
        'prepkit packet 20261120-093015 -o riverbend-2026.prepkit --marking "FOR OFFICIAL USE ONLY"',
    ),
)
@handled
def packet(
    result: Annotated[
        str,
        typer.Argument(
            metavar="RESULT",
            help="A signed result: id, path, or 'latest'/'previous'.",
            autocompletion=complete_result_refs,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help="The packet file to write (*.prepkit, a zip)."),
    ],
    marking: Annotated[
        str | None,
        typer.Option("--marking", metavar="TEXT", help="The public summary's marking [default: none]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")] = False,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    store: StoreOption = None,
) -> None:
    """Write the packet of a signed result for the state board.

    The packet (a zip) holds the signed result with its questionnaire, the public summary PDF, the
    improvement plan's CSV if there is one, and a manifest of SHA-256 hashes.
    """
    from prepkit import console
    from prepkit.cli.history_commands import _questionnaire_id
    from prepkit.fsutil import STDOUT, refuse_special, write_output
    from prepkit.history.timeline import find_result
    from prepkit.report.board import make_packet
    from prepkit.results.store import Store, default_store_dir

    if str(output) == STDOUT:
        raise UsageError("a packet is a binary file (a zip); give it a file name")
    if refuse_special(output) and not force:  # before the work
        raise UsageError(f"{output} exists; pass --force to replace it, or choose another name")
    the_store = Store(default_store_dir(store))
    subject = find_result(the_store, result, agency, _questionnaire_id(questionnaire))
    messages: list[str] = []
    plan_csv, plan_counts = _plan_parts(the_store, subject)
    data = make_packet(subject, marking=marking, messages=messages, plan_csv=plan_csv, plan_counts=plan_counts)
    for warning in messages:
        console.err().print(f"Warning: {warning}", markup=False)
    message(f"Wrote {write_output(output, data, force=force)}")


def _plan_parts(store: Store, subject: Result) -> tuple[PlanCsv | None, dict[str, int] | None]:
    """The improvement plan's CSV (the `plan export` columns) and its counts by status, when the agency's
    plan stands at this result; (None, None) otherwise."""
    from prepkit.plan.changelog import now_local
    from prepkit.plan.csvio import plan_csv
    from prepkit.plan.model import status_counts
    from prepkit.report.loading import plan_at

    plan = plan_at(store, subject)
    if plan is None:
        return None, None
    today = now_local().date()
    return (lambda _result: plan_csv(plan, today, excel=True)), status_counts(plan)
