"""The store's header index: what each result file says about itself, without its answers.

Commands that pick results (the latest two of an agency for `compare`, the assessments in progress
for `assess` and `resume`, one agency's results for `history --agency` and the report's trend) first
look at every file's header: id, status, agency, questionnaire, dates. Reading ten thousand headers
takes half a second, so they are kept in `.index.json` at the store's root, each under the file's
name with the file's inode, size, modification and change times. The result files stay the only
source of truth:

- an entry is used only while the file's inode, size, mtime and ctime are the ones recorded; any
  change (an edit, a rename over it, a copy) and the header is read from the file again;
- the index is rewritten (atomically, owner-only) when entries were added, changed or dropped; if it
  is missing, damaged, of another format or cannot be written, the headers are read from the files
  (one slower run);
- a header only chooses which results a command reads: every result whose numbers are shown is read
  through the gate (`Store.load`), which checks the file itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, ValidationError

from prepkit.content.yamlio import CONTROL_CHARACTERS, MAX_BYTES, open_regular
from prepkit.errors import ContentError, SystemRefusal, file_problem, os_reason
from prepkit.fsutil import kind_of, write_private
from prepkit.gcpause import paused
from prepkit.results.model import QuestionnaireRef

INDEX_NAME = ".index.json"
_INDEX_FORMAT = 3


class _TeamSource(BaseModel):
    model_config = ConfigDict(extra="ignore")
    result: str | None = None


class _TeamHeader(BaseModel):
    model_config = ConfigDict(extra="ignore")
    respondents: list[_TeamSource] = []


class HeaderModel(BaseModel):
    """What a header needs of a result file; the answers are parsed but not validated."""

    model_config = ConfigDict(extra="ignore")
    format: int
    id: str
    status: str
    agency: str
    date: dt.date
    created: dt.datetime
    updated: dt.datetime
    questionnaire: QuestionnaireRef
    snapshot: Any = None
    team: _TeamHeader | None = None
    approval: Any = None


class Header(NamedTuple):
    """One result file's header. Dates and times are ISO text, as results are ordered by them."""

    id: str
    status: str
    agency: str
    questionnaire: str  # id
    version: str
    hash: str
    date: str
    created: str
    updated: str
    embedded: bool  # carries its own snapshot
    approved: bool  # carries an approval (`prepkit sign`; whether it still matches is the gate's and
    # results/approval.py's to say)
    sources: tuple[str, ...]  # for a team result: the ids of the results it was merged from

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    @property
    def order(self) -> tuple[str, str, str]:
        """Oldest first: by date, then time created, then id (as `history` orders results)."""
        return (self.date, self.created, self.id)


_COLUMNS = ("name", "ino", "size", "mtime", "ctime", *Header._fields)
_TEXT_COLUMNS = ("name", *Header._fields[:9])
_INT_COLUMNS = ("ino", "size", "mtime", "ctime")


def _columns_valid(columns: dict[str, Any], raw: bytes) -> bool:
    """Whether every column is a list of the right type and length (a damaged index is not used)."""
    if set(columns) != set(_COLUMNS) or any(type(c) is not list for c in columns.values()):
        return False
    rows = len(columns["name"])
    if any(len(column) != rows for column in columns.values()):
        return False
    if not rows:
        return True
    if any(set(map(type, columns[c])) != {str} for c in _TEXT_COLUMNS):
        return False
    if any(set(map(type, columns[c])) != {int} for c in _INT_COLUMNS):
        return False
    if any(set(map(type, columns[c])) != {bool} for c in ("embedded", "approved")):
        return False
    sources = columns["sources"]
    if any(type(s) is not list for s in sources) or not all(type(x) is str for s in sources if s for x in s):
        return False
    # Control characters are escaped by json (\\u00..) or are DEL and C1 (0x7f, 0xc2 0x80-0x9f in
    # UTF-8): only an index that has either is searched, text by text.
    if b"\\u00" in raw or b"\x7f" in raw or b"\xc2" in raw:
        texts = (t for c in ("id", "status", "agency", "questionnaire", "version") for t in columns[c])
        if any(CONTROL_CHARACTERS.search(t) for t in texts):
            return False
    return True


def parse_header(path: Path, raw: bytes) -> Header | None:
    """The header of a current-format result file, or None when only the gate can tell (then call it)."""
    try:
        head = HeaderModel.model_validate_json(raw)
    except ValidationError:
        return None
    texts = (head.id, head.status, head.agency, head.questionnaire.id, head.questionnaire.version)
    if head.format != 1 or any(CONTROL_CHARACTERS.search(t) for t in texts):
        return None
    return header_of_result(head)  # the header model has a result's shape


def header_of_result(result: Any) -> Header:
    """The header of a Result read through the gate (an older format, migrated), or of a HeaderModel."""
    team = result.team
    return Header(
        id=result.id,
        status=result.status,
        agency=result.agency,
        questionnaire=result.questionnaire.id,
        version=result.questionnaire.version,
        hash=result.questionnaire.hash,
        date=result.date.isoformat(),
        created=result.created.isoformat(),
        updated=result.updated.isoformat(),
        embedded=result.snapshot is not None,
        approved=getattr(result, "approval", None) is not None,
        sources=tuple(r.result for r in team.respondents if r.result) if team else (),
    )


def read_bounded(path: Path) -> bytes:
    """A result file's bytes; refuses what is too large before reading it (ContentError or OSError)."""
    with open_regular(path) as handle:  # a FIFO or device is refused, never waited on
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_BYTES:
            raise file_problem(path, f"result file larger than {MAX_BYTES // 2**20} MiB")
        return handle.read()


Key = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


def file_key(info: os.stat_result) -> Key:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class HeaderIndex:
    """The index of one store: load, look up by file name and stat key, save when changed.

    On disk, one list per column, row i for one file: {"format": 1, "columns": {"name": [...],
    "ino": [...], "size": [...], "mtime": [...], "ctime": [...], "id": [...], ...}}; columns are
    checked with one type test each, which keeps loading ten thousand entries cheap.
    """

    def __init__(self, root: Path | None) -> None:
        """root None: no index (a store that others can write); every header is read from its file."""
        self.path = root / INDEX_NAME if root is not None else None
        self.entries: dict[str, tuple[Key, Header]] = {}
        self.changed = False
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            with self.path.open("rb") as handle:
                if os.fstat(handle.fileno()).st_size > 64 * MAX_BYTES:
                    return
                raw = handle.read()
            data = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            self.changed = True
            return
        columns = data.get("columns") if isinstance(data, dict) and data.get("format") == _INDEX_FORMAT else None
        if not isinstance(columns, dict) or not _columns_valid(columns, raw):
            self.changed = True  # damaged or of another format: every header is read from its file again
            return
        keys = zip(columns["ino"], columns["size"], columns["mtime"], columns["ctime"], strict=True)
        fields = [columns[name] for name in Header._fields[:11]]
        headers = map(Header._make, zip(*fields, map(tuple, columns["sources"]), strict=True))
        self.entries = dict(zip(columns["name"], zip(keys, headers, strict=True), strict=True))

    def get(self, name: str, key: Key) -> Header | None:
        found = self.entries.get(name)
        if found is None or found[0] != key:
            return None
        return found[1]

    def put(self, name: str, key: Key, header: Header) -> None:
        self.entries[name] = (key, header)
        self.changed = True

    def keep_only(self, names: set[str]) -> None:
        gone = [name for name in self.entries if name not in names]
        for name in gone:
            del self.entries[name]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Write the index if it changed; a store that cannot be written is read the slow way next time."""
        if not self.changed or self.path is None:
            return
        entries = sorted(self.entries.items())
        columns: dict[str, list[Any]] = {"name": [name for name, _ in entries]}
        for i, column in enumerate(_INT_COLUMNS):
            columns[column] = [key[i] for _, (key, _) in entries]
        for i, column in enumerate(Header._fields[:11]):
            columns[column] = [h[i] for _, (_, h) in entries]
        columns["sources"] = [list(h.sources) for _, (_, h) in entries]
        data = json.dumps({"format": _INDEX_FORMAT, "columns": columns}, ensure_ascii=False, separators=(",", ":"))
        try:
            write_private(self.path, data.encode())
        except (OSError, SystemRefusal):  # a read-only store: read the slow way next time
            return
        self.changed = False


Headers = tuple[list[tuple[str, Header]], list[tuple[Path, ContentError]]]


def headers_of(results_dir: Path, root: Path | None, read_header: Callable[[Path], Header]) -> Headers:
    """Every result file's header in results_dir, by file name, using and refreshing root's index.

    read_header(path) gives the header of a file that the index does not know (or a ContentError).
    Returns (file name, header) pairs in name order, and the files whose header cannot be read.
    """
    try:
        with os.scandir(results_dir) as listing:
            files = sorted((e.name, e) for e in listing if e.name.endswith(".json") and not e.name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    with paused():  # tens of thousands of small objects and no cycles: nothing for the collector
        return _headers(results_dir, root, files, read_header)


def _headers(
    results_dir: Path,
    root: Path | None,
    files: list[tuple[str, os.DirEntry[str]]],
    read_header: Callable[[Path], Header],
) -> Headers:
    index = HeaderIndex(root)
    found: list[tuple[str, Header]] = []
    failed: list[tuple[Path, ContentError]] = []
    for name, entry in files:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as err:
            path = results_dir / name
            failed.append((path, file_problem(path, f"cannot read the file: {os_reason(err)}")))
            continue
        if not stat.S_ISREG(info.st_mode):  # named and skipped without being opened, as Store.scan does
            path = results_dir / name
            failed.append((path, file_problem(path, f"is {kind_of(info.st_mode)}, not a result file; skipped")))
            continue
        key = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        header = index.get(name, key)
        if header is None:
            path = results_dir / name
            try:
                header = read_header(path)
            except ContentError as err:
                failed.append((path, err))
                continue
            except OSError as err:
                failed.append((path, file_problem(path, f"cannot read the file: {os_reason(err)}")))
                continue
            index.put(name, key, header)
        found.append((name, header))
    index.keep_only({name for name, _ in files})
    index.save()
    return found, failed
