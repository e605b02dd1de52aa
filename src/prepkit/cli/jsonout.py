"""JSON for standard output: the text `json.dumps(data, indent=2)` gives, written faster.

Python's indenting JSON encoder is written in Python and formats value by value through generators
(0.4 s for ten thousand history rows, a quarter of `score --json` of 10,000 questions). This writer
walks plain dicts, lists, text, whole and finite numbers, true/false and null itself and lets json's C
functions encode each text; anything else (a tuple, a subclass, a key that is not text, NaN) makes it
give up, and json.dumps does the whole job, so the text is always json.dumps's. The tests compare the
two character for character.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any


class _Unusual(Exception):
    """A value this writer leaves to json.dumps."""


def indented_json(data: Any, *, ascii_only: bool) -> str:
    """json.dumps(data, indent=2, ensure_ascii=ascii_only, allow_nan=False), character for character."""
    try:
        return _Writer(ascii_only).text(data)
    except (_Unusual, RecursionError):
        return json.dumps(data, indent=2, ensure_ascii=ascii_only, allow_nan=False)


class _Writer:
    def __init__(self, ascii_only: bool) -> None:
        self.encode_text = encode_basestring_ascii if ascii_only else encode_basestring
        self.parts: list[str] = []

    def text(self, data: Any) -> str:
        self._value(data, "\n")
        return "".join(self.parts)

    def _value(self, value: Any, newline: str) -> None:
        """Append value; newline is the line break and indent of the line value starts on."""
        kind = type(value)
        if kind is dict:
            self._object(value, newline)
        elif kind is list:
            self._array(value, newline)
        else:
            self.parts.append(self._scalar(value))

    def _scalar(self, value: Any) -> str:
        kind = type(value)
        if kind is str:
            result: str = self.encode_text(value)
            return result
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if kind is int:
            return int.__repr__(value)
        if kind is float and math.isfinite(value):
            return float.__repr__(value)
        raise _Unusual

    def _object(self, value: dict[Any, Any], newline: str) -> None:
        if not value:
            self.parts.append("{}")
            return
        inner = newline + "  "
        append = self.parts.append
        encode_text = self.encode_text
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            kind = type(item)
            if kind is str:  # the commonest value, encoded here rather than through _scalar
                append(f"{separator}{encode_text(key)}: {encode_text(item)}")
            elif kind is dict or kind is list:
                append(f"{separator}{encode_text(key)}: ")
                self._value(item, inner)
            else:
                append(f"{separator}{encode_text(key)}: {self._scalar(item)}")
            separator = "," + inner
        append(newline + "}")

    def _array(self, value: list[Any], newline: str) -> None:
        if not value:
            self.parts.append("[]")
            return
        inner = newline + "  "
        append = self.parts.append
        encode_text = self.encode_text
        separator = "[" + inner
        for item in value:
            kind = type(item)
            if kind is str:
                append(separator + encode_text(item))
            elif kind is dict or kind is list:
                append(separator)
                self._value(item, inner)
            else:
                append(separator + self._scalar(item))
            separator = "," + inner
        append(newline + "]")
