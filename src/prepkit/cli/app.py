"""The typer app, the global options and the single place where errors become exit codes."""

from __future__ import annotations

import functools
import io
import json
import os
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from prepkit import console
from prepkit.errors import ContentError, ExitCode, PrepkitError, SystemRefusal

app = typer.Typer(
    name="prepkit",
    help="Assess an agency's capacity to respond to active assailant events and other critical incidents.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

_state = {"debug": bool(os.environ.get("PREPKIT_DEBUG"))}

F = TypeVar("F", bound=Callable[..., Any])

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Result store folder [default: $PREPKIT_STORE or the user data folder]", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def package_version() -> str:
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
    return json.dumps(data, indent=2, ensure_ascii=encoding not in ("utf8", "utf16", "utf32"), allow_nan=False)


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
