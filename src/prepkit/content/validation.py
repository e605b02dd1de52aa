"""Validate a Document against a pydantic model, with every error mapped back to FILE:LINE:COL."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from prepkit.content.yamlio import Document, Loc
from prepkit.errors import ContentError, Problem

M = TypeVar("M", bound=BaseModel)

_TYPE_WORDS = {
    "int_type": "a number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "string_type": "text (put quotes around it if it looks like a number or a date)",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "date_type": "a date such as 2026-11-25",
    "date_from_datetime_parsing": "a date such as 2026-11-25",
    "date_parsing": "a date such as 2026-11-25",
    "model_attributes_type": "a mapping of keys to values",
    "literal_error": None,
}


def shown(value: object, limit: int = 60) -> str:
    """Text of a value for a message, cut short: a hostile file must not flood (or leak into) the output."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def suggest(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    if len(str(word)) > 200:  # no near miss is that long, and difflib would take its time
        return ""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Suggestions:
    """suggest() for many names of one file, within a budget of comparisons.

    difflib compares a name with every candidate (about 8 µs each): a file naming 20,000 unknown
    questions of a 10,000-question questionnaire took 27 minutes to refuse. Once the budget is spent,
    the remaining names get no suggestion; their messages are otherwise the same.
    """

    def __init__(self, budget: int = 50_000) -> None:
        self.left = budget

    def __call__(self, word: str, candidates: Collection[str]) -> str:
        if len(candidates) > self.left:
            self.left = 0
            return ""
        self.left -= len(candidates)
        return suggest(word, candidates)


def _data_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Drop the union-member names pydantic puts in a loc, keeping only real keys and indexes."""
    out: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node and not _is_tag(part):
            out.append(part)  # a missing or unknown key
            break
    return tuple(out)


def _is_tag(part: str) -> bool:
    return (
        part in {"str", "int", "float", "bool", "list", "dict", "date", "none"} or "[" in part or (part[:1].isupper())
    )


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    kind: str = error["type"]
    where = shown(error["loc"][-1]) if error["loc"] else None
    raw = error.get("input")
    value = shown(raw) if isinstance(raw, str) else raw
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, error["loc"])
        hint = suggest(str(where), allowed)
        listing = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"unknown key '{where}'{hint}{listing}"
    if kind == "missing":
        return f"missing required key '{where}'"
    if kind == "string_pattern_mismatch":
        if "https?" in str(ctx.get("pattern", "")):
            return f"'{value}' is not a web address; use one that starts with https://"
        return f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens (like 'written-policy')"
    if kind == "literal_error":
        return f"{value!r} is not allowed here; expected {ctx.get('expected')}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "greater than",
            "greater_than_equal": "at least",
            "less_than": "less than",
            "less_than_equal": "at most",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return f"{value!r} is out of range: must be {words} {bound}"
    if kind in ("too_short", "too_long"):
        need = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return f"needs {'at least' if kind == 'too_short' else 'at most'} {need} item(s)"
    if kind == "value_error":
        return f"{value!r}: {ctx.get('error', error['msg'])!s}"
    if kind == "string_too_short":
        return "must not be empty"
    expected = _TYPE_WORDS.get(kind)
    if expected:
        return f"expected {expected}, got {_describe(raw)}"
    return str(error["msg"])


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, str) and len(value) > 60:
        return f"'{shown(value)}'"
    return repr(value)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names of the (nested) model the unknown key sits in."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            continue
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(getattr(item, "__args__", ()) or ())
        origin = getattr(item, "__origin__", None)
        if origin is not None and origin not in (list, dict):
            stack.append(origin)
    return None


def validate_document(doc: Document, model: type[M]) -> M:
    """The model built from doc, or a ContentError listing every problem with its position."""
    if not isinstance(doc.data, dict):
        # the kind only, not the content: the file may be anything a path could name (/etc/passwd)
        got = "text" if isinstance(doc.data, str) else "a list" if isinstance(doc.data, list) else "a single value"
        what = "the file is empty" if doc.data is None else f"expected a mapping of keys, got {got}"
        raise ContentError([doc.problem((), what)])
    fields = list(model.model_fields)
    if doc.data and not any(isinstance(key, str) and key in fields for key in doc.data):
        # Not recognisably ours (`questionnaire: /etc/shadow`): its keys and values are not quoted.
        kind = KINDS.get(model.__name__, "prepkit file")
        raise ContentError(
            [doc.problem((), f"not a {kind}: none of its keys is one of {', '.join(fields)}; its content is not shown")]
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as err:
        raise ContentError(problems_from(err, doc, model)) from None


KINDS = {"Questionnaire": "questionnaire", "AnswersFile": "answers file", "ResourceLibrary": "resource library"}


def problems_from(err: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    seen: dict[Loc, list[str]] = {}
    errors = [(error, _data_loc(doc.data, error["loc"])) for error in err.errors()]
    deeper = {loc[:end] for _, loc in errors for end in range(len(loc))}
    for error, loc in errors:
        if error["type"].endswith("_type") and loc in deeper:
            continue  # a union member the value did not take; the errors inside the one it took say more
        key = error["type"] in ("extra_forbidden",)
        message = _message(error, model)
        if error["type"] not in ("extra_forbidden", "missing"):
            message = _field_prefix(loc) + message
        bucket = seen.setdefault((*loc, "#key") if key else loc, [])
        if message not in bucket:
            bucket.append(message)
    problems = []
    for loc, messages in seen.items():
        is_key = bool(loc) and loc[-1] == "#key"
        real = loc[:-1] if is_key else loc
        problems.append(doc.problem(real, "; or ".join(messages), key=is_key))
    return sorted(problems, key=lambda p: (p.line, p.column))


def _field_prefix(loc: Loc) -> str:
    names = [str(p) for p in loc if isinstance(p, str)]
    return f"{names[-1]}: " if names else ""
