"""`prepkit plan show|set|export|import`: the improvement plan (spec 7)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from prepkit.cli.app import AgencyOption, JsonOption, QuestionnaireOption, StoreOption, app, handled, json_text, message
from prepkit.cli.helpformat import examples
from prepkit.cli.history_commands import _questionnaire_id, _store, warn_skipped
from prepkit.errors import UsageError

if TYPE_CHECKING:
    import datetime as dt

    from prepkit.plan.planfile import Opened

plan_app = typer.Typer(
    name="plan",
    help="Improvement plan: an owner and a due date for every gap.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(plan_app, name="plan")

F = TypeVar("F", bound=Callable[..., Any])


def locked(fn: F) -> F:
    """Run the command holding the store's plan lock: read, change and write as one step."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from prepkit.plan.planfile import plan_lock

        with plan_lock(_store(kwargs.get("store"))):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


ByOption = Annotated[
    str | None, typer.Option("--by", help="Who makes the change, for the log [default: your login name].")
]


def _open(store: Path | None, agency: str | None, questionnaire: str | None) -> tuple[Opened, dt.datetime]:
    from prepkit.plan.changelog import now_local
    from prepkit.plan.planfile import open_plan

    at = now_local()
    opened = open_plan(_store(store), agency, _questionnaire_id(questionnaire), at=at)
    warn_skipped(opened.skipped)
    return opened, at


def _write(opened: Opened) -> None:
    from prepkit.plan.planfile import write_plan

    write_plan(opened.path, opened.plan)


@plan_app.command(
    "show",
    epilog=examples("prepkit plan show", "prepkit plan show 3 --agency Riverbend"),
)
@handled
@locked
def show(
    item: Annotated[
        str | None, typer.Argument(metavar="ITEM", help="One item (question id or number): its columns and log.")
    ] = None,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    json_output: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Show the plan of the agency's latest complete result.

    The plan is created on first use; a summary line counts open, in-progress, done, verified and overdue
    items. With ITEM, one item's columns and its log.
    """
    from prepkit.plan.model import item_row, plan_json

    opened, at = _open(store, agency, questionnaire)
    if opened.changed:
        try:
            _write(opened)
        except OSError as err:  # showing does not need the store to be writable
            print(f"Warning: the plan could not be saved ({err.strerror or err}): {opened.path}", file=sys.stderr)
    plan, today = opened.plan, at.date()
    if item is None:
        if json_output:
            print(json_text(plan_json(plan, today)))
            return
        from prepkit.cli.show_plan import print_plan

        print_plan(plan, today)
        return
    found = plan.find(item)
    if found is None:
        raise UsageError(_unknown(item, len(plan.items)))
    if json_output:
        print(json_text(item_row(found, today)))
        return
    from prepkit.cli.show_plan import print_item

    print_item(plan, found, today)


def _unknown(item: str, count: int) -> str:
    return f"no item '{item}' in the plan: give a question id or a number from 1 to {count} (`prepkit plan show`)"


@plan_app.command(
    "set",
    epilog=examples(
        'prepkit plan set 1 --owner "Lt. Ames" --due 2027-03-01 --status in-progress',
        'prepkit plan set planning-written-policy --status done --note "signed 2027-02-10"',
    ),
)
@handled
@locked
def set_command(
    item: Annotated[
        str, typer.Argument(metavar="ITEM", help="The item: its question id or its number in `plan show`.")
    ],
    action: Annotated[str | None, typer.Option("--action", help="The corrective action.")] = None,
    element: Annotated[
        str | None,
        typer.Option("--element", help="planning, organization, equipment, training, exercises, or '' for none."),
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Who is responsible.")] = None,
    start: Annotated[str | None, typer.Option("--start", help="Start date, YYYY-MM-DD ('' for none).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Due date, YYYY-MM-DD ('' for none).")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="open, in-progress, done, deferred or dropped.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    by: ByOption = None,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    store: StoreOption = None,
) -> None:
    """Change one item of the plan; every change is logged with its date."""
    from prepkit.plan.changelog import who
    from prepkit.plan.edit import BadValue, apply, changes_of, check

    given = {"action": action, "element": element, "owner": owner, "start": start, "due": due, "status": status}
    given["note"] = note
    asked = {column: text for column, text in given.items() if text is not None}
    if not asked:
        raise UsageError("nothing to change: give --action, --element, --owner, --start, --due, --status or --note")
    opened, at = _open(store, agency, questionnaire)
    found = opened.plan.find(item)
    if found is None:
        raise UsageError(_unknown(item, len(opened.plan.items)))
    try:
        values = {column: check(column, text) for column, text in asked.items()}
        changes_of(found, values)
    except BadValue as err:
        raise UsageError(str(err)) from None
    changes = apply(opened.plan, found, values, source="plan set", at=at, by=by or who())
    if changes or opened.changed:
        _write(opened)
    if not changes:
        message(f"{found.item}: nothing changed")
        return
    for change in changes:
        message(f"{found.item}: {change.text()}")


@plan_app.command(
    "export",
    epilog=examples("prepkit plan export -o plan.xlsx", "prepkit plan export --format csv --excel -o plan.csv"),
)
@handled
@locked
def export_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="The file to write (CSV: standard output without it)."),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv or xlsx [default: from the file name, else csv].")
    ] = None,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV with a byte order mark, so that Excel reads accented letters right.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output file.")] = False,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    store: StoreOption = None,
) -> None:
    """Write the plan as CSV or XLSX, one row per item.

    Edit it in a spreadsheet, then read it back with `prepkit plan import`.
    """
    from prepkit.fsutil import STDOUT, refuse_special, write_output

    chosen = (fmt or ("xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "csv")).lower()
    if chosen not in ("csv", "xlsx"):
        raise UsageError(f"unknown format '{fmt}': csv or xlsx")
    if chosen == "xlsx" and (output is None or str(output) == STDOUT):
        raise UsageError("an XLSX workbook needs a file: add -o FILE")
    if output is not None and str(output) != STDOUT and refuse_special(output) and not force:
        raise UsageError(f"{output} exists; add --force to replace it")
    opened, at = _open(store, agency, questionnaire)
    if opened.changed:
        _write(opened)
    if chosen == "xlsx":
        from prepkit.plan.xlsxio import plan_xlsx

        data = plan_xlsx(opened.plan, at.date())
    else:
        from prepkit.plan.csvio import plan_csv

        data = plan_csv(opened.plan, at.date(), excel=excel)
    written = write_output(output or Path(STDOUT), data, force=force)
    if str(written) != STDOUT:
        message(f"Wrote {written} ({len(opened.plan.items)} items)")


@plan_app.command("import", epilog=examples("prepkit plan import plan.xlsx"))
@handled
@locked
def import_command(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A plan exported with `prepkit plan export` and edited.")
    ],
    by: ByOption = None,
    agency: AgencyOption = None,
    questionnaire: QuestionnaireOption = None,
    store: StoreOption = None,
) -> None:
    """Read an edited plan back: all changes or none.

    Every row is checked first; problems are reported as FILE:ROW:COLUMN: message.
    """
    from prepkit.plan.changelog import who
    from prepkit.plan.importing import import_plan

    if not file.exists():
        raise UsageError(f"no file '{file}'")
    opened, at = _open(store, agency, questionnaire)
    imported = import_plan(file, opened.plan, today=at.date(), at=at, by=by or who())
    if imported or opened.changed:
        _write(opened)
    if not imported:
        message(f"No changes: {file} matches the plan.")
        return
    total = sum(len([c for c in i.changes if c.field != "status_date"]) for i in imported)
    message(f"Imported {file}: {total} change{'' if total == 1 else 's'} to {len(imported)} item(s)")
    for entry in imported:
        for change in entry.changes:
            if change.field != "status_date":
                message(f"  {entry.item}: {change.text()}")
