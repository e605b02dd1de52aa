"""The result store: a private folder of result files plus questionnaire snapshots keyed by hash.

Results are small (answers only); each questionnaire snapshot is stored once under snapshots/, so a
store of thousands of results stays fast to read. An exported result embeds its snapshot instead.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prepkit.content.yamlio import MAX_BYTES, read_text
from prepkit.errors import ContentError, SystemRefusal, UsageError, file_problem, os_reason
from prepkit.fsutil import kind_of, private_dir, remove_stale_temps, write_private
from prepkit.results.gate import read_result, snapshot_file_name, snapshot_matches
from prepkit.results.index import Header, Headers, header_of_result, headers_of, parse_header, read_bounded
from prepkit.results.lock import Busy, ResultLock, lock_path
from prepkit.results.model import Result, Snapshot, agency_key, result_json, slug

# Picks one of several results (newest first) by its index, or None to give up; the CLI asks in a terminal.
Chooser = Callable[[list[tuple[Path, Result]]], int | None]


def default_store_dir(option: Path | None = None) -> Path:
    """--store, else PREPKIT_STORE, else the platform's user data folder for prepkit (spec 5)."""
    if option is not None:
        return option
    env = os.environ.get("PREPKIT_STORE")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("prepkit", appauthor=False)) / "store"


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass
class Store:
    root: Path
    # Snapshots read and checked once per process, keyed by content hash: thousands of results share a few.
    _snapshots: dict[str, Snapshot] = field(default_factory=dict, repr=False, compare=False)
    _writable: bool = field(default=False, repr=False, compare=False)
    # Asks which result is meant when a name fits several (set by the CLI in a terminal); None: refuse and list them.
    chooser: Chooser | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """A store path that names a file (a typo in --store) is refused at once, rather than read as a
        store with no results; a missing one is made when first written."""
        try:
            mode = self.root.stat().st_mode
        except OSError:
            return  # missing, or refused: each command names the path when it reads or writes there
        if not stat.S_ISDIR(mode):
            raise SystemRefusal(self.root, f"a store is a folder, and this is {kind_of(mode)}")

    @property
    def results_dir(self) -> Path:
        return self.root / "results"

    @property
    def snapshots_dir(self) -> Path:
        return self.root / "snapshots"

    def path_of(self, result_id: str) -> Path:
        return self.results_dir / f"{result_id}.json"

    def ready_for_writing(self) -> None:
        """Check (once) that the store may be written, creating it owner-only if it does not exist.

        Refused with SystemRefusal: a store, results/ or snapshots/ that is a symbolic link or not a
        folder, belongs to another user, or can be written by others. Temp files left by a killed
        writer are removed here.
        """
        if self._writable:
            return
        for folder in (self.root, self.results_dir, self.snapshots_dir):
            private_dir(folder)
            refuse_unsafe_folder(folder)
            remove_stale_temps(folder)
        self._writable = True

    def save(self, result: Result, *, replace: bool = True) -> Path:
        """Write result atomically (owner-only); its snapshot goes to snapshots/ once per hash.

        replace=False refuses to overwrite an existing result with the same id (FileExistsError).
        A result larger than the gate reads back (yamlio.MAX_BYTES) is refused, never written.
        """
        self.ready_for_writing()
        stored = result.model_copy(update={"snapshot": None})
        data = result_json(stored)
        path = self.path_of(result.id)
        if len(data) > MAX_BYTES:
            raise file_problem(
                path,
                f"the result would be {len(data) / 1e6:.1f} MB, more than prepkit reads back "
                f"({MAX_BYTES // 2**20} MiB); shorten the notes and evidence. Nothing was saved",
            )
        if result.snapshot is not None:
            self._store_snapshot(result.questionnaire.hash, result.snapshot)
        write_private(path, data, exclusive=not replace)
        return path

    def save_new(self, result: Result, claim: Callable[[Result], None] | None = None) -> tuple[Result, Path]:
        """Save a new result without ever replacing another; when its id is taken it becomes ID-2, ID-3, ...
        (then ID-<random> after many the same day). claim(result) is called before each try (the
        interview locks the id there); an id whose lock another prepkit holds (Busy) counts as taken."""
        base = result.id
        suffixes = [str(n) for n in range(2, 30)] + [secrets.token_hex(2) for _ in range(5)]
        for suffix in ["", *suffixes]:
            candidate = f"{base}-{suffix}" if suffix else base
            if not _ID.match(candidate):
                candidate = f"{base[: 127 - len(suffix)]}-{suffix}"
            result = result.model_copy(update={"id": candidate})
            try:
                if claim is not None:
                    claim(result)
                return result, self.save(result, replace=False)
            except (FileExistsError, Busy):
                continue
        raise UsageError(f"could not find a free result id in {self.results_dir}")

    def _snapshot_path(self, content_hash: str) -> Path:
        return self.snapshots_dir / snapshot_file_name(content_hash)

    def _store_snapshot(self, content_hash: str, snapshot: Snapshot) -> None:
        if content_hash in self._snapshots:
            return
        if snapshot.content_hash() != content_hash:
            raise file_problem(
                self._snapshot_path(content_hash),
                "questionnaire snapshot does not match its hash; refusing to store it",
            )
        path = self._snapshot_path(content_hash)
        if self._read_snapshot(content_hash) is None:
            # Content-addressed: a missing or damaged copy is replaced by the same content, atomically,
            # so two processes storing it at once do no harm.
            write_private(path, snapshot.model_dump_json().encode())
        self._snapshots[content_hash] = snapshot

    def _read_snapshot(self, content_hash: str, folders: list[Path] | None = None) -> Snapshot | None:
        """The first readable snapshot that really has this hash in folders (default: ours), else None."""
        if content_hash in self._snapshots:
            return self._snapshots[content_hash]
        name = self._snapshot_path(content_hash).name
        for folder in folders or [self.snapshots_dir]:
            path = folder / name
            if not path.is_file():
                continue
            try:
                snapshot = Snapshot.model_validate_json(read_text(path))
            except (ContentError, ValueError):
                continue
            if snapshot_matches(content_hash, snapshot):  # a planted or damaged copy is never cached
                self._snapshots[content_hash] = snapshot
                return snapshot
        return None

    def _lookup(self, content_hash: str, path: Path) -> Snapshot | None:
        # The store the file lives in first (a path given from another store), then this one.
        known = self._snapshots.get(content_hash)  # a checked copy, whichever store it came from
        if known is not None:
            return known
        return self._read_snapshot(content_hash, [path.parent.parent / "snapshots", self.snapshots_dir])

    def lock(self, result_id: str) -> ResultLock:
        """The lock of one in-progress result (not yet taken: call acquire)."""
        return ResultLock(lock_path(self.results_dir, result_id), result_id)

    def load(self, path: Path) -> Result:
        """The result in path, through the gate (its snapshot attached and checked)."""
        return read_result(path, self._lookup)

    def find(self, ref: str, *, choose: Chooser | None = None, wanted: Callable[[Result], bool] | None = None) -> Path:
        """The path of a result named by path, by id, by the start of exactly one id, or by an agency's
        name (the start of it, in any case; accents optional).

        Several results of the named agencies: choose picks one (newest first), else a UsageError lists
        them. wanted narrows an agency's results (e.g. to those in progress) when any of them qualifies.
        """
        candidate = Path(ref).expanduser()
        if candidate.is_file():
            return candidate
        if _ID.match(ref):
            path = self.path_of(ref)
            if path.is_file():
                return path
            starting = [p for p in self.paths() if p.stem.startswith(ref)]
            if len(starting) == 1:
                return starting[0]
            if len(starting) > 1:
                matches = [(p, r) for p, r in self._readable(starting)]
                return self._pick(ref, matches, choose, "is the start of")
        matches = self.by_agency(ref)
        if wanted is not None and any(wanted(r) for _, r in matches):
            matches = [(p, r) for p, r in matches if wanted(r)]
        if len(matches) == 1:
            return matches[0][0]
        if matches:
            return self._pick(ref, matches, choose, "names the agency of")
        if not _ID.match(ref):
            raise UsageError(
                f"no result file or agency '{ref}' in {self.results_dir} (`prepkit history` lists the results)"
            )
        raise UsageError(
            f"no result '{ref}' in {self.results_dir} (give a result id, the start of an agency's name or a "
            "file path; `prepkit history` lists them)"
        )

    def by_agency(self, name: str) -> list[tuple[Path, Result]]:
        """The readable results whose agency's name starts with name (case, spacing and accents aside), newest first."""
        wanted = agency_key(name)
        wanted_slug = slug(name, "")
        if not wanted:
            return []
        found = [
            (path, result)
            for path, result in self._readable(self.paths())
            if agency_key(result.agency).startswith(wanted)
            or (wanted_slug and slug(result.agency, "").startswith(wanted_slug))
        ]
        return sorted(found, key=lambda pr: pr[1].updated, reverse=True)

    def _readable(self, paths: list[Path]) -> Iterator[tuple[Path, Result]]:
        for path in paths:
            try:
                yield path, self.load(path)
            except (ContentError, OSError):
                continue

    def _pick(self, ref: str, matches: list[tuple[Path, Result]], choose: Chooser | None, relation: str) -> Path:
        matches = sorted(matches, key=lambda pr: pr[1].updated, reverse=True)
        choose = choose or self.chooser
        if choose is not None:
            chosen = choose(matches)
            if chosen is None:
                raise UsageError("no result chosen")
            return matches[chosen][0]
        shown = "; ".join(f"{r.id} ({r.agency}, {r.status}, {r.date})" for _, r in matches[:8])
        more = f"; and {len(matches) - 8} more" if len(matches) > 8 else ""
        raise UsageError(f"'{ref}' {relation} {len(matches)} results: {shown}{more}; give one of these ids")

    def find_id(
        self, ref: str, *, choose: Chooser | None = None, wanted: Callable[[Result], bool] | None = None
    ) -> Path:
        """Like find, but only results inside this store (for commands that change the store)."""
        path = self.find(ref, choose=choose, wanted=wanted)
        if path.resolve().parent != self.results_dir.resolve():
            raise UsageError(f"'{ref}' is not a result in the store {self.results_dir}; give its id")
        return path

    def delete(self, result_id: str) -> Path:
        """Remove one result file (named by its exact id); the shared questionnaire snapshot stays."""
        path = self.path_of(result_id)
        if not _ID.match(result_id) or not path.is_file():
            raise UsageError(f"no result with the id '{result_id}' in {self.results_dir}; `prepkit history` lists them")
        self.ready_for_writing()
        lock = self.lock(result_id)
        lock.acquire()  # Busy while an interview has it open: its next save would bring the file back
        try:
            path.unlink()
        except OSError as error:
            raise SystemRefusal.of(error, path) from None
        finally:
            lock.release()
        return path

    def import_file(self, path: Path) -> tuple[Result, Path, bool]:
        """Bring a result file from another machine into the store, checked first.

        Returns (result, stored path, added); added is False when the very same result is already
        stored. A different result under the same id is never overwritten (ContentError).
        """
        result = self.load(path)
        target = self.path_of(result.id)
        if not target.exists():
            try:
                return result, self.save(result, replace=False), True
            except FileExistsError:  # saved by another process meanwhile
                pass
        self._refuse_if_different(result, target, path)
        return result, target, False

    def _refuse_if_different(self, result: Result, target: Path, source: Path) -> None:
        """A ContentError unless target holds this very result (then importing it again is a no-op)."""
        try:
            stored = self.load(target)
        except ContentError:
            stored = None
        if stored is not None and stored.model_dump(exclude={"snapshot"}) == result.model_dump(exclude={"snapshot"}):
            return
        raise file_problem(
            source,
            f"the store already holds a different result with id '{result.id}' ({target}); nothing was overwritten",
        )

    def paths(self) -> list[Path]:
        # scandir and plain names: globbing and sorting ten thousand Path objects is slow
        try:
            with os.scandir(self.results_dir) as listing:
                names = sorted(e.name for e in listing if e.name.endswith(".json") and not e.name.startswith("."))
        except (FileNotFoundError, NotADirectoryError):
            return []
        folder = self.results_dir
        return [folder / name for name in names]

    def headers(self) -> Headers:
        """(file name, header) of every result file, in name order (from the store's index while the file
        is unchanged), and the files whose header cannot be read. Headers only choose which results to
        read: read those with load (the gate).

        The index is used only in a store that is a private folder of this user (as for writing): in
        one that others can write, every header is read from its file."""
        try:
            refuse_unsafe_folder(self.root)
            refuse_unsafe_folder(self.results_dir)
            index_root: Path | None = self.root
        except SystemRefusal:
            index_root = None
        return headers_of(self.results_dir, index_root, self._read_header)

    def load_listed(self, path: Path) -> Result:
        """A file of the store's listing through the gate; whatever is not a regular file (a FIFO, a
        socket, a symbolic link, a loop of them) is refused without being opened (ContentError)."""
        try:
            mode = path.lstat().st_mode
        except OSError as err:
            raise file_problem(path, f"cannot read the file: {os_reason(err)}") from None
        if not stat.S_ISREG(mode):
            raise file_problem(path, f"is {kind_of(mode)}, not a result file; skipped")
        try:
            return self.load(path)
        except OSError as err:
            raise file_problem(path, f"cannot read the file: {os_reason(err)}") from None

    def _read_header(self, path: Path) -> Header:
        header = parse_header(path, read_bounded(path))
        if header is None:  # an older format, or something wrong: the gate migrates it or says what
            header = header_of_result(self.load(path))
        return header

    def scan(self) -> Iterator[tuple[Path, Result | ContentError]]:
        """Every result file, or the error that keeps it from being read (callers warn and skip).

        Whatever is not a regular file (a FIFO, a socket, a symbolic link, a loop of them) is named and
        skipped without being opened.
        """
        for path in self.paths():
            try:
                yield path, self.load_listed(path)
            except ContentError as err:
                yield path, err


def refuse_unsafe_folder(folder: Path) -> None:
    """SystemRefusal unless folder is a real folder of this user that nobody else can write to."""
    try:
        info = folder.lstat()
    except OSError as error:
        raise SystemRefusal.of(error, folder) from None
    if stat.S_ISLNK(info.st_mode):
        raise SystemRefusal(folder, "is a symbolic link; a store must be a real folder (refusing to write)")
    if not stat.S_ISDIR(info.st_mode):
        raise SystemRefusal(folder, f"is {kind_of(info.st_mode)}, not a folder")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise SystemRefusal(folder, f"belongs to another user (uid {info.st_uid}); refusing to write")
    if info.st_mode & 0o022:
        raise SystemRefusal(
            folder,
            f"can be written by others (mode {stat.S_IMODE(info.st_mode):04o}); refusing to write "
            f"(make it private: chmod 700 {folder})",
        )
