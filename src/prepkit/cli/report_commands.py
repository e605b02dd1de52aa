"""`prepkit report`: the capacity report of a saved result or an answers file, as PDF or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prepkit.cli.app import StoreOption, app, handled


@app.command()
@handled
def report(
    result: Annotated[
        str, typer.Argument(help="A saved result (file, id, or 'latest'/'previous') or an answers file (.yaml).")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the report, or - for HTML on standard output "
            "[default: AGENCY_QUESTIONNAIRE_DATE.pdf in the current folder, under a fresh name if taken].",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="pdf or html [default: from the -o name: .html/.htm html, else pdf].", show_default=False
        ),
    ] = None,
    compare_to: Annotated[
        str,
        typer.Option(
            "--compare-to",
            help="A result (file or id) to compare with, "
            "'previous' (the latest earlier complete result of the same agency and "
            "questionnaire in the store) or 'none'.",
        ),
    ] = "previous",
    marking: Annotated[
        str | None,
        typer.Option(
            "--marking", help='Handling marking for every page\'s header and footer, e.g. "LAW ENFORCEMENT SENSITIVE".'
        ),
    ] = None,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir",
            help="A folder of templates that override the bundled ones (report.html.j2, report.css, ...).",
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
    store: StoreOption = None,
) -> None:
    """Write the capacity report: scores, action plan, findings by domain, change and trend."""
    from prepkit import console
    from prepkit.report import report_format, write_report
    from prepkit.report.context import AUDIENCES
    from prepkit.report.loading import load_subject, pick_comparison, plan_at
    from prepkit.results.store import Store, default_store_dir

    if audience not in AUDIENCES:
        raise typer.BadParameter(f"'{audience}' is not one of: {', '.join(AUDIENCES)}", param_hint="--audience")
    chosen = report_format(output, fmt)  # usage errors first, before any work
    if pdfa and chosen != "pdf":
        raise typer.BadParameter("--pdfa applies to PDF reports only", param_hint="--pdfa")
    the_store = Store(default_store_dir(store))
    subject = load_subject(result, the_store)
    before, history, warnings = pick_comparison(the_store, subject, compare_to)
    for warning in warnings:
        console.err().print(f"Warning: {warning}", markup=False)
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
        plan=plan_at(the_store, subject),
    )
    if str(path) != "-":
        print(path)
