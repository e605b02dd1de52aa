"""The history of an agency's assessments (spec 5): every stored result scored, oldest first, and the
results that `previous` and `latest` name, for `history`, `compare` and reports.

Built for stores of thousands of results. The store's headers (its index: `results/index.py`) decide
which files to read; every result whose numbers are shown is read through the gate. `history` keeps
one small Row per result (never the results themselves) and scores each with the reduced scorer;
`latest` and `previous` read one agency's results newest first and stop at the second complete one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prepkit.content.applicability import answered_count
from prepkit.content.models import Questionnaire
from prepkit.errors import ContentError, UsageError
from prepkit.gcpause import paused
from prepkit.history.compare import Comparison, compare
from prepkit.results.gate import applicability_read, questionnaire_of
from prepkit.results.index import Header
from prepkit.results.model import Approval, Result, agency_key, provenance_counts
from prepkit.results.store import Store
from prepkit.scoring import Scorecard, Scorer, score, shown_score

SPARK_BARS = "▁▂▃▄▅▆▇█"
RELATIVE_REFS = ("previous", "latest")


@dataclass
class Entry:
    """One stored result, scored with the questionnaire it was made with."""

    path: Path
    result: Result
    questionnaire: Questionnaire
    card: Scorecard

    @property
    def order(self) -> tuple[str, str, str]:
        return order_of(self.result)


@dataclass(slots=True)
class Row:
    """One line of `history`: what it shows of a result read through the gate, without the answers."""

    path: Path
    id: str
    agency: str
    questionnaire: Questionnaire  # the snapshot's, shared by every row of that snapshot
    version: str
    date: dt.date
    order: tuple[str, str, str]  # date, time created, id: oldest first
    complete: bool
    score: float | None
    level: str | None
    domains: tuple[float | None, ...]  # in the order of questionnaire.domains
    carried: int  # answers carried over from an earlier result without being checked
    approval: Approval | None = None  # the sign-off, if any
    approval_changed: bool = False  # the answers no longer match what was signed
    answered: int = 0  # of an unfinished result: scored questions answered ...
    applicable: int = 0  # ... of those that apply (content.applicability.answered_count)


def _progress_of(q: Questionnaire, result: Result, complete: bool) -> dict[str, int]:
    """How far an unfinished result got (counted only for those: a finished one shows its score)."""
    if complete:
        return {}
    answered, applicable = answered_count(q, result.answers)
    return {"answered": answered, "applicable": applicable}


def order_of(result: Result) -> tuple[str, str, str]:
    """The order of an agency's results: by date, then by the time each was saved, then by id."""
    return (result.date.isoformat(), result.created.isoformat(), result.id)


def entry_of(path: Path, result: Result) -> Entry:
    """A result read through the gate, scored."""
    q = questionnaire_of(result)
    return Entry(path, result, q, score(q, result.answers))


def _matches(agency: str, qid: str, agency_wanted: str | None, questionnaire: str | None) -> bool:
    return (agency_wanted is None or agency_key(agency) == agency_wanted) and (
        questionnaire is None or qid == questionnaire
    )


def _candidates(store: Store, agency: str | None, questionnaire: str | None) -> tuple[list[Path], list[ContentError]]:
    """The files that may hold matching results: every file without a filter, else those whose header matches."""
    if agency is None and questionnaire is None:
        return store.paths(), []
    headers, failed = store.headers()
    wanted = agency_key(agency) if agency is not None else None
    folder = store.results_dir
    chosen = [
        folder / name
        for name, header in headers
        if _matches(header.agency, header.questionnaire, wanted, questionnaire)
    ]
    return chosen, [error for _, error in failed]


def _gated(store: Store, path: Path) -> Result:
    """A listed file through the gate; what cannot be read is a ContentError (callers name it, go on)."""
    return store.load_listed(path)


def load_history(
    store: Store, agency: str | None = None, questionnaire: str | None = None
) -> tuple[list[Entry], list[ContentError]]:
    """Matching results oldest first (by date, then time saved), each scored in full, and the errors of
    files skipped. With an agency or questionnaire, only the files whose header matches are read.

    A truncated, corrupt or foreign file never stops the others from being read: it is returned as
    an error for the caller to name in a warning, and left untouched.
    """
    candidates, skipped = _candidates(store, agency, questionnaire)
    wanted = agency_key(agency) if agency is not None else None
    entries: list[Entry] = []
    with paused():
        for path in candidates:
            try:
                result = _gated(store, path)
                if _matches(result.agency, result.questionnaire.id, wanted, questionnaire):
                    entries.append(entry_of(path, result))
            except ContentError as err:
                skipped.append(err)
    entries.sort(key=lambda e: e.order)
    return entries, skipped


def history_rows(
    store: Store, agency: str | None = None, questionnaire: str | None = None
) -> tuple[list[Row], list[ContentError]]:
    """What `history` shows of the matching results, oldest first (by date, then time saved), and the
    errors of files skipped. Each result is read through the gate and scored by the reduced scorer;
    only its Row is kept.

    A truncated, corrupt or foreign file never stops the others from being read: it is returned as
    an error for the caller to name in a warning, and left untouched.
    """
    from prepkit.results.approval import approval_state

    candidates, skipped = _candidates(store, agency, questionnaire)
    wanted = agency_key(agency) if agency is not None else None
    rows: list[Row] = []
    scorers: dict[str, Scorer] = {}
    with paused():
        for path in candidates:
            try:
                result = _gated(store, path)
                if not _matches(result.agency, result.questionnaire.id, wanted, questionnaire):
                    continue
                scorer = scorers.get(result.questionnaire.hash)
                if scorer is None:
                    scorer = scorers[result.questionnaire.hash] = Scorer(questionnaire_of(result))
            except ContentError as err:
                skipped.append(err)
                continue
            summary = scorer.summarize(result.answers, applicability_read(scorer.q, result))
            rows.append(
                Row(
                    path=path,
                    id=result.id,
                    agency=result.agency,
                    questionnaire=scorer.q,
                    version=result.questionnaire.version,
                    date=result.date,
                    order=order_of(result),
                    complete=summary.complete,
                    score=summary.score,
                    level=summary.level,
                    domains=summary.domains,
                    carried=provenance_counts(result)["carried"] if result.provenance else 0,
                    approval=result.approval,
                    approval_changed=result.approval is not None and approval_state(result) == "changed",
                    **_progress_of(scorer.q, result, summary.complete),
                )
            )
    rows.sort(key=lambda r: r.order)
    return rows, skipped


def _series(
    store: Store, agency: str | None, questionnaire: str | None, before: tuple[str, str, str] | None = None
) -> tuple[dict[tuple[str, str], list[tuple[Path, Header]]], list[ContentError]]:
    """Matching files grouped by (agency key, questionnaire id), newest first, from their headers;
    with before, only those ordered before it."""
    headers, failed = store.headers()
    wanted = agency_key(agency) if agency is not None else None
    groups: dict[tuple[str, str], list[tuple[Path, Header]]] = defaultdict(list)
    for name, header in headers:
        if _matches(header.agency, header.questionnaire, wanted, questionnaire) and (
            before is None or header.order < before
        ):
            groups[(agency_key(header.agency), header.questionnaire)].append((store.results_dir / name, header))
    for files in groups.values():
        files.sort(key=lambda ph: ph[1].order, reverse=True)
    return groups, [error for _, error in failed]


def _complete_newest_first(
    store: Store,
    files: list[tuple[Path, Header]],
    group: tuple[str, str],
    skipped: list[ContentError] | None = None,
    before: tuple[str, str, str] | None = None,
) -> Iterator[Entry]:
    """The complete results among files (newest first), each read through the gate and scored."""
    for path, _ in files:
        try:
            result = _gated(store, path)
            entry = entry_of(path, result)
        except ContentError as err:
            if skipped is not None:
                skipped.append(err)
            continue
        # the gate's word counts: a file changed since its header was read is judged as it is now
        if (agency_key(result.agency), result.questionnaire.id) != group or (before and entry.order >= before):
            continue
        if entry.card.complete:
            yield entry


def history_json(rows: list[Row]) -> list[dict[str, object]]:
    """The `prepkit history --json` list of spec section 5."""
    return [
        {
            "id": row.id,
            "path": str(row.path),
            "agency": row.agency,
            "questionnaire": row.questionnaire.id,
            "version": row.version,
            "date": row.date.isoformat(),
            "complete": row.complete,
            "overall": {"score": shown_score(row.score), "level": row.level},
        }
        for row in rows
    ]


def relative_result(store: Store, ref: str, agency: str | None = None, questionnaire: str | None = None) -> Entry:
    """The latest complete result, or the one before it ('previous'), of one agency and questionnaire."""
    return _pick(_two_newest(store, ref, agency, questionnaire), store, ref, agency, questionnaire)


def _pick(
    series: tuple[list[Entry], list[ContentError]],
    store: Store,
    ref: str,
    agency: str | None,
    questionnaire: str | None,
) -> Entry:
    complete, skipped = series
    wanted = 1 if ref == "latest" else 2
    if len(complete) < wanted and skipped:
        # the result meant may be one that failed the gate: name what is wrong with each, as FILE:LINE:COL
        raise ContentError([problem for err in skipped for problem in err.problems])
    if len(complete) < wanted:
        named = " / ".join(filter(None, [agency, questionnaire]))
        scope = f" for {named}" if named else ""
        raise UsageError(
            f"no '{ref}' result{scope} in {store.results_dir}: it holds {len(complete)} complete result(s) of that kind"
        )
    return complete[wanted - 1]


def _two_newest(
    store: Store, ref: str, agency: str | None, questionnaire: str | None
) -> tuple[list[Entry], list[ContentError]]:
    """The two newest complete results of the one series matching agency and questionnaire (fewer if
    there are fewer), and the files that could not be read on the way (those whose header cannot be
    read, which may be of any series, and those of the series that fail the gate); a UsageError asking
    which when complete results of several series match."""
    with paused():
        groups, skipped = _series(store, agency, questionnaire)
        found: dict[tuple[str, str], list[Entry]] = {}
        for group, files in groups.items():
            newest = _complete_newest_first(store, files, group, skipped)
            take = 1 if any(found.values()) else 2  # a second series needs one complete result to be ambiguous
            found[group] = [entry for entry, _ in zip(newest, range(take), strict=False)]
            if len([g for g, entries in found.items() if entries]) > 1:
                break
    with_complete = [group for group, entries in found.items() if entries]
    if len(with_complete) > 1:
        # every group with a complete result, as its results spell it (the first six)
        with_complete = [g for g in groups if g in with_complete or _has_complete(store, groups[g], g)]
        shown = sorted({(h.agency, h.questionnaire) for g in with_complete for _, h in groups[g]})
        listed = "; ".join(f"{a} ({qid})" for a, qid in shown[:6]) + ("; ..." if len(shown) > 6 else "")
        raise UsageError(
            f"'{ref}' is ambiguous: the store holds results of {listed}; name one with --agency and --questionnaire"
        )
    return (found[with_complete[0]] if with_complete else []), skipped


def _has_complete(store: Store, files: list[tuple[Path, Header]], group: tuple[str, str]) -> bool:
    return next(_complete_newest_first(store, files, group), None) is not None


def open_entry(store: Store, ref: str, agency: str | None = None, questionnaire: str | None = None) -> Entry:
    """A result named by path, id, or `previous`/`latest`, scored."""
    return open_entries(store, [ref], agency, questionnaire)[0]


def open_entries(
    store: Store, refs: list[str], agency: str | None = None, questionnaire: str | None = None
) -> list[Entry]:
    """Results named by path, id, or `previous`/`latest`, scored; the series that `previous` and
    `latest` name is read once for all of them (`compare previous latest`)."""
    series: tuple[list[Entry], list[ContentError]] | None = None
    entries: list[Entry] = []
    for ref in refs:
        if is_relative(ref):
            if series is None:
                series = _two_newest(store, ref, agency, questionnaire)
            entries.append(_pick(series, store, ref, agency, questionnaire))
        else:
            path = store.find(ref)
            entries.append(entry_of(path, store.load(path)))
    return entries


def is_relative(ref: str) -> bool:
    """ref is `latest` or `previous` (and not a file of that name)."""
    return ref in RELATIVE_REFS and not Path(ref).exists()


def find_result(store: Store, ref: str, agency: str | None = None, questionnaire: str | None = None) -> Result:
    """The result that every command naming one means: a path, an id, or `latest`/`previous` (of the
    one agency and questionnaire in the store, or of those given), read through the gate."""
    if is_relative(ref):
        return relative_result(store, ref, agency, questionnaire).result
    return store.load(store.find(ref))


def compare_entries(before: Entry, after: Entry) -> Comparison:
    return compare(before.questionnaire, before.card, after.questionnaire, after.card)


def compare_results(before: Result, after: Result) -> Comparison:
    """Compare two results, each scored with its own questionnaire snapshot."""
    before_q, after_q = questionnaire_of(before), questionnaire_of(after)
    return compare(before_q, score(before_q, before.answers), after_q, score(after_q, after.answers))


def earlier_results(store: Store, result: Result) -> tuple[list[Entry], list[ContentError]]:
    """The complete results of result's agency and questionnaire id saved before it, oldest first (what a
    report compares with and draws its trend from), and the errors of the files skipped on the way."""
    newest_first, skipped = _earlier(store, result, every=True)
    return newest_first[::-1], skipped


def previous_of(store: Store, result: Result) -> Entry | None:
    """The latest of `earlier_results` (and only it is read): what a report compares against to show
    progress; None if none."""
    newest, _ = _earlier(store, result, every=False)
    return newest[0] if newest else None


def _earlier(store: Store, result: Result, *, every: bool) -> tuple[list[Entry], list[ContentError]]:
    """Complete results of result's series saved before it, newest first (only the newest unless every),
    from the headers of that series; the files skipped: unreadable headers, and series files that fail
    the gate."""
    mine = order_of(result)
    group = (agency_key(result.agency), result.questionnaire.id)
    with paused():
        groups, skipped = _series(store, result.agency, result.questionnaire.id, before=mine)
        files = [(path, header) for path, header in groups.get(group, []) if header.id != result.id]
        newest = (
            e for e in _complete_newest_first(store, files, group, skipped, before=mine) if e.result.id != result.id
        )
        if every:
            found = list(newest)
        else:
            first = next(newest, None)
            found = [] if first is None else [first]
    return found, skipped


def sparkline(values: list[float | None]) -> str:
    """One bar per score on the fixed 0-100 scale (so bars mean the same across domains); · if none."""
    bars = []
    for value in values:
        if value is None:
            bars.append("·")
        else:
            bars.append(SPARK_BARS[min(len(SPARK_BARS) - 1, max(0, int(value / 100 * len(SPARK_BARS))))])
    return "".join(bars)


@dataclass
class Trend:
    questionnaire: str
    key: str  # a domain id, or "" for the overall score
    title: str
    scores: list[float | None]


def trends(rows: list[Row]) -> list[Trend]:
    """Per questionnaire id: the overall score and each domain's (matched by id, in the latest
    version's order) across the rows, oldest first."""
    out: list[Trend] = []
    for qid in dict.fromkeys(row.questionnaire.id for row in rows):
        group = [row for row in rows if row.questionnaire.id == qid]
        out.append(Trend(qid, "", "Overall", [row.score for row in group]))
        by_domain = [dict(zip((d.id for d in row.questionnaire.domains), row.domains, strict=True)) for row in group]
        for domain in group[-1].questionnaire.domains:
            out.append(Trend(qid, domain.id, domain.title, [scores.get(domain.id) for scores in by_domain]))
    return out
