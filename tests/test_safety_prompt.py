"""What a person types: only text that can be saved reaches a result; notes wait for their answer."""

from __future__ import annotations

import builtins
import io
from collections.abc import Iterator

import pytest
from rich.console import Console

from conftest import FIXTURES
from prepkit.assess.interview import Interview, Mode
from prepkit.cli import prompt_input
from prepkit.cli.prompt_input import read_line, text_problem
from prepkit.content.models import MAX_NAME, MAX_NOTE, Answer
from prepkit.content.questionnaire import load_questionnaire

DRILL = FIXTURES / "assess" / "drill.yaml"


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("left\x1b[D arrow", "U+001B"),
        ("bell\x07", "U+0007"),
        ("c1\x9b", "U+009B"),
        ("latin-1 byte \udce9", "not valid UTF-8"),
        ("x" * (MAX_NOTE + 1), f"at most {MAX_NOTE:,} characters"),
    ],
)
def test_lines_that_cannot_be_saved_are_refused(line: str, says: str) -> None:
    problem = text_problem(line)
    assert problem is not None and says in problem


def test_ordinary_text_passes() -> None:
    for line in ("Chief Ana Núñez", "tab\tinside", "שלום", "emoji 👮", "x" * MAX_NOTE):
        assert text_problem(line) is None
    assert text_problem("x" * (MAX_NAME + 1), MAX_NAME) is not None


def typed(monkeypatch: pytest.MonkeyPatch, *lines: str | BaseException) -> None:
    queue: Iterator[str | BaseException] = iter(lines)

    def fake_input(prompt: str = "") -> str:
        item = next(queue)
        if isinstance(item, BaseException):
            raise item
        return item

    monkeypatch.setattr(builtins, "input", fake_input)


def test_read_line_asks_again_until_the_text_can_be_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    out = Console(file=io.StringIO(), width=80, no_color=True)
    bad_bytes = UnicodeDecodeError("utf-8", b"\xe9", 0, 1, "invalid continuation byte")
    typed(monkeypatch, "ab\x1b[Dc", "\udce9", bad_bytes, "fine")
    assert read_line(out, "Note: ") == "fine"
    shown = out.file.getvalue()  # type: ignore[attr-defined]
    assert shown.count("nothing was taken") == 2 and "not valid UTF-8" in shown


def test_line_breaks_are_kept_only_where_a_note_is_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pasted block: its line breaks (CR LF, CR or LF) become line feeds in a note; a name or an
    answer is one line, so a block there is refused and asked again."""
    out = Console(file=io.StringIO(), width=80, no_color=True)
    typed(monkeypatch, "first\r\nsecond\rthird\n")
    assert read_line(out, "Note: ", multiline=True) == "first\nsecond\nthird"
    typed(monkeypatch, "Riverbend PD\nno\n3", "Riverbend PD\n")
    assert read_line(out, "Agency name: ") == "Riverbend PD"
    assert out.file.getvalue().count("That text has line breaks") == 1  # type: ignore[attr-defined]


def test_read_line_returns_none_at_end_of_input(monkeypatch: pytest.MonkeyPatch) -> None:
    typed(monkeypatch, EOFError())
    assert read_line(Console(file=io.StringIO()), "Note: ") is None


def test_line_editing_is_on_where_readline_exists() -> None:
    pytest.importorskip("readline")
    assert prompt_input.line_editing()


def test_a_note_typed_before_the_answer_waits_through_skips_and_back() -> None:
    iv = Interview(load_questionnaire(DRILL))
    for line in ("1", "1", "/c", "draft", "binder", "/s", "/b"):
        iv.handle(line)
    assert "planning-policy" not in iv.answers
    assert iv.note_of(iv.item("planning-policy")) == ("draft", "binder")
    while iv.current is not None and iv.current.id != "planning-policy":
        iv.handle("/s")
    iv.handle("2")  # the key is the scale value
    assert iv.answers["planning-policy"] == Answer(kind="value", value=2, note="draft", evidence="binder")


@pytest.mark.parametrize("at", ["note", "evidence"])
def test_q_at_the_note_prompt_quits_and_is_never_a_note(at: str) -> None:
    """q quits; a note typed before it, at the evidence prompt, is kept (the evidence as it was)."""
    iv = Interview(load_questionnaire(DRILL))
    for line in ("1", "1", "2", "/b", "/c"):
        iv.handle(line)
    if at == "evidence":
        iv.handle("new note")
    event = iv.handle("/q" if at == "note" else "q")
    assert event.kind == "quit" and iv.mode is Mode.QUIT
    kept = "new note" if at == "evidence" else None
    assert iv.answers["planning-policy"] == Answer(kind="value", value=2, note=kept)
