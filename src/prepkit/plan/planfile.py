"""Where a plan lives (STORE/plans/<agency-key>--<questionnaire>.json), and reading, creating,
moving forward and writing it (atomically, owner-only)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from prepkit.content.yamlio import read_text
from prepkit.errors import ContentError, SystemRefusal, UsageError, file_problem
from prepkit.fsutil import private_dir, write_private
from prepkit.history.timeline import Entry, load_history
from prepkit.plan.forward import create_plan, move_forward, newer_results
from prepkit.plan.model import Plan
from prepkit.results.model import agency_key, same_agency
from prepkit.results.store import Store, refuse_unsafe_folder


def plan_path(store: Store, agency: str, questionnaire: str) -> Path:
    """One file per agency (names equal but for case and spaces are one agency) and questionnaire id."""
    normal = agency_key(agency)
    slug = re.sub(r"[^a-z0-9]+", "-", normal).strip("-")[:40] or "agency"
    digest = hashlib.sha256(normal.encode()).hexdigest()[:8]
    return store.root / "plans" / f"{slug}-{digest}--{questionnaire}.json"


def read_plan(path: Path) -> Plan | None:
    """The plan in path, or None when there is none yet; ContentError when the file is damaged."""
    if not path.exists():
        return None
    text = read_text(path)
    try:
        return Plan.model_validate_json(text)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise file_problem(path, f"not a prepkit plan ({where}: {first['msg']}); move it away to start anew") from None


def write_plan(path: Path, plan: Plan) -> None:
    """Write the plan (owner-only, atomic) into STORE/plans, refused like the store itself when the store
    or its plans folder is a link, another user's, or writable by others (docs/safety.md)."""
    for folder in (path.parent.parent, path.parent):
        private_dir(folder)
        refuse_unsafe_folder(folder)
    write_private(path, (plan.model_dump_json(indent=1) + "\n").encode())


@dataclass
class Opened:
    plan: Plan
    path: Path
    entries: list[Entry]  # the agency's complete results of this questionnaire, oldest first
    changed: bool  # created or moved forward: to be written
    skipped: list[ContentError] = field(default_factory=list)


def without_merged(entries: list[Entry]) -> list[Entry]:
    """Leave out the results that a team result was merged from: the team result stands for them (as in
    the roll-up), so the plan moves forward once per assessment, not once per respondent."""
    merged = {s.result for e in entries if e.result.team for s in e.result.team.respondents if s.result}
    return [e for e in entries if e.result.id not in merged]


def complete_entries(
    store: Store, agency: str | None, questionnaire: str | None
) -> tuple[list[Entry], list[ContentError]]:
    """The complete results of the one agency and questionnaire meant; UsageError (exit 2) listing the
    choices when the store holds several and none was named, or when there is none."""
    entries, skipped = load_history(store, agency, questionnaire)
    complete = without_merged([e for e in entries if e.card.complete])
    groups: dict[tuple[str, str], str] = {}
    for e in complete:
        groups.setdefault((agency_key(e.result.agency), e.result.questionnaire.id), e.result.agency)
    if len(groups) > 1:
        listed = "; ".join(f"--agency '{name}' --questionnaire {qid}" for (_, qid), name in sorted(groups.items())[:10])
        more = f" (and {len(groups) - 10} more)" if len(groups) > 10 else ""
        raise UsageError(
            f"the store {store.root} holds results of more than one agency or questionnaire; name one: {listed}{more}"
        )
    if not complete:
        named = " / ".join(filter(None, [agency, questionnaire]))
        scope = f" of {named}" if named else ""
        raise UsageError(
            f"no complete result{scope} in {store.results_dir}: a plan starts from one (run prepkit assess first)"
        )
    return complete, skipped


def open_plan(store: Store, agency: str | None, questionnaire: str | None, *, at: dt.datetime) -> Opened:
    """The plan of the agency's latest complete result: created on first use, moved forward with
    every newer complete result. Not written: the caller writes it when `changed` (or after editing)."""
    entries, skipped = complete_entries(store, agency, questionnaire)
    latest = entries[-1]
    path = plan_path(store, latest.result.agency, latest.result.questionnaire.id)
    plan = read_plan(path)
    if plan is not None and (
        not same_agency(plan.agency, latest.result.agency) or plan.questionnaire != latest.result.questionnaire.id
    ):
        raise file_problem(path, f"this is the plan of {plan.agency} ({plan.questionnaire}), not of this agency")
    changed = plan is None
    if plan is None:
        plan = create_plan(latest, at)
    for entry in newer_results(plan, entries):
        move_forward(plan, entry, at)
        changed = True
    return Opened(plan, path, entries, changed, skipped)


def existing_plan(
    store: Store, agency: str, questionnaire: str, *, at: dt.datetime, entries: list[Entry] | None = None
) -> Plan | None:
    """The agency's plan as it stands, moved forward in memory only, or None when it has none (or it
    cannot be read): for the report, the interview and `history`, which never write it. entries: the
    agency's results of this questionnaire when the caller has them (else the store is read)."""
    path = plan_path(store, agency, questionnaire)
    try:
        plan = read_plan(path)
        if plan is None:
            return None
        if entries is None:
            entries, _ = load_history(store, agency, questionnaire)
    except (ContentError, OSError):
        return None
    for entry in newer_results(plan, without_merged([e for e in entries if e.card.complete])):
        move_forward(plan, entry, at)
    return plan


def counts_by_result(store: Store, series: Iterable[tuple[str, str]], *, at: dt.datetime) -> dict[str, dict[str, int]]:
    """Result id -> the plan's counts per status just after that result moved it (for `history`), for
    each (agency, questionnaire) series; a series without a plan costs a look for its file, and only a
    series with one has its results read (a store of thousands of results lists fast)."""
    out: dict[str, dict[str, int]] = {}
    for agency, qid in series:
        plan = existing_plan(store, agency, qid, at=at)
        if plan is not None:
            out.update({cycle.result: cycle.counts for cycle in plan.cycles})
    return out


@contextlib.contextmanager
def plan_lock(store: Store) -> Iterator[None]:
    """Hold the store's plan lock (STORE/plans/.lock) while a plan is read, changed and written, so two
    commands changing plans at once never lose one's change. Without a writable store (or on a system
    without flock), commands run unlocked: a read-only store cannot be written anyway."""
    try:
        import fcntl
    except ImportError:  # not on POSIX
        yield
        return
    folder = store.root / "plans"
    if not store.root.is_dir():  # nothing to lock (and no store to create as a side effect)
        yield
        return
    try:
        private_dir(folder)
        handle = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    except (OSError, SystemRefusal):  # private_dir reports the system's refusal as SystemRefusal
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
