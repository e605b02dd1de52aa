"""How `--help` reads: full one-line summaries, plain metavars (FILE, ID), examples at the end.

Typer's plain help cuts command summaries to fit a fixed width ("..."), names types as code
(`<list[Path]>`, `<str>`) and wraps examples into one paragraph; these classes keep the layout a
Python user knows from argparse and click, and nothing else.
"""

from __future__ import annotations

from typing import Any

from typer import _click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

# A summary is the first sentence of a command's docstring. It is shown whole, never cut; written to fit
# one line of an 80-column terminal (about 65 characters: tests/test_cli_help.py checks it).


def examples(*lines: str) -> str:
    """An epilog of example command lines, shown one per line under "Examples:" at the end of --help."""
    return "\n".join(lines)


def _plain_name(param: _click.Parameter) -> str:
    """FILE, RESULT, ID: the metavar, or the parameter's name in capitals; never a Python type."""
    name = param.metavar or (param.name or "value").upper()
    return name.strip("<>[]{}")


def _usage_piece(param: _click.Parameter) -> str:
    name = _plain_name(param)
    return name if param.required else f"[{name}]"


def _write_examples(epilog: str | None, formatter: _click.HelpFormatter) -> None:
    if not epilog:
        return
    with formatter.section("Examples"):
        for line in epilog.splitlines():
            formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


def _plain_metavars(command: _click.Command) -> None:
    for param in command.params:
        if isinstance(param, TyperOption) and not param.is_flag and not param.count and param.metavar is None:
            param.metavar = _plain_name(param)


def _adopt(command: _click.Command) -> None:
    """Give a command built by a plain typer.Typer (a sub-app such as `plan`) this module's help layout."""
    if type(command) is TyperCommand:
        command.__class__ = HelpCommand
        _plain_metavars(command)
    elif type(command) is TyperGroup:
        command.__class__ = HelpGroup
        for child in command.commands.values():
            _adopt(child)


class HelpCommand(TyperCommand):
    """A command whose help has plain metavars and ends with its examples."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_metavars(self)

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        pieces += [_usage_piece(p) for p in self.get_params(ctx) if isinstance(p, TyperArgument)]
        return pieces

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                arguments.append((_plain_name(param), record[1].replace("  [required]", "")))
            else:
                options.append(record)
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)

    def format_epilog(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        _write_examples(self.epilog, formatter)


class HelpGroup(TyperGroup):
    """The top-level help: every command with its whole one-line summary, then examples."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():
            _adopt(command)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        _write_examples(self.epilog, formatter)
