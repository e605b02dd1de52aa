"""Assessments in progress: saving after every answer, finding them again, and setting damaged files aside."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from prepkit.content.models import Answer, Questionnaire
from prepkit.content.yamlio import open_regular
from prepkit.errors import ContentError, SystemRefusal
from prepkit.gcpause import paused
from prepkit.results.index import Header
from prepkit.results.lock import ResultLock
from prepkit.results.model import Draft, Provenance, Result, local_now, local_timezone, new_result, same_agency
from prepkit.results.store import Store

# Enough of a file to see its status; a result's status comes right after its id.
_HEAD_BYTES = 4096


@dataclass
class Damaged:
    path: Path
    error: ContentError
    moved_to: Path | None = None  # where an in-progress file was set aside


@dataclass
class StoreContents:
    """What `assess` and `resume` need of the store: every file's header (which chooses), and the
    assessments in progress, read through the gate (which are shown and continued)."""

    headers: list[tuple[str, Header]] = field(default_factory=list)  # (file name, header)
    ongoing: list[tuple[Path, Result]] = field(default_factory=list)
    damaged: list[Damaged] = field(default_factory=list)

    def in_progress(self, questionnaire: str | None = None, agency: str | None = None) -> list[tuple[Path, Result]]:
        """In-progress results, most recently saved first, optionally for one questionnaire id and agency."""
        found = [
            (path, r)
            for path, r in self.ongoing
            if (questionnaire is None or r.questionnaire.id == questionnaire)
            and (agency is None or same_agency(r.agency, agency))
        ]
        return sorted(found, key=lambda pr: pr[1].updated, reverse=True)

    def last_agency(self, questionnaire: str | None = None) -> str | None:
        """The agency of the most recently saved result (for this questionnaire if any), a handy default."""
        ordered = sorted((h for _, h in self.headers), key=lambda h: h.updated, reverse=True)
        for header in ordered:
            if questionnaire is None or header.questionnaire == questionnaire:
                return header.agency
        return ordered[0].agency if ordered else None


def read_store(store: Store) -> StoreContents:
    """Every file's header, and the assessments in progress read through the gate; damaged in-progress
    files are moved aside (never rewritten), other damaged files named and left alone.

    Complete results are not read beyond their header: `assess` only offers the latest agency name
    from them (the index keeps a store of thousands of results quick to open).
    """
    contents = StoreContents()
    headers, failed = store.headers()
    with paused():
        contents.headers = headers
        for name, header in headers:
            if header.status != "in-progress":
                continue
            path = store.results_dir / name
            try:
                result = store.load_listed(path)
            except ContentError as err:
                failed.append((path, err))
                continue
            if result.status == "in-progress":
                contents.ongoing.append((path, result))
    for path, error in sorted(failed, key=lambda pe: pe[0]):
        damaged = Damaged(path, error)
        if _looks_in_progress(path) and _may_write(store):
            damaged.moved_to = set_aside(path)
        contents.damaged.append(damaged)
    return contents


def _may_write(store: Store) -> bool:
    try:
        store.ready_for_writing()
    except SystemRefusal:
        return False
    return True


def _looks_in_progress(path: Path) -> bool:
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False  # a FIFO, socket or link is named and skipped, never opened or moved
        with open_regular(path) as handle:
            head = handle.read(_HEAD_BYTES)
    except (OSError, ContentError):
        return False
    return b'"in-progress"' in head


def set_aside(path: Path) -> Path | None:
    """Rename path to NAME.damaged (or .damaged-2, ...), never replacing a file; None if it cannot be moved."""
    for n in range(1, 100):
        target = path.with_name(f"{path.name}.damaged" + (f"-{n}" if n > 1 else ""))
        try:
            os.link(path, target)  # refuses to replace an existing file, unlike rename
        except FileExistsError:
            continue
        except OSError:
            return None
        os.unlink(path)
        return target
    return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)  # to the microsecond, as new_result: it orders results saved in one second


class Autosave:
    """One assessment's result file, rewritten atomically (owner-only) after every change."""

    def __init__(self, store: Store, result: Result, *, saved: bool, lock: ResultLock | None = None) -> None:
        self.store = store
        self.result = result
        self.saved = saved  # whether a file exists yet; the first write refuses to replace any
        self.lock = lock  # held from the first save (or from resume) until release()

    @classmethod
    def resume(cls, store: Store, path: Path) -> Autosave:
        """Continue the result in path: its lock first (Busy if another prepkit has it), then its content."""
        lock = store.lock(path.stem)
        lock.acquire()
        try:
            result = store.load(path)
        except BaseException:
            lock.release()
            raise
        return cls(store, result, saved=True, lock=lock)

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _claim(self) -> None:
        if self.lock is not None and self.lock.result_id == self.result.id:
            return
        self.release()
        lock = self.store.lock(self.result.id)
        lock.acquire()
        self.lock = lock

    @classmethod
    def start(
        cls,
        store: Store,
        q: Questionnaire,
        agency: str,
        respondent: str | None,
        answers: dict[str, Answer] | None = None,
    ) -> Autosave:
        return cls(store, new_result(q, agency, respondent, dict(answers or {}), complete=False), saved=False)

    @property
    def path(self) -> Path:
        return self.store.path_of(self.result.id)

    def save(
        self,
        answers: dict[str, Answer],
        *,
        complete: bool = False,
        provenance: dict[str, Provenance] | None = None,
        drafts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> Path:
        """Save the answers, and the notes of questions still without one (drafts); complete marks the
        assessment finished and dates it today, in the local time zone (recorded with it)."""
        update: dict[str, object] = {
            "answers": dict(answers),
            "updated": _now(),
            "status": "complete" if complete else "in-progress",
        }
        if drafts is not None:
            update["drafts"] = {qid: Draft(note=note, evidence=evidence) for qid, (note, evidence) in drafts.items()}
        if provenance is not None:
            update["provenance"] = provenance
        if complete:
            update["date"] = local_now().date()
            update["timezone"] = local_timezone()
        self.result = self.result.model_copy(update=update)
        if self.saved:
            self._claim()
            return self.store.save(self.result)
        self.store.ready_for_writing()

        def claim(candidate: Result) -> None:  # the lock first: an id open in another prepkit is taken
            self.result = candidate
            self._claim()

        self.result, path = self.store.save_new(self.result, claim)  # another id if one is taken: never replace
        self.saved = True
        return path
