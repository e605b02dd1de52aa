"""`--help` as a Python user expects it: whole one-line summaries, -h, plain metavars, consistent short
options, and examples at the end of every command's help that really parse."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from prepkit.cli import app

ROOT = typer.main.get_command(app)
assert isinstance(ROOT, typer.core.TyperGroup)


def commands() -> Iterator[tuple[list[str], typer.core.TyperCommand]]:
    """Every command, sub-commands of groups included, with the words that name it."""
    stack: list[tuple[list[str], typer.core.TyperGroup]] = [([], ROOT)]
    while stack:
        path, group = stack.pop()
        for name, command in group.commands.items():
            if isinstance(command, typer.core.TyperGroup):
                stack.append(([*path, name], command))
            elif not command.hidden:
                yield [*path, name], command  # type: ignore[misc]


COMMANDS = sorted(commands(), key=lambda item: item[0])
NAMES = [" ".join(path) for path, _ in COMMANDS]


def invoke(*args: str, columns: int = 80) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def first_sentence(command: typer.core.TyperCommand) -> str:
    paragraph = (command.help or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split())


@pytest.mark.parametrize("columns", [80, 120, 200])
def test_top_level_help_shows_every_summary_whole_on_one_line(columns: int) -> None:
    out = invoke("--help", columns=columns)
    section = out.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in section] == list(ROOT.commands)  # one line per command
    for line, (name, command) in zip(section, ROOT.commands.items(), strict=True):
        name_part, summary = line.split(maxsplit=1)
        assert name_part == name
        assert summary == first_sentence(command), f"{name}: the summary is not its docstring's first sentence"
        assert summary.endswith(".") and len(line) <= 80
    assert "..." not in out


@pytest.mark.parametrize("name", NAMES)
def test_every_command_help_has_plain_metavars_and_ends_with_examples(name: str) -> None:
    words = name.split()
    short = invoke(*words, "-h")
    assert short == invoke(*words, "--help")
    assert "..." not in short
    assert not re.search(r"<[a-zA-Z|\[\], ]+>", short), "a metavar reads like code"
    assert not re.search(r"\{[a-z_]+\}", short), "usage shows an argument in braces"
    blocks = short.rstrip("\n").split("\n\n")
    assert blocks[-1].startswith("Examples:\n"), "the help does not end with examples"
    lines = blocks[-1].splitlines()[1:]
    assert 1 <= len(lines) <= 2
    assert all(line.startswith(f"  prepkit {name}") for line in lines), lines


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=NAMES)
def test_examples_parse_as_the_command_they_show(path: list[str], command: typer.core.TyperCommand) -> None:
    """An example with an unknown option or a missing argument would fail here, not for a reader."""
    for line in (command.epilog or "").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
        words = words[: next((i for i, w in enumerate(words) if w in (">", "|", "&&", ";")), len(words))]
        assert words[: len(path) + 1] == ["prepkit", *path]
        with command.make_context(" ".join(path), words[len(path) + 1 :]) as ctx:
            assert ctx.params is not None


def test_short_options_mean_the_same_everywhere() -> None:
    meaning = {"-q": "--questionnaire", "-o": "--output", "-a": "--agency", "-f": "--format"}
    seen: dict[str, set[str]] = {}
    for name, command in zip(NAMES, (c for _, c in COMMANDS), strict=True):
        ctx = typer.Context(command)
        for param in command.get_params(ctx):
            shorts = [o for o in param.opts if re.fullmatch(r"-[a-zA-Z]", o)]
            longs = [o for o in param.opts if o.startswith("--")]
            for short in shorts:
                seen.setdefault(short, set()).update(longs)
            for long in longs:
                wanted = next((s for s, m in meaning.items() if m == long), None)
                if wanted is not None:
                    assert wanted in param.opts, f"{name}: {long} has no {wanted}"
    for short, longs in seen.items():
        assert len(longs) == 1, f"{short} means {sorted(longs)}"


def test_no_arguments_shows_the_help_and_every_group_takes_h() -> None:
    result = CliRunner().invoke(app, [])
    assert "Commands:" in result.output
    assert "Usage: prepkit [OPTIONS] COMMAND [ARGS]" in invoke("-h")


def test_a_sub_app_built_with_plain_typer_gets_the_same_help_layout() -> None:
    """A group such as `prepkit plan` may be a plain typer.Typer; its commands still read plainly."""
    from prepkit.cli.helpformat import HelpGroup, examples

    root = typer.Typer(cls=HelpGroup, context_settings={"help_option_names": ["-h", "--help"]}, rich_markup_mode=None)
    sub = typer.Typer(rich_markup_mode=None)
    root.add_typer(sub, name="plan", help="The plan.")

    @sub.command("show", epilog=examples("prepkit plan show -n 3"))
    def show(item: str, count: int = typer.Option(1, "--count", "-n", help="How many.")) -> None:
        """Show the plan."""

    @root.command()
    def other() -> None:
        """Another command."""

    out = CliRunner().invoke(root, ["plan", "show", "-h"]).stdout
    assert re.search(r"^Usage: .*plan show \[OPTIONS\] ITEM$", out, flags=re.M), out
    assert "-n, --count COUNT" in out and "<int>" not in out and "<str>" not in out
    assert out.rstrip().endswith("Examples:\n  prepkit plan show -n 3")
