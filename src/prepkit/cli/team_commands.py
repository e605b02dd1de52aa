"""Commands for teams and regions: `merge` several respondents, `rollup` many agencies."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from prepkit import console
from prepkit.cli.app import JsonOption, StoreOption, app, complete_questionnaire_ids, handled, json_text, message
from prepkit.cli.helpformat import examples
from prepkit.errors import UsageError

if TYPE_CHECKING:
    from prepkit.team.merge import DiscussionItem


@app.command(
    epilog=examples(
        "prepkit merge chief.yaml training.yaml dispatch.yaml",
        "prepkit merge R1 R2 R3 -o team.json --json   # R1 R2 R3: result ids or files",
    ),
)
@handled
def merge(
    results: Annotated[
        list[str],
        typer.Argument(
            metavar="RESULTS",
            help="Two or more respondents' results (ids or paths) or answers files of one agency.",
        ),
    ],
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency",
            "-a",
            metavar="NAME",
            help="The team's agency (needed when the results spell it differently).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Also write the merged result, with its questionnaire, to this file (- for stdout).",
        ),
    ] = None,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Save the merged result in the store.")] = True,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --output file if it exists.")] = False,
    json_output: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Merge several respondents' answers into one consensus result.

    The consensus is saved in the store (unless --no-save); the disagreements to discuss are listed.
    """
    from prepkit.content.sources import open_assessment
    from prepkit.fsutil import write_output
    from prepkit.results.gate import questionnaire_of
    from prepkit.results.model import result_json
    from prepkit.results.store import Store, default_store_dir
    from prepkit.scoring import score, shown_score
    from prepkit.team.merge import TeamMember, discussion_items, merge_team

    if output is not None and str(output) == "-" and json_output:
        raise UsageError("-o - and --json would both write to standard output; choose one")
    the_store = Store(default_store_dir(store))
    members = [TeamMember(ref, open_assessment(ref, lambda: the_store)) for ref in results]
    merged = merge_team(members, agency)
    if output is not None and output.is_file() and not force:  # refused before anything is saved
        raise UsageError(f"{output} exists; choose another file or pass --force to replace it")
    saved = None
    if save:  # ids are agency and date: a merge on the day of a member's result gets '-2'
        merged, saved = the_store.save_new(merged)
    if output is not None:
        write_output(output, result_json(merged), force=force)
    q = questionnaire_of(merged)
    card = score(q, merged.answers)
    items = discussion_items(q, merged)
    if json_output:
        print(
            json_text(
                {
                    "id": merged.id,
                    "saved": str(saved) if saved else None,
                    "output": str(output) if output else None,
                    "agency": merged.agency,
                    "complete": card.complete,
                    "overall": {"score": shown_score(card.score), "level": card.level},
                    "respondents": [r.respondent for r in merged.team.respondents] if merged.team else [],
                    "disagreements": [
                        {"question": i.question, "reason": i.reason, "consensus": i.consensus, "answers": i.answers}
                        for i in items
                    ],
                },
            )
        )
        return
    _print_merge(merged.agency, len(members), saved, output, card.score, card.complete, items)


def _print_merge(
    agency: str,
    count: int,
    saved: Path | None,
    output: Path | None,
    overall: float | None,
    complete: bool,
    items: list[DiscussionItem],
) -> None:
    from rich.table import Table

    from prepkit.cli.show import fmt

    to_stdout = output is not None and str(output) == "-"  # the merged result itself went to standard output
    out = console.err() if to_stdout else console.out()
    out.print(
        f"Merged {count} respondents for {agency}: consensus score {fmt(overall)}{'' if complete else ' (incomplete)'}"
    )
    for label, path in (("Saved", saved), ("Wrote", None if to_stdout else output)):
        if path is not None:
            message(f"{label} {path!s}")
    if not items:
        out.print("No disagreements.")
        return
    names = list(items[0].answers)
    table = Table("question", "why", "consensus", *names, title=f"{len(items)} disagreements to discuss")
    for item in items:
        table.add_row(item.text, item.reason, item.consensus, *(item.answers[n] for n in names))
    out.print(table)


@app.command(
    epilog=examples(
        "prepkit rollup ./collected-results -o region.pdf",
        "prepkit rollup ./collected-results -q active-assailant --json",
    ),
)
@handled
def rollup(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS",
            help="Stores, folders of result files or packets (*.prepkit), or such files [default: the store].",
            show_default=False,
        ),
    ] = None,
    questionnaire: Annotated[
        str | None,
        typer.Option(
            "--questionnaire",
            "-q",
            metavar="ID",
            help="Questionnaire id (needed when results of several are found).",
            autocompletion=complete_questionnaire_ids,
        ),
    ] = None,
    json_output: JsonOption = False,
    csv_output: Annotated[bool, typer.Option("--csv", help="Print CSV rows (section,id,label,measure,value).")] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write a report (PDF; HTML for .html/.htm names, - or --format html).",
        ),
    ] = None,
    report_format: Annotated[
        Literal["pdf", "html"] | None,
        typer.Option(
            "--format", "-f", metavar="pdf|html", help="Report format for --output [default: from the file name]."
        ),
    ] = None,
    named: Annotated[bool, typer.Option("--named", help="Name the agencies that improved or slipped.")] = False,
    signed_only: Annotated[
        bool, typer.Option("--signed-only", help="Count only results signed off (prepkit sign) and unchanged since.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")] = False,
    top: Annotated[int, typer.Option("--top", min=1, metavar="N", help="How many common gaps to list.")] = 10,
    store: StoreOption = None,
) -> None:
    """Roll up the latest results of many agencies into one summary.

    For each agency its latest complete result: levels, domain spreads, common gaps and movement since
    the results before.
    """
    from prepkit.results.store import Store, default_store_dir
    from prepkit.team.rollup import collect
    from prepkit.team.summary import build_rollup, rollup_csv, rollup_json

    if json_output and csv_output:
        raise UsageError("choose one of --json and --csv")
    if output is not None:
        from prepkit.report import report_format as format_rule

        format_rule(output, report_format)  # a bad name fails before the work
        if str(output) == "-" and (json_output or csv_output):
            raise UsageError("-o - and --json/--csv would both write to standard output; choose one")
    # the store (when no paths are given) is checked as every command checks it: a file is no store
    collection = collect(paths or [Store(default_store_dir(store)).root], questionnaire, signed_only=signed_only)
    shown = 20
    for skipped in collection.skipped[:shown]:
        message(f"{skipped.message} (skipped)")
    if len(collection.skipped) > shown:
        message(f"and {len(collection.skipped) - shown} more unreadable files skipped")
    if collection.unsigned:
        message(f"{collection.unsigned} unsigned results left out (--signed-only)")
    result = build_rollup(collection, top=top)
    if output is not None:
        from prepkit.report.region import write_report

        written = write_report(result, output, report_format, named=named, force=force)
        if str(written) != "-":
            message(f"Wrote {written}")
    if json_output:
        print(json_text(rollup_json(result, named=named)))  # never NaN or Infinity: see json_text
    elif csv_output:
        sys.stdout.write(rollup_csv(result, named=named))
    elif output is None:
        from prepkit.cli.show_rollup import print_rollup

        print_rollup(result, named=named)
