"""Safe, bounded YAML reading that remembers where every value came from.

Errors found later (by pydantic or by our own checks) are reported as FILE:LINE:COL, so each value's
position is kept, keyed by its path in the document. Hostile input is bounded: file size, nesting depth
and the number of nodes after expanding aliases (the "billion laughs" bomb) all have limits.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from prepkit.errors import ContentError, Problem, UnreadableFile, file_problem, os_reason
from prepkit.fsutil import kind_of

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 250_000
MAX_DEPTH = 40
MAX_EXPANDED_CHARS = 2 * MAX_BYTES  # characters of text once aliases are expanded

Loc = tuple[str | int, ...]

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_INT_TAG = "tag:yaml.org,2002:int"
_MAP_TAG = "tag:yaml.org,2002:map"
_SCALAR_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
# C0 controls but tab and newline, DEL and C1: in text they can rewrite the terminal that shows it.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character_message(text: str) -> str | None:
    """Why text cannot be shown safely, or None: control characters are refused, not silently dropped."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return f"control character U+{ord(found.group()):04X} is not allowed in text (only tab and line breaks are)"


class _Yaml12Loader(_BASE):  # type: ignore[misc, valid-type]
    """Safe loader whose booleans are YAML 1.2's: `yes`, `no`, `on`, `off` stay strings."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_RESOLVERS_BY_FIRST: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(resolvers) for first, resolvers in _Yaml12Loader.yaml_implicit_resolvers.items() if first is not None
}
if None in _Yaml12Loader.yaml_implicit_resolvers or _Yaml12Loader.yaml_path_resolvers:  # what _resolve skips
    raise RuntimeError("this PyYAML has wildcard or path resolvers; prepkit's resolver does not apply them")
_DEFAULT_TAGS = {yaml.ScalarNode: _STR_TAG, yaml.SequenceNode: _SEQ_TAG, yaml.MappingNode: _MAP_TAG}


def _resolve(_loader: object, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    """BaseResolver.resolve for a loader with no path resolvers and no wildcard implicit ones: the same
    tags, without building a list of resolvers for every value (the C parser calls it for each node)."""
    if kind is yaml.ScalarNode and implicit[0]:
        for tag, regexp in _RESOLVERS_BY_FIRST.get(value[:1], ()):
            if regexp.match(value):
                return tag
    return _DEFAULT_TAGS[kind]


_Yaml12Loader.resolve = _resolve


@dataclass
class Document:
    """Plain data read from a YAML file, and where each value and mapping key came from.

    Positions are looked up only when a message needs one, in the parsed node graph (root): keeping a
    position for every value while building cost a third of the time of loading a large questionnaire.
    """

    path: Path
    data: Any
    root: yaml.Node | None = None
    _entries: dict[int, dict[Any, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict, repr=False)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Line and column of loc (of its key, with key=True), or of its nearest ancestor that has one."""
        node = self.root
        if node is None:
            return (1, 1)
        found = _start(node)
        for depth, part in enumerate(loc):
            pair = self._child(node, part)
            if pair is None:
                break
            key_node, node = pair
            if key and key_node is not None and depth == len(loc) - 1:
                return _start(key_node)
            found = _start(node)
        return found

    def problem(self, loc: Loc, message: str, *, key: bool = False) -> Problem:
        line, column = self.position(loc, key=key)
        return Problem(str(self.path), line, column, message)

    def _child(self, node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
        """The key node (None in a list) and the value node at part of node, as the builder read them."""
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            if type(part) is int and 0 <= part < len(node.value):
                return None, node.value[part]
            return None
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            entries = self._entries.get(id(node))
            if entries is None:  # once per mapping: thousands of messages about one mapping stay linear
                entries = self._entries[id(node)] = {key: (k, v) for key, k, v in _mapping_entries(node)}
            try:
                return entries.get(part)
            except TypeError:  # an unhashable part: no such key
                return None
        return None


def _start(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _mapping_entries(node: yaml.MappingNode) -> list[tuple[Any, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of each entry the builder keeps, in order, without its messages."""
    builder = _Builder(Path(), _key_loader())
    entries: list[tuple[Any, yaml.Node, yaml.Node]] = []
    builder.entries = entries
    builder._mapping(node, 0)
    return entries


def _key_loader() -> Any:
    global _KEY_LOADER
    if _KEY_LOADER is None:
        _KEY_LOADER = _Yaml12Loader("")
    return _KEY_LOADER


_KEY_LOADER: Any = None


def open_regular(path: Path) -> BinaryIO:
    """path opened for reading if it is a regular file; a FIFO, socket or device is refused, never waited on.

    The open itself never blocks (O_NONBLOCK), and the type is checked on the opened file, so nothing
    can be swapped in between. Raises ContentError naming what the path is, or OSError.
    """
    return _open_regular(path)[0]


def _open_regular(path: Path) -> tuple[BinaryIO, int]:
    """open_regular, and the size of the opened file (from the same fstat that checked its type)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if not stat.S_ISREG(mode):
            raise file_problem(path, f"not a regular file (it is {kind_of(mode)})")
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb"), info.st_size


def read_text(path: Path) -> str:
    """The file's text, refusing what is not a small UTF-8 regular file."""
    try:
        handle, size = _open_regular(path)
        with handle:
            if size > MAX_BYTES:
                raise file_problem(path, f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MiB")
            # as much as fstat said, plus one byte to see whether it grew since (then the rest, up to
            # the limit): read(MAX_BYTES + 1) would allocate 5 MiB for every small file
            raw = handle.read(size + 1)
            if len(raw) > size:
                raw += handle.read(MAX_BYTES + 1 - len(raw))
    except FileNotFoundError:
        raise file_problem(path, "not a regular file (or it does not exist)") from None
    except OSError as err:  # the system refused (spec 6): exit 3 for a file the user named
        raise UnreadableFile([Problem(str(path), 1, 1, f"cannot read the file: {os_reason(err)}")]) from None
    if len(raw) > MAX_BYTES:
        raise file_problem(path, f"file is larger than {MAX_BYTES // 2**20} MiB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = err.start - (before.rfind(b"\n") + 1) + 1
        raise file_problem(
            path, f"not UTF-8 text (byte 0x{raw[err.start]:02x}); save the file as UTF-8", line, column
        ) from None


def load_yaml(path: Path, text: str | None = None, *, positions_only: bool = False) -> Document:
    """Parse one YAML document into plain Python data plus positions; never constructs objects.

    positions_only: keep going past bad values (they become None), for callers that only want positions.
    """
    if text is None:
        text = read_text(path)
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise file_problem(path, "binary data (NUL byte) is not allowed in a YAML file", line)
    loader = _Yaml12Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = err.problem or err.context or "invalid YAML"
        raise file_problem(path, f"invalid YAML: {what}", line, column) from None
    except yaml.YAMLError as err:
        raise file_problem(path, f"invalid YAML: {err}") from None
    except RecursionError:
        raise file_problem(path, f"nesting deeper than {MAX_DEPTH} levels is not allowed") from None
    finally:
        loader.dispose()
    doc = Document(path, None, node)
    if node is None:
        return doc
    # Only aliases (`*name`) can make the built document larger than the text; most files have none.
    # Both the number of values and the characters are bounded, before anything is expanded.
    if "*" in text:
        nodes, chars = _expanded_size(node)
        if nodes > MAX_NODES or chars > MAX_EXPANDED_CHARS:
            mark = node.start_mark
            what = (
                f"more than {MAX_NODES:,} values"
                if nodes > MAX_NODES
                else f"more than {MAX_EXPANDED_CHARS // 1_000_000} million characters"
            )
            raise file_problem(
                path,
                f"{what} once aliases are expanded; anchors and aliases must not multiply the document",
                mark.line + 1,
                mark.column + 1,
            )
    builder = _Builder(path, loader)
    doc.data = builder.build(node)
    if (builder.problems or builder.quoting) and not positions_only:
        problems = builder.problems
        if builder.quoting and looks_like_prepkit(node):
            problems = [*problems, *builder.quoting]
        elif builder.quoting:  # a message quotes a value only from a file that is ours, never /etc/shadow's
            problems = [*problems, Problem(str(path), 1, 1, NOT_OURS)]
        raise ContentError(sorted(problems, key=lambda p: (p.line, p.column)))
    return doc


NOT_OURS = "not a prepkit file (none of its keys is one prepkit uses); its content is not shown"
# Top-level keys of the formats prepkit reads (questionnaire, answers file, resource library).
PREPKIT_KEYS = frozenset(
    {"format", "id", "version", "title", "scales", "levels", "domains", "profile", "questionnaire", "agency"}
    | {"answers", "resources", "respondent", "date", "summary", "based_on", "default_scale"}
)


def looks_like_prepkit(node: yaml.Node) -> bool:
    """Whether a document is a mapping with at least one top-level key that a prepkit format uses."""
    return isinstance(node, yaml.MappingNode) and any(
        isinstance(key, yaml.ScalarNode) and key.value in PREPKIT_KEYS for key, _ in node.value
    )


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """How many nodes and scalar characters building would produce, counted on the shared graph
    without expanding it (each capped just above its limit)."""
    sizes: dict[int, tuple[int, int]] = {}
    order: list[yaml.Node] = []
    stack = [root]
    while stack:  # iterative post-order, so neither depth nor aliases can blow the stack
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = (-1, 0)
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = (1, len(node.value))
            continue
        nodes, chars = 1, 0
        for child in _children(node):
            child_nodes, child_chars = sizes[id(child)]
            nodes += max(child_nodes, 1)  # a node still being counted is a cycle: the depth limit stops it
            chars += child_chars
        sizes[id(node)] = (min(nodes, MAX_NODES + 1), min(chars, MAX_EXPANDED_CHARS + 1))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_UNDERSCORED = re.compile(r"^[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?$")
_NUMBER_START = frozenset("0123456789+-")
_NUMBER_MARKS = str.maketrans("", "", "+-.,\uff0b\uff0d\uff0e\uff0c")


def ambiguous_number(text: str) -> str | None:
    """Why an unquoted value is refused as a number YAML 1.1 and 1.2 read differently, or None.

    `070` is octal 56 in YAML 1.1 and 70 in 1.2; `1:30` is 90 (base 60) in 1.1 and text in 1.2; `1_000`
    is 1000 in 1.1 and text in 1.2; full-width or other non-ASCII digits look like a number and are text.
    """
    if text.isascii():
        if text[:1] not in _NUMBER_START:  # most values are words: one look at the first character
            return None
    else:
        bare = text.translate(_NUMBER_MARKS)
        if bare and bare.isdecimal():
            return (
                f"'{_shorten(text)}' is written with full-width or other non-ASCII digits; "
                "write the number with 0-9, or put it in quotes if it is text"
            )
        return None
    if _LEADING_ZERO.match(text):
        return (
            f"'{text}' is a number with a leading zero, which YAML 1.1 reads as octal and YAML 1.2 as decimal; "
            f"write it without the zero, or in quotes ('{text}') if it is text"
        )
    if _SEXAGESIMAL.match(text):
        return f"'{text}' is a base-60 number in YAML 1.1 and text in YAML 1.2; put it in quotes ('{text}')"
    if _UNDERSCORED.match(text):
        return f"'{text}' is a number in YAML 1.1 and text in YAML 1.2; write it without '_', or in quotes"
    return None


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _fits_float(value: int) -> bool:
    """Whether an integer can take part in arithmetic with floats (weights, scale values, scores)."""
    try:
        float(value)
    except OverflowError:
        return False
    return True


class _TooBig(Exception):
    pass


class _Builder:
    """Turns a composed node graph into plain data, enforcing depth, size and tag limits.

    entries: when a list, _mapping only records the entries it keeps there (Document's positions)
    and builds no values.
    """

    def __init__(self, path: Path, loader: Any) -> None:
        self.path = str(path)
        self.loader = loader
        self.nodes = 0
        self.problems: list[Problem] = []  # messages that show nothing of the file's content
        self.quoting: list[Problem] = []  # messages that quote a key or value
        self.entries: list[tuple[Any, yaml.Node, yaml.Node]] | None = None

    def _problem(self, node: yaml.Node, message: str, *, quotes: bool = False) -> None:
        """Record a problem; quotes: its message shows a value of the file (see load_yaml)."""
        mark = node.start_mark
        problem = Problem(self.path, mark.line + 1, mark.column + 1, message)
        (self.quoting if quotes else self.problems).append(problem)

    def build(self, node: yaml.Node) -> Any:
        try:
            return self._build(node, 0)
        except _TooBig:
            return None

    def _build(self, node: yaml.Node, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self._problem(
                node,
                f"more than {MAX_NODES:,} values once aliases are expanded; "
                "anchors and aliases must not multiply the document",
            )
            raise _TooBig
        if depth > MAX_DEPTH:
            self._problem(node, f"nesting deeper than {MAX_DEPTH} levels is not allowed")
            raise _TooBig
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                self._problem(node, f"the tag {node.tag} is not allowed; prepkit reads plain YAML mappings only")
                return None
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._problem(node, f"the tag {node.tag} is not allowed; prepkit reads plain YAML lists only")
                return None
            build = self._build
            return [build(item, depth + 1) for item in node.value]
        self._problem(node, "unsupported YAML node")
        return None

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        value = node.value
        tag = node.tag
        # the common case, one-line text: quoted, or plain with a first character that cannot start a
        # number YAML 1.1 and 1.2 read differently (ambiguous_number looks no further for ASCII words)
        if (
            tag == _STR_TAG
            and value.isprintable()
            and (node.style or (value[:1] not in _NUMBER_START and value.isascii()))
        ):
            return value
        # and a plain whole number of a few digits, 0-9 only and no leading zero: int() is all it needs
        if tag == _INT_TAG and len(value) < 16 and value.isascii() and value.isdigit() and value[0] != "0":
            return int(value)
        if not node.style and (message := ambiguous_number(value)):
            self._problem(node, message, quotes=True)
            return None
        if tag not in _SCALAR_TAGS:
            self._problem(node, f"the tag {tag} is not allowed; only plain text, numbers, true/false, dates and null")
            return None
        try:
            # plain text needs no constructing; other tags go straight to their constructor (much faster
            # than construct_object, which keeps bookkeeping for anchors that scalars never need)
            value = value if tag == _STR_TAG else self.loader.yaml_constructors[tag](self.loader, node)
        except (yaml.YAMLError, ValueError, OverflowError) as err:
            self._problem(node, f"invalid value {_shorten(node.value)!r}: {str(err).split(';')[0]}", quotes=True)
            return None
        # isprintable() is a quick pass for the common one-line text; only the rest needs the search
        if isinstance(value, str) and not value.isprintable() and (message := control_character_message(value)):
            self._problem(node, message)
            return None
        if isinstance(value, int) and not isinstance(value, bool) and not _fits_float(value):
            self._problem(node, f"the number {_shorten(node.value)} is too large", quotes=True)
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        previous: tuple[Any, yaml.Node] | None = None
        entries = self.entries
        flow = bool(node.flow_style)  # text continues after a comma only in a flow mapping
        for key_node, value_node in node.value:
            if flow and previous is not None and _continues_text(node, previous[1], key_node, value_node):
                # `{description: No policy, practice or resource exists.}`: the author meant one text
                # with a comma in it (the spec's own example reads so), not a key "practice or ...".
                result[previous[0]] = f"{result[previous[0]]}, {key_node.value}"
                continue
            if type(key_node) is not yaml.ScalarNode or key_node.tag == "tag:yaml.org,2002:merge":
                self._problem(key_node, "keys must be plain text (merge keys '<<' are not supported)")
                continue
            key = self._scalar(key_node)
            if key in result:
                self._problem(key_node, f"duplicate key '{key}'", quotes=True)
                continue
            if entries is None:
                result[key] = self._build(value_node, depth + 1)
            else:
                result[key] = ""
                entries.append((key, key_node, value_node))
            previous = (key, value_node)
        return result


def _continues_text(mapping: yaml.MappingNode, value: yaml.Node, key: yaml.Node, key_value: yaml.Node) -> bool:
    """In a flow mapping, is `key` (plain, with no value of its own) the rest of the plain text before it?"""
    return (
        bool(mapping.flow_style)
        and isinstance(value, yaml.ScalarNode)
        and not value.style
        and value.tag == "tag:yaml.org,2002:str"
        and isinstance(key, yaml.ScalarNode)
        and not key.style
        and key.tag == "tag:yaml.org,2002:str"
        and isinstance(key_value, yaml.ScalarNode)
        and key_value.tag == "tag:yaml.org,2002:null"
        and key_value.value == ""
        and key.end_mark.index == key_value.start_mark.index
    )
