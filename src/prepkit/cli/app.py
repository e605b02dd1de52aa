"""The typer app, the global options and the single place where errors become exit codes."""

from __future__ import annotations

import functools
import io
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from prepkit import console
from prepkit.cli.helpformat import HelpCommand, HelpGroup, examples
from prepkit.errors import ContentError, ExitCode, PrepkitError, SystemRefusal

F = TypeVar("F", bound=Callable[..., Any])


class _App(typer.Typer):
    """Every command gets prepkit's help layout (plain metavars, examples last) unless it asks otherwise."""

    def command(
        self, name: str | None = None, *, cls: type[typer.core.TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[F], F]:
        return super().command(name, cls=cls or HelpCommand, **kwargs)


app = _App(
    name="prepkit",
    help="Assess an agency's capacity to respond to active assailant events and other critical incidents.",
    epilog=examples(
        "prepkit list",
        "prepkit assess active-assailant",
        "prepkit COMMAND -h          # what a command does, its options and examples",
    ),
    cls=HelpGroup,
    subcommand_metavar="COMMAND [ARGS]",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

_state = {"debug": bool(os.environ.get("PREPKIT_DEBUG"))}

BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a Unix tool whose reader went away


def _complete_store(ctx: typer.Context) -> Path:
    from prepkit.results.store import default_store_dir

    given = ctx.params.get("store")
    return default_store_dir(Path(given) if given else None)


def complete_result_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Result ids in the store that start with what is typed: one directory listing, no file read."""
    from prepkit.results.store import Store

    try:
        ids = [path.stem for path in Store(_complete_store(ctx)).paths()]
    except (OSError, SystemRefusal):  # completion offers nothing rather than fail
        return []
    return [i for i in ids if i.startswith(incomplete)]


def complete_result_refs(ctx: typer.Context, incomplete: str) -> list[str]:
    """Result ids, and the words `latest` and `previous`."""
    return [w for w in ("latest", "previous") if w.startswith(incomplete)] + complete_result_ids(ctx, incomplete)


def complete_questionnaire_ids(incomplete: str) -> list[str]:
    """Ids of the bundled questionnaires and those in $PREPKIT_QUESTIONNAIRES, read from each file's head."""
    from prepkit.content.questionnaire import questionnaire_ids

    return [i for i in questionnaire_ids() if i.startswith(incomplete)]


StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        metavar="DIR",
        help="Result store folder [default: $PREPKIT_STORE or the user data folder]",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on standard output instead of a table.")]
QuestionnaireOption = Annotated[
    str | None,
    typer.Option(
        "--questionnaire",
        "-q",
        metavar="ID",
        help="Only results of this questionnaire (id or path).",
        autocompletion=complete_questionnaire_ids,
    ),
]
AgencyOption = Annotated[str | None, typer.Option("--agency", "-a", metavar="NAME", help="Only this agency's results.")]


def command_name() -> str:
    """How the user can run prepkit again, for hints such as `prepkit resume ID`.

    `prepkit` when that name on PATH is this very program (an activated venv, pipx); otherwise the
    path the user typed (`.venv/bin/prepkit`) or `python -m prepkit`, so the hint works as printed.
    """
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name == "__main__.py" and Path(argv0).parent.name == "prepkit":
        python = "python3" if _same_file(shutil.which("python3"), sys.executable) else sys.executable
        return f"{python} -m prepkit"
    on_path = shutil.which("prepkit")
    if not argv0 or Path(argv0).name != "prepkit" or _same_file(on_path, argv0):
        return "prepkit"
    return argv0


def _same_file(a: str | None, b: str) -> bool:
    try:
        return a is not None and os.path.samefile(a, b)
    except OSError:
        return False


def message(text: str) -> None:
    """A message for the person (Saved ..., Wrote ..., Report: ...): always on standard error, so that
    standard output holds only data (`prepkit ... --json | jq` works for every command)."""
    from rich.text import Text

    console.err().print(Text(text), soft_wrap=True)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # costs 10 ms: imported only when asked

    try:
        return version("prepkit")
    except PackageNotFoundError:  # running from a checkout without installing
        return "0+unknown"


def _version(value: bool) -> None:
    if value:
        print(f"prepkit {package_version()}")
        raise typer.Exit()


@app.callback()
def main_options(
    version_flag: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colors (also: NO_COLOR=1).")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")] = False,
) -> None:
    """prepkit: preparedness self-assessments, scored and reported."""
    if no_color:
        console.disable_color()
    if debug:
        _state["debug"] = True


_NEVER_FAILING = ("replace", "backslashreplace", "xmlcharrefreplace", "namereplace", "ignore")


def prepare_streams() -> None:
    """Standard streams that never crash prepkit: a closed one reads or writes nothing, and a
    character the output's encoding lacks (LANG=C, a Latin-1 pipe) is replaced, not an error."""
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115  (lives as long as the process)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        elif isinstance(stream, io.TextIOWrapper) and stream.errors not in _NEVER_FAILING:
            stream.reconfigure(errors="replace")  # strict, or surrogateescape (LANG=C) that fails on "✓"


def json_text(data: object) -> str:
    """JSON for standard output, valid whatever the locale: non-ASCII is escaped unless the output is UTF.
    Never NaN or Infinity, which are not JSON (the gate keeps them out of results)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "ascii").lower().replace("-", "")
    ascii_only = encoding not in ("utf8", "utf16", "utf32")
    from prepkit.cli.jsonout import indented_json

    return indented_json(data, ascii_only=ascii_only)


def report_error(error: PrepkitError) -> None:
    if isinstance(error, ContentError):
        for problem in error.problems:
            print(str(problem), file=sys.stderr)
    else:
        print(f"Error: {error}", file=sys.stderr)


def handled(fn: F) -> F:
    """Turn prepkit errors into one-line messages and exit codes; no traceback unless --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PrepkitError as error:
            if _state["debug"]:
                raise
            report_error(error)
            raise typer.Exit(int(error.exit_code)) from None
        except BrokenPipeError:  # `prepkit ... | head`: the reader has gone; stop quietly, as Unix tools do
            _silence_stdout()
            raise typer.Exit(BROKEN_PIPE) from None
        except OSError as error:  # the system refused (spec 6): one line with the path and the reason
            if _state["debug"]:
                raise
            refusal = SystemRefusal.of(error)
            print(f"Error: {refusal}", file=sys.stderr)
            raise typer.Exit(int(ExitCode.SYSTEM)) from None
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so flushing it at exit raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if TYPE_CHECKING:
    from prepkit.results.model import Result
    from prepkit.results.store import Store


def open_store(option: Path | None) -> Store:
    """The store of --store / PREPKIT_STORE; in a terminal it asks which result is meant when a name fits several."""
    from prepkit.results.store import Store, default_store_dir

    store = Store(default_store_dir(option))
    if sys.stdin.isatty() and sys.stderr.isatty():
        store.chooser = choose_result
    return store


def choose_result(matches: list[tuple[Path, Result]]) -> int | None:
    """Ask on standard error which of several results is meant (newest first; Enter picks the newest)."""
    err = console.err()
    err.print(f"{len(matches)} results fit; newest first:")
    for n, (_, result) in enumerate(matches, 1):
        status = "in progress" if result.status == "in-progress" else "complete"
        err.print(f"{n:>3}  {result.id}  {result.agency}, {status}, {result.date}", soft_wrap=True)
    while True:
        err.print(f"Which one? [1-{len(matches)}, Enter for 1]: ", end="")  # on standard error: data may be piped
        line = sys.stdin.readline()
        if not line:
            return None
        text = line.strip() or "1"
        if text.isdigit() and 1 <= int(text) <= len(matches):
            return int(text) - 1
        err.print(f"Type a number from 1 to {len(matches)}.")
