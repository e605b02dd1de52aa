"""Reading what a person types at a prompt: line editing where the platform has it, and only text
that prepkit can save.

Without line editing an arrow key types `^[[D` into a note; saved, that made the whole result
unreadable. So readline is used where it exists, and a line holding a control character, bytes that
are not UTF-8 or a lone surrogate is refused with a message (never saved), as is a line longer than
the limit for what is asked (`content.models` holds the limits).
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache

from rich.console import Console
from rich.text import Text

from prepkit.content.models import MAX_NOTE
from prepkit.content.yamlio import control_character_message

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ANSI = re.compile(r"(\x1b\[[0-9;]*m)")


@cache
def line_editing() -> bool:
    """Turn on readline line editing (arrow keys, history) if the platform has it; whether it is on."""
    try:
        import readline  # importing it is what makes input() edit lines
    except ImportError:
        return False
    # Python turns readline's bracketed paste off (for its own interpreter). On, a pasted block of
    # several lines arrives as one line to edit and confirm with Enter; off, its second and third
    # lines were taken as the answers to the next prompts ("3" answered "Fully in place").
    # Not on a dumb terminal (TERM=dumb, as --plain's users and screen readers' set-ups have), which
    # would show the escape sequences that ask for it.
    if "libedit" not in (readline.__doc__ or "") and os.environ.get("TERM", "dumb") not in ("", "dumb"):
        readline.parse_and_bind("set enable-bracketed-paste on")
    return True


def text_problem(line: str, limit: int = MAX_NOTE) -> str | None:
    """Why a typed line cannot be saved, or None."""
    if _SURROGATE.search(line):
        return "that text is not valid UTF-8 (check the terminal's encoding); nothing was taken, type it again"
    message = control_character_message(line.replace("\t", " "))
    if message is not None:
        return (
            f"{message.split(' is not', 1)[0]} was typed (an arrow or function key in a terminal without line "
            "editing?); nothing was taken, type it again"
        )
    if len(line) > limit:
        return f"at most {limit:,} characters here ({len(line):,} typed); nothing was taken, type it again"
    return None


def _prompt_text(out: Console, prompt: str) -> str:
    """The prompt as the terminal shows it, with its styles marked for readline's width count."""
    with out.capture() as captured:
        out.print(Text(prompt, style="bold"), end="")
    rendered = captured.get()
    return _ANSI.sub("\x01\\1\x02", rendered) if line_editing() and sys.stdin.isatty() else rendered


def read_line(out: Console, prompt: str, *, limit: int = MAX_NOTE, multiline: bool = False) -> str | None:
    """One typed line that can be saved, asking again until it can; None when input ends (Ctrl-D).

    A pasted block keeps its line breaks (as line feeds, without the last one) where multiline text
    belongs (a note, evidence, an N/A reason); anywhere else it is refused, since a name or an answer
    is one line.
    """
    line_editing()
    while True:
        try:
            line = input(_prompt_text(out, prompt))
        except EOFError:
            out.print()
            return None
        except UnicodeDecodeError:
            out.print(Text("That text is not valid UTF-8 (check the terminal's encoding); type it again.", "yellow"))
            continue
        line = line.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")  # pasted from any system
        if "\n" in line and not multiline:
            out.print(Text("That text has line breaks (pasted?); nothing was taken, type one line.", "yellow"))
            continue
        problem = text_problem(line, limit)
        if problem is None:
            return line
        out.print(Text(problem[0].upper() + problem[1:] + ".", style="yellow"))
