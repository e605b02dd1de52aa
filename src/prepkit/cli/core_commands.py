"""Commands on questionnaires and answers: list, example, validate, score, resources, schema."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from prepkit import console
from prepkit.cli.app import (
    JsonOption,
    StoreOption,
    app,
    complete_questionnaire_ids,
    complete_result_refs,
    handled,
    json_text,
    message,
    report_error,
)
from prepkit.cli.helpformat import examples
from prepkit.errors import ContentError, ExitCode, PrepkitError, UsageError

if TYPE_CHECKING:
    from prepkit.errors import Problem
    from prepkit.results.store import Store


def print_json(data: object) -> None:
    print(json_text(data))


@app.command(
    "list",
    epilog=examples("prepkit list", "prepkit list --json"),
)
@handled
def list_command(json_output: JsonOption = False) -> None:
    """List the questionnaires you can take.

    The bundled questionnaires, and those in the folders named by $PREPKIT_QUESTIONNAIRES (separated
    by ':'), which come first.
    """
    from prepkit.content.questionnaire import list_questionnaires

    listings, errors = list_questionnaires()
    for error in errors:
        report_error(error)
    if json_output:
        print_json(
            [
                {"id": x.id, "version": x.version, "title": x.title, "questions": x.questions, "path": str(x.path)}
                for x in listings
            ]
        )
        return
    from rich.table import Table

    table = Table("id", "version", "title", "questions", title="Questionnaires")
    for x in listings:
        table.add_row(x.id, x.version, x.title, str(x.questions))
    console.out().print(table)


def _complete_examples(incomplete: str) -> list[str]:
    from prepkit.content.examples import list_examples

    return [e.name for e in list_examples() if e.name.startswith(incomplete)]


@app.command(
    epilog=examples(
        "prepkit example",
        "prepkit example county-sheriff-answers -o answers.yaml",
    ),
)
@handled
def example(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME",
            help="The example to print; without it, list the examples.",
            autocompletion=_complete_examples,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Copy the example to this file instead of printing it."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Print or copy an example answers file, to try prepkit out.

    The examples answer the bundled questionnaires for fictional agencies; copy one, change the answers,
    and score it or assess with it.
    """
    from prepkit.content.examples import example_text, list_examples

    if name is None:
        found = list_examples()
        if json_output:
            print_json(
                [
                    {"name": e.name, "questionnaire": e.questionnaire, "agency": e.agency, "path": str(e.path)}
                    for e in found
                ]
            )
            return
        from rich.table import Table

        table = Table("name", "questionnaire", "agency", title="Examples")
        for e in found:
            table.add_row(e.name, e.questionnaire, e.agency)
        console.out().print(table)
        return
    if json_output:
        raise UsageError("--json lists the examples; give no NAME, or leave out --json to print one")
    text = example_text(name)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from prepkit.fsutil import write_private

    try:
        write_private(output, text.encode(), exclusive=not force)
    except FileExistsError:
        raise UsageError(f"{output} exists; add --force to replace it") from None
    message(f"Wrote {output}")


def _problem_json(problem: Problem) -> dict[str, object]:
    return {"file": problem.file, "line": problem.line, "column": problem.column, "message": problem.message}


@app.command(
    epilog=examples(
        "prepkit validate my-pack/*.yaml",
        "prepkit validate --strict --json questionnaire.yaml",
    ),
)
@handled
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILES", help="Questionnaires, resource libraries, answers files or result files (.json)."
        ),
    ],
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
    json_output: Annotated[
        bool,
        typer.Option("--json", help="Print a JSON list, one object per file: ok, kind, summary, problems, warnings."),
    ] = False,
) -> None:
    """Check questionnaires, resource libraries and answers files.

    Prints FILE: ok for each valid file; every problem goes to standard error as FILE:LINE:COL: message
    (and into the JSON with --json). Exit 1 if any file has a problem (or, with --strict, a warning).
    """
    from prepkit.content.sources import validate_path

    failed = 0
    records: list[dict[str, object]] = []
    for path in files:
        try:
            validated = validate_path(path)
        except PrepkitError as error:
            failed += 1
            problems = error.problems if isinstance(error, ContentError) else []
            if isinstance(error, ContentError):
                report_error(error)
            else:
                print(f"{path}:1:1: {error}", file=sys.stderr)
            records.append(
                {
                    "file": str(path),
                    "ok": False,
                    "kind": None,
                    "summary": None,
                    "problems": [_problem_json(p) for p in problems] or [_whole_file(path, str(error))],
                    "warnings": [],
                }
            )
            continue
        if validated.warnings:  # one write: a large questionnaire can have thousands
            print("\n".join(map(str, validated.warnings)), file=sys.stderr)
        ok = not (strict and validated.warnings)
        failed += not ok
        records.append(
            {
                "file": str(path),
                "ok": ok,
                "kind": validated.kind,
                "summary": validated.summary,
                "problems": [],
                "warnings": [_problem_json(w) for w in validated.warnings],
            }
        )
        if ok and not json_output:
            print(f"{path}: ok, {validated.summary}")
    if json_output:
        print_json(records)
    if failed:
        raise typer.Exit(int(ExitCode.INVALID))


def _whole_file(path: Path, text: str) -> dict[str, object]:
    return {"file": str(path), "line": 1, "column": 1, "message": text}


@app.command(
    epilog=examples(
        "prepkit score answers.yaml",
        "prepkit score answers.yaml --json",
    ),
)
@handled
def score(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="An answers file (.yaml), a saved result (file or id), or 'latest'/'previous'.",
            autocompletion=complete_result_refs,
        ),
    ],
    questionnaire: Annotated[
        str | None,
        typer.Option(
            "--questionnaire",
            "-q",
            metavar="ID",
            help="Questionnaire id or path (overrides the answers file's).",
            autocompletion=complete_questionnaire_ids,
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the scores as JSON (the format other tools read).")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Score an assessment: domain scores, levels and the top gaps."""
    from prepkit.content.sources import open_assessment
    from prepkit.scoring import score as compute
    from prepkit.scoring import scorecard_json

    def the_store() -> Store:
        from prepkit.results.store import Store, default_store_dir

        return Store(default_store_dir(store))

    assessment = open_assessment(file, the_store, questionnaire)
    q = assessment.questionnaire
    card = compute(q, assessment.answers)
    if json_output:
        print_json(scorecard_json(q, card, assessment.agency))
        return
    from prepkit.cli.show import print_scorecard

    print_scorecard(q, card, assessment.agency)


@app.command(
    epilog=examples(
        'prepkit resources "bleeding control"',
        "prepkit resources --topic schools --json",
    ),
)
@handled
def resources(
    text: Annotated[
        str | None, typer.Argument(metavar="TEXT", help="Words to look for in title, publisher, summary.")
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", metavar="TOPIC", help="Only resources with this topic.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Search the resource library."""
    from prepkit.content.library import search_resources

    found = search_resources(text, topic)
    if json_output:
        print_json([r.model_dump(mode="json") for r in found])
        return
    from rich.table import Table

    table = Table("id", "title", "publisher", "year", "url", title=f"{len(found)} resources")
    for r in found:
        table.add_row(r.id, r.title, r.publisher or "", str(r.year or ""), r.url or "")
    console.out().print(table)


@app.command(
    epilog=examples(
        "prepkit schema questionnaire > questionnaire.schema.json",
        "prepkit schema answers > answers.schema.json",
    ),
)
@handled
def schema(
    kind: Annotated[
        Literal["questionnaire", "answers", "resources"],
        typer.Argument(metavar="KIND", help="questionnaire, answers or resources"),
    ],
) -> None:
    """Print the JSON Schema of a file format, for editors.

    With the schema, an editor (VS Code's YAML extension, for one) completes keys and marks unknown keys,
    wrong types and bad ids as you type; `prepkit validate` checks the rest: unique ids, references
    between questions, skip logic and answers against their questionnaire.
    """
    from prepkit.content.schemas import json_schema

    print_json(json_schema(kind))
