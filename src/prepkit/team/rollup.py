"""Roll-ups across many agencies: levels, domain distributions, common gaps and who moved.

Built to stream over thousands of small result files. Pass 1 reads only each file's header (agency,
status, dates, questionnaire); pass 2 fully reads just the results it uses, the latest complete one of
each agency and the one before it. Each questionnaire snapshot is restored once per content hash.
Results that a team result was merged from are left out: the team result stands for them.
Packets (`*.prepkit`, results/packet.py) are read like result files, every hash and the approval
checked first; a tampered packet is named and skipped. `signed_only` counts only results whose
approval still matches their answers.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from prepkit.content.models import Questionnaire
from prepkit.content.yamlio import MAX_BYTES, open_regular, read_text
from prepkit.errors import ContentError, Problem, UsageError, os_reason
from prepkit.gcpause import paused
from prepkit.results.approval import approval_state
from prepkit.results.gate import applicability_read, questionnaire_of, read_result, snapshot_file_name
from prepkit.results.index import Header, HeaderModel
from prepkit.results.model import Result, Snapshot, agency_key
from prepkit.results.packet import PACKET_SUFFIX, RESULT, open_packet, read_packet
from prepkit.results.store import Store
from prepkit.scoring import Scorer, Summary
from prepkit.team.planprogress import PlanProgress, plan_progress


@dataclass(slots=True)
class Entry:
    """One result file as pass 1 saw it."""

    path: Path
    id: str
    agency: str
    questionnaire: str
    hash: str
    complete: bool
    order: tuple[dt.date, dt.datetime, str]
    embedded: bool
    sources: tuple[str, ...]  # for a team result: the ids of the results it was merged from
    approved: bool = False  # carries an approval (whether it still matches is checked in pass 2)
    packet: bool = False  # read from a packet (*.prepkit)


@dataclass(frozen=True)
class Skipped:
    path: Path
    message: str  # FILE:LINE:COL: what is wrong


def result_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Result files named directly, in folders of result files, or in stores (folders with results/)."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            folder = (path / "results" if (path / "results").is_dir() else path).resolve()
            # scandir and plain names: resolving and sorting ten thousand Path objects costs a second
            with os.scandir(folder) as listing:
                # not is_file(): it raises on a symlink loop; whatever is not a regular file is named
                # and skipped when it is read (never opened in a way that could block)
                names = sorted(
                    e.name
                    for e in listing
                    if e.name.endswith((".json", PACKET_SUFFIX))
                    and not e.name.startswith(".")
                    and not e.is_dir(follow_symlinks=False)
                )
            found = [folder / name for name in names]
        elif path.is_file():
            found = [path.resolve()]
        else:
            raise UsageError(f"no such file or folder: {path}")
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file


def read_header(path: Path) -> Entry:
    """Pass 1: a file's header, or a ContentError naming what is wrong with it."""
    packet = path.name.endswith(PACKET_SUFFIX)
    try:
        raw = open_packet(path).parts[RESULT] if packet else _read_bounded(path)
    except OSError as err:
        raise ContentError([_problem(path, f"cannot read: {os_reason(err)}")]) from None
    try:
        head = HeaderModel.model_validate_json(raw)
    except ValidationError:
        head = None
    if head is None or head.format != 1:
        # The slow path: the gate's message names the line and what is wrong.
        result = read_result(
            Path(f"{path}:{RESULT}") if packet else path, _Scorers().lookup, raw.decode("utf-8", errors="replace")
        )
        head = HeaderModel.model_validate(result.model_dump())
    return Entry(
        path=path,
        id=head.id,
        agency=head.agency,
        questionnaire=head.questionnaire.id,
        hash=head.questionnaire.hash,
        complete=head.status == "complete",
        order=(head.date, head.updated, head.id),
        embedded=head.snapshot is not None,
        sources=tuple(r.result for r in head.team.respondents if r.result) if head.team else (),
        approved=head.approval is not None,
        packet=packet,
    )


def _read_bounded(path: Path) -> bytes:
    # Check the size first: read(MAX_BYTES + 1) would allocate the whole bound for every small file.
    with open_regular(path) as handle:
        if os.fstat(handle.fileno()).st_size > MAX_BYTES:
            raise ContentError([_problem(path, f"result file larger than {MAX_BYTES // 2**20} MiB")])
        return handle.read()


def _problem(path: Path, message: str) -> Problem:
    return Problem(str(path), 1, 1, message)


@dataclass
class AgencyState:
    """One agency's latest complete result and the one before it, once scored."""

    agency: str
    date: dt.date
    q: Questionnaire
    latest: Summary
    previous: Summary | None = None
    previous_date: dt.date | None = None
    plan: PlanProgress | None = None  # the agency's improvement plan at the latest result


@dataclass
class Collection:
    """Everything a roll-up is computed from, gathered by `collect`."""

    questionnaire: str
    files: int = 0
    merged_sources: int = 0
    unsigned: int = 0  # complete results left out by signed_only
    skipped: list[Skipped] = field(default_factory=list)
    agencies: list[AgencyState] = field(default_factory=list)


class _Scorers:
    """One reduced scorer per questionnaire snapshot (by content hash), and each snapshot file read once."""

    def __init__(self) -> None:
        self.by_hash: dict[str, Scorer] = {}
        self.snapshots: dict[Path, Snapshot | None] = {}
        self.by_folder: dict[tuple[str, Path], Snapshot] = {}  # (hash, folder of the result) -> snapshot

    def lookup(self, content_hash: str, path: Path) -> Snapshot | None:
        """A snapshot from the store the result file lives in (the gate checks it against each result)."""
        known = self.by_folder.get((content_hash, path.parent))
        if known is not None:
            return known
        name = snapshot_file_name(content_hash)
        for folder in (path.parent.parent / "snapshots", path.parent / "snapshots"):
            candidate = folder / name
            if candidate not in self.snapshots:
                self.snapshots[candidate] = _read_snapshot(candidate)
            found = self.snapshots[candidate]
            if found is not None:
                self.by_folder[(content_hash, path.parent)] = found
                return found
        return None

    def scorer(self, result: Result) -> Scorer:
        key = result.questionnaire.hash
        if key not in self.by_hash:
            self.by_hash[key] = Scorer(questionnaire_of(result))
        return self.by_hash[key]


def _read_snapshot(path: Path) -> Snapshot | None:
    try:
        return Snapshot.model_validate_json(read_text(path))
    except (ContentError, ValueError, OSError):
        return None


def _load(entry: Entry, scorers: _Scorers) -> Result:
    if entry.packet:
        return read_packet(entry.path)[0]  # hashes, gate, and an approval that matches the answers
    try:
        if entry.path.stat().st_size > MAX_BYTES:
            raise ContentError([_problem(entry.path, f"result file larger than {MAX_BYTES // 2**20} MiB")])
        return read_result(entry.path, scorers.lookup)
    except OSError as err:
        raise ContentError([_problem(entry.path, f"cannot read: {err.strerror}")]) from None


def collect(paths: Iterable[Path], questionnaire: str | None = None, *, signed_only: bool = False) -> Collection:
    """Pass 1 over every file's header, then pass 2 over each agency's latest two complete results.

    signed_only: count only results with an approval that still matches their answers."""
    with paused():  # tens of thousands of small objects and no cycles: nothing for the collector
        return _collect(paths, questionnaire, signed_only)


def _pass_one(paths: Iterable[Path]) -> Iterator[tuple[Path, Entry | ContentError]]:
    """Every file's header: a store's result files from its index (results/index.py), the rest read here."""
    seen: set[Path] = set()
    for path in paths:
        found: list[tuple[Path, Entry | ContentError]] = []
        if path.is_dir() and (path / "results").is_dir():
            store = Store(path.resolve())
            headers, failed = store.headers()
            folder = store.results_dir
            for name, header in headers:
                file = folder / name
                found.append((file, _entry(file, header)))
            found += failed
            with os.scandir(folder) as listing:  # packets kept among the results are read here
                others = sorted(
                    folder / e.name
                    for e in listing
                    if e.name.endswith(PACKET_SUFFIX)
                    and not e.name.startswith(".")
                    and not e.is_dir(follow_symlinks=False)
                )
        else:
            others = list(result_files([path]))
        for file in others:
            try:
                found.append((file, read_header(file)))
            except ContentError as err:
                found.append((file, err))
        found.sort(key=lambda item: item[0])
        for file, item in found:
            if file not in seen:
                seen.add(file)
                yield file, item


def _entry(path: Path, header: Header) -> Entry:
    return Entry(
        path=path,
        id=header.id,
        agency=header.agency,
        questionnaire=header.questionnaire,
        hash=header.hash,
        complete=header.complete,
        order=(dt.date.fromisoformat(header.date), dt.datetime.fromisoformat(header.updated), header.id),
        embedded=header.embedded,
        sources=header.sources,
        approved=header.approved,
    )


def _collect(paths: Iterable[Path], questionnaire: str | None, signed_only: bool) -> Collection:
    entries: list[Entry] = []
    skipped: list[Skipped] = []
    files = 0
    for path, item in _pass_one(paths):
        files += 1
        if isinstance(item, ContentError):
            skipped.append(Skipped(path, "; ".join(map(str, item.problems))))
            continue
        entries.append(item)
    qid = _choose_questionnaire(entries, questionnaire)
    chosen = [e for e in entries if e.questionnaire == qid]
    merged_from = {source for e in chosen if e.complete for source in e.sources}
    by_agency: dict[str, list[Entry]] = defaultdict(list)
    unsigned = 0
    for entry in chosen:
        if entry.complete and entry.id not in merged_from:
            if signed_only and not entry.approved:
                unsigned += 1
                continue
            by_agency[agency_key(entry.agency)].append(entry)
    collection = Collection(
        questionnaire=qid,
        files=files,
        skipped=skipped,
        merged_sources=sum(e.id in merged_from for e in chosen),
        unsigned=unsigned,
    )
    scorers = _Scorers()
    seen_ids: set[str] = set()
    for candidates in by_agency.values():
        candidates.sort(key=lambda e: e.order, reverse=True)
        state = _score_agency(candidates, scorers, skipped, seen_ids, signed_only)
        if state is not None:
            collection.agencies.append(state)
    return collection


def _choose_questionnaire(entries: list[Entry], wanted: str | None) -> str:
    counts = Counter(e.questionnaire for e in entries)
    found = ", ".join(f"{qid} ({n})" for qid, n in counts.most_common()) or "none"
    if wanted is not None:
        if wanted not in counts:
            raise UsageError(f"no results for questionnaire '{wanted}'; found: {found}")
        return wanted
    if not counts:
        raise UsageError("no result files found")
    if len(counts) > 1:
        raise UsageError(f"results of several questionnaires: {found}; choose one with --questionnaire")
    return next(iter(counts))


def _score_agency(
    candidates: list[Entry], scorers: _Scorers, skipped: list[Skipped], seen_ids: set[str], signed_only: bool = False
) -> AgencyState | None:
    state: AgencyState | None = None
    for entry in candidates:
        if entry.id in seen_ids:  # the same result exported and in a store: count it once
            continue
        try:
            result = _load(entry, scorers)
            if signed_only and approval_state(result) != "signed":
                raise ContentError(
                    [_problem(entry.path, "answers changed after approval; not counted as signed (--signed-only)")]
                )
            scorer = scorers.scorer(result)
            summary = scorer.summarize(result.answers, applicability_read(scorer.q, result))
        except ContentError as err:
            skipped.append(Skipped(entry.path, "; ".join(map(str, err.problems))))
            continue
        seen_ids.add(entry.id)
        if state is None:
            state = AgencyState(agency=result.agency, date=result.date, q=scorer.q, latest=summary)
            state.plan = plan_progress(entry.path, result, scorer.q, summary.gaps, at=dt.datetime.now().astimezone())
        else:
            state.previous, state.previous_date = summary, result.date
            break
    return state
