"""`--json` output is json.dumps(indent=2) character for character, however it is written."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prepkit.cli.jsonout import indented_json

TEXTS = st.one_of(
    st.sampled_from(["", "plain", 'quote " and \\ back', "tab\there\nline", "Ünïcödé 東京", "\u2028", "<&>", "\x7f"]),
    st.text(max_size=12),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXTS,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(TEXTS, inner, max_size=5)),
    max_leaves=40,
)


def dumps(data: Any, ascii_only: bool) -> str:
    return json.dumps(data, indent=2, ensure_ascii=ascii_only, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(data=JSON_VALUES, ascii_only=st.booleans())
def test_plain_data_is_written_as_json_dumps_writes_it(data: Any, ascii_only: bool) -> None:
    assert indented_json(data, ascii_only=ascii_only) == dumps(data, ascii_only)


class Level(enum.StrEnum):
    DEVELOPING = "developing"


@pytest.mark.parametrize(
    "unusual",
    [
        {"tuple": (1, "a")},
        {1: "a key that is a number", "b": None},
        {"subclass": Level.DEVELOPING},
        [True, 1, 1.0, {"nested": [(), {}]}],
        {"bool subclass of int": [False, 0]},
    ],
)
@pytest.mark.parametrize("ascii_only", [True, False])
def test_anything_else_is_left_to_json_dumps(unusual: Any, ascii_only: bool) -> None:
    assert indented_json(unusual, ascii_only=ascii_only) == dumps(unusual, ascii_only)


@pytest.mark.parametrize("bad", [float("nan"), {"a": [float("inf")]}, {"x": object()}])
def test_what_json_refuses_is_refused(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        indented_json(bad, ascii_only=True)
