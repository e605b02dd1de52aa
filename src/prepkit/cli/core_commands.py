"""Commands on questionnaires and answers: list, validate, score, resources, schema."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prepkit import console
from prepkit.cli.app import JsonOption, StoreOption, app, handled, json_text, report_error
from prepkit.errors import ContentError, ExitCode, PrepkitError

if TYPE_CHECKING:
    from pydantic import BaseModel


@app.command("list")
@handled
def list_command(json_output: JsonOption = False) -> None:
    """List bundled questionnaires and those in $PREPKIT_QUESTIONNAIRES folders."""
    from prepkit.content.questionnaire import list_questionnaires

    listings, errors = list_questionnaires()
    for error in errors:
        report_error(error)
    if json_output:
        rows = [
            {"id": x.id, "version": x.version, "title": x.title, "questions": x.questions, "path": str(x.path)}
            for x in listings
        ]
        print(json_text(rows))
        return
    from rich.table import Table

    table = Table("id", "version", "title", "questions", title="Questionnaires")
    for x in listings:
        table.add_row(x.id, x.version, x.title, str(x.questions))
    console.out().print(table)


@app.command()
@handled
def validate(
    files: Annotated[list[Path], typer.Argument(help="Questionnaires, resource libraries, answers files.")],
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
) -> None:
    """Check files against the format; every problem is reported as FILE:LINE:COL: message."""
    from prepkit.content.sources import validate_path

    failed = 0
    for path in files:
        try:
            validated = validate_path(path)
        except PrepkitError as error:
            failed += 1
            if isinstance(error, ContentError):
                report_error(error)
            else:
                print(f"{path}:1:1: {error}", file=sys.stderr)
            continue
        for warning in validated.warnings:
            print(str(warning), file=sys.stderr)
        if strict and validated.warnings:
            failed += 1
            continue
        print(f"{path}: ok, {validated.summary}")
    if failed:
        raise typer.Exit(int(ExitCode.INVALID))


@app.command()
@handled
def score(
    file: Annotated[
        str, typer.Argument(help="An answers file (.yaml), a saved result (file or id), or 'latest'/'previous'.")
    ],
    questionnaire: Annotated[
        str | None, typer.Option("--questionnaire", "-q", help="Questionnaire id or path (overrides the file's).")
    ] = None,
    json_output: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Score an assessment: per-domain scores and levels, and the gaps in priority order."""
    from prepkit.content.sources import open_assessment
    from prepkit.results.store import Store, default_store_dir
    from prepkit.scoring import score as compute
    from prepkit.scoring import scorecard_json

    assessment = open_assessment(file, Store(default_store_dir(store)), questionnaire)
    q = assessment.questionnaire
    card = compute(q, assessment.answers)
    if json_output:
        print(json_text(scorecard_json(q, card, assessment.agency)))
        return
    from prepkit.cli.show import print_scorecard

    print_scorecard(q, card, assessment.agency)


@app.command()
@handled
def resources(
    text: Annotated[str | None, typer.Argument(help="Words to look for in title, publisher, summary.")] = None,
    topic: Annotated[str | None, typer.Option("--topic", "-t", help="Only resources with this topic.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Search the resource library."""
    from prepkit.content.library import search_resources

    found = search_resources(text, topic)
    if json_output:
        print(json_text([r.model_dump(mode="json") for r in found]))
        return
    from rich.table import Table

    table = Table("id", "title", "publisher", "year", "url", title=f"{len(found)} resources")
    for r in found:
        table.add_row(r.id, r.title, r.publisher or "", str(r.year or ""), r.url or "")
    console.out().print(table)


@app.command()
@handled
def schema(
    kind: Annotated[str, typer.Argument(help="questionnaire, answers or resources")],
) -> None:
    """Print the JSON Schema of a file format, for completion and checking in editors."""
    from prepkit.content.models import AnswersFile, Questionnaire, ResourceLibrary

    models: dict[str, type[BaseModel]] = {
        "questionnaire": Questionnaire,
        "answers": AnswersFile,
        "resources": ResourceLibrary,
    }
    if kind not in models:
        raise typer.BadParameter(f"'{kind}' is not one of: {', '.join(models)}", param_hint="KIND")
    document = models[kind].model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    print(json_text(document))
