"""Commands on saved results: history, compare, export, delete, import (spec section 5)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from prepkit.cli.app import (
    AgencyOption,
    JsonOption,
    QuestionnaireOption,
    StoreOption,
    app,
    complete_result_ids,
    complete_result_refs,
    handled,
    json_text,
    message,
    report_error,
)
from prepkit.cli.helpformat import examples
from prepkit.errors import ContentError, PrepkitError, UsageError

if TYPE_CHECKING:
    from prepkit.results.store import Store

AGENCY = "Riverbend County Sheriff's Office"


def _store(option: Path | None) -> Store:
    from prepkit.cli.app import open_store

    return open_store(option)


def _questionnaire_id(name: str | None) -> str | None:
    """An id as given, or the id of the questionnaire file a path names."""
    if name is None or not Path(name).expanduser().is_file():
        return name
    from prepkit.content.questionnaire import find_questionnaire, load_questionnaire

    return load_questionnaire(find_questionnaire(name)).id  # a .yaml/.yml file only


def warn_skipped(skipped: list[ContentError]) -> None:
    for error in skipped:
        first = error.problems[0] if error.problems else error
        more = f" (and {len(error.problems) - 1} more problems)" if len(error.problems) > 1 else ""
        print(f"Warning: skipped {first}{more}", file=sys.stderr)


@app.command(
    epilog=examples(
        "prepkit history",
        f'prepkit history --agency "{AGENCY}" --json',
    ),
)
@handled
def history(
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    json_output: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """List saved results with their scores and trends.

    Oldest first, with the overall score and level; for one agency and questionnaire, the trend of
    every domain.
    """
    from prepkit.history.timeline import history_json, history_rows

    st = _store(store)
    rows, skipped = history_rows(st, agency, _questionnaire_id(questionnaire))
    warn_skipped(skipped)
    if json_output:
        print(json_text(history_json(rows)))
        return
    from prepkit.cli.show_history import print_history
    from prepkit.plan.changelog import now_local
    from prepkit.plan.planfile import counts_by_result
    from prepkit.results.model import agency_key

    series = {(agency_key(row.agency), row.questionnaire.id): (row.agency, row.questionnaire.id) for row in rows}
    print_history(rows, st, counts_by_result(st, series.values(), at=now_local()), skipped=len(skipped))


@app.command(
    epilog=examples(
        "prepkit compare previous latest",
        f'prepkit compare previous latest --agency "{AGENCY}" --json',
    ),
)
@handled
def compare(
    before: Annotated[
        str,
        typer.Argument(
            metavar="BEFORE",
            help="Earlier result: id, path, an agency's name, or 'previous'.",
            autocompletion=complete_result_refs,
        ),
    ],
    after: Annotated[
        str,
        typer.Argument(
            metavar="AFTER",
            help="Later result: id, path, an agency's name, or 'latest'.",
            autocompletion=complete_result_refs,
        ),
    ],
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    json_output: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Compare two results: score changes and the questions that moved.

    Lists the questions improved, regressed, closed, new and not comparable. 'previous' and 'latest'
    name the two most recent complete results of one agency and questionnaire (give --agency and
    --questionnaire when the store holds several).
    """
    from prepkit.history.compare import comparison_json
    from prepkit.history.timeline import compare_entries, open_entries
    from prepkit.results.model import same_agency

    st = _store(store)
    qid = _questionnaire_id(questionnaire)
    old, new = open_entries(st, [before, after], agency, qid)
    if not same_agency(old.result.agency, new.result.agency):
        print(
            f"Warning: comparing results of two agencies: {old.result.agency} and {new.result.agency}", file=sys.stderr
        )
    if old.result.questionnaire.id != new.result.questionnaire.id:
        print(
            f"Warning: comparing two questionnaires: {old.result.questionnaire.id} and "
            f"{new.result.questionnaire.id}; only questions matched by id or `replaces` are compared",
            file=sys.stderr,
        )
    comparison = compare_entries(old, new)
    if json_output:
        print(json_text(comparison_json(comparison)))
        return
    from prepkit.cli.show_history import print_comparison

    print_comparison(old, new, comparison)


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


class ExportWhat(StrEnum):
    answers = "answers"
    gaps = "gaps"
    scores = "scores"
    result = "result"


@app.command(
    epilog=examples(
        "prepkit export latest --what gaps -o action-plan.csv",
        "prepkit export latest --format json --what result -o result.json",
    ),
)
@handled
def export(
    result: Annotated[
        str,
        typer.Argument(
            metavar="RESULT",
            help="Result id, path, an agency's name, or 'latest'/'previous'.",
            autocompletion=complete_result_refs,
        ),
    ],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", metavar="csv|xlsx|json", help="csv or xlsx (for a spreadsheet), or json."),
    ] = ExportFormat.csv,
    what: Annotated[
        ExportWhat,
        typer.Option(
            "--what",
            "-w",
            metavar="WHAT",
            help="answers (with notes and evidence), gaps (the action plan, with owner and due "
            "columns), scores, or result (the whole result as JSON, for `prepkit import`).",
        ),
    ] = ExportWhat.answers,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to this file (owner-only); - or nothing: standard output."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")] = False,
    bom: Annotated[
        bool,
        typer.Option(
            "--excel", "--bom", help="Start a CSV with a byte order mark, so that Excel reads accented letters right."
        ),
    ] = False,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    store: StoreOption = None,
) -> None:
    """Export answers, the action plan or scores (CSV, XLSX or JSON).

    A JSON export names what it holds, the result, its agency, questionnaire and date around the data.
    """
    from prepkit.fsutil import STDOUT, write_output
    from prepkit.history.timeline import open_entry
    from prepkit.report.export import export_result

    if what is ExportWhat.result and fmt is not ExportFormat.json:
        raise UsageError("--what result exports the whole result as JSON: add --format json")
    if fmt is ExportFormat.xlsx and (output is None or str(output) == STDOUT):
        raise UsageError("an XLSX export is a file: give it with -o FILE.xlsx")
    st = _store(store)
    entry = open_entry(st, result, agency, _questionnaire_id(questionnaire))
    data = export_result(entry.result, fmt.value, what.value)
    if bom and fmt is ExportFormat.csv:
        data = "\ufeff".encode() + data
    written = write_output(output or Path(STDOUT), data, force=force)
    if str(written) != STDOUT:
        message(f"Wrote {written}")


@app.command(
    epilog=examples(
        "prepkit delete 20261120-093015-riverbend-county-sheriff-s-office-active-assailant-7efb61",
        "prepkit delete 20261120-093015-riverbend-county-sheriff-s-office-active-assailant-7efb61 --yes",
    ),
)
@handled
def delete(
    result: Annotated[
        str,
        typer.Argument(
            metavar="RESULT",
            help="The exact id of the result to delete (see prepkit history).",
            autocompletion=complete_result_ids,
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    store: StoreOption = None,
) -> None:
    """Delete a saved result from the store.

    Asks for confirmation first, unless --yes is given. Only an exact id is taken.
    """
    from prepkit.results.gate import read_result

    st = _store(store)
    path = st.path_of(result)
    if not path.is_file() or path.stem != result:
        raise UsageError(
            f"no result with the id '{result}' in {st.results_dir}; give the whole id (`prepkit history` lists them)"
        )
    try:
        saved = read_result(path)
        described = (
            f"{saved.id}: {saved.agency}, {saved.questionnaire.id} {saved.questionnaire.version}, "
            f"{saved.date.isoformat()}"
        )
    except ContentError:
        described = f"{path.stem} (unreadable file)"
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"delete asks for confirmation in a terminal; to delete {result} without it, add --yes")
        if not typer.confirm(f"Delete result {described}?", default=False, err=True):
            message("Nothing deleted.")
            return
    st.delete(result)
    message(f"Deleted {described}")


@app.command(
    "import",
    epilog=examples(
        "prepkit import result.json",
        "prepkit import collected/*.json --json",
    ),
)
@handled
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILES", help="Result files exported with `prepkit export ID --format json --what result`."
        ),
    ],
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per imported file (id, path, added).")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Bring results exported on another machine into the store.

    Each result is checked first, and never overwrites another result.
    """
    st = _store(store)
    failed = 0  # the exit code: the highest of the files that failed (3 when the system refused one)
    imported: list[dict[str, object]] = []
    for file in files:
        try:
            result, path, added = st.import_file(file)
        except PrepkitError as error:
            failed = max(failed, int(error.exit_code))
            report_error(error)
            continue
        imported.append(
            {
                "file": str(file),
                "id": result.id,
                "path": str(path),
                "added": added,
                "agency": result.agency,
                "questionnaire": result.questionnaire.id,
                "version": result.questionnaire.version,
                "date": result.date.isoformat(),
            }
        )
        what = "Imported" if added else "Already in the store:"
        message(
            f"{what} {result.id} ({result.agency}, {result.questionnaire.id} {result.questionnaire.version}, "
            f"{result.date.isoformat()}) -> {path}"
        )
    if json_output:
        print(json_text(imported))
    if failed:
        raise typer.Exit(failed)
