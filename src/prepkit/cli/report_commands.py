"""`prepkit report`: the capacity report of a saved result or an answers file, as PDF or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prepkit.cli.app import (
    AgencyOption,
    QuestionnaireOption,
    StoreOption,
    app,
    complete_result_refs,
    handled,
    message,
    open_store,
)
from prepkit.cli.helpformat import examples


@app.command(
    epilog=examples(
        'prepkit report latest --marking "LAW ENFORCEMENT SENSITIVE"',
        "prepkit report answers.yaml --format html -o report.html",
    ),
)
@handled
def report(
    result: Annotated[
        str,
        typer.Argument(
            metavar="RESULT",
            help="A saved result (file, id or the start of an agency's name), 'latest' or 'previous', or an "
            "answers file (.yaml).",
            autocompletion=complete_result_refs,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write the report, or - for HTML on standard output "
            "[default: AGENCY_QUESTIONNAIRE_DATE.pdf in the current folder, under a fresh name if taken].",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="pdf|html",
            help="pdf or html [default: from the -o name: .html/.htm html, else pdf].",
            show_default=False,
        ),
    ] = None,
    compare_to: Annotated[
        str,
        typer.Option(
            "--compare-to",
            metavar="RESULT",
            autocompletion=complete_result_refs,
            help="A result (file or id) to compare with, "
            "'previous' (the latest earlier complete result of the same agency and "
            "questionnaire in the store) or 'none'.",
        ),
    ] = "previous",
    marking: Annotated[
        str | None,
        typer.Option(
            "--marking",
            metavar="TEXT",
            help='Handling marking for every page\'s header and footer, e.g. "LAW ENFORCEMENT SENSITIVE".',
        ),
    ] = None,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir",
            metavar="DIR",
            help="A folder of templates that override the bundled ones (report.html.j2, report.css and others).",
            file_okay=False,
        ),
    ] = None,
    pdfa: Annotated[
        bool, typer.Option("--pdfa", help="Write PDF/A-3a (also tagged PDF/UA-1), for records retention.")
    ] = False,
    audience: Annotated[
        str,
        typer.Option(
            "--audience",
            help="full: the technical report; public: levels and plain words for a council or the public, "
            "without question-level findings, notes, evidence, names or resources.",
        ),
    ] = "full",
    force: Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")] = False,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    store: StoreOption = None,
) -> None:
    """Write the capacity report of a result (PDF or HTML).

    Scores, the action plan, findings by domain, and the change and trend since earlier results.
    --agency and --questionnaire choose whose 'latest' or 'previous' result when the store holds several.
    """
    from prepkit import console
    from prepkit.gcpause import paused
    from prepkit.report import report_format, write_report
    from prepkit.report.context import AUDIENCES
    from prepkit.report.loading import load_subject, pick_comparison, plan_at

    if audience not in AUDIENCES:
        raise typer.BadParameter(f"'{audience}' is not one of: {', '.join(AUDIENCES)}", param_hint="--audience")
    chosen = report_format(output, fmt)  # usage errors first, before any work
    if pdfa and chosen != "pdf":
        raise typer.BadParameter("--pdfa applies to PDF reports only", param_hint="--pdfa")
    the_store = open_store(store)
    from prepkit.cli.history_commands import _questionnaire_id

    subject = load_subject(result, the_store, agency, _questionnaire_id(questionnaire))
    before, history, warnings = pick_comparison(the_store, subject, compare_to)
    for warning in warnings:
        console.err().print(f"Warning: {warning}", markup=False)
    plan = plan_at(the_store, subject)
    with paused():  # the process ends next: WeasyPrint's garbage is left to the system
        path = write_report(
            subject,
            output,
            fmt=chosen,
            compare_to=before,
            history=history,
            marking=marking,
            template_dir=template_dir,
            pdfa=pdfa,
            audience="public" if audience == "public" else "full",
            force=force,
            on_warning=lambda m: console.err().print(f"Warning: {m}", markup=False),
            plan=plan,
        )
    if str(path) != "-":
        message(f"Report: {path}")
