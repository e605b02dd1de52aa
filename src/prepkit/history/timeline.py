"""The history of an agency's assessments (spec 5): every stored result scored, oldest first, and the
results that `previous` and `latest` name, for `history`, `compare` and reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prepkit.content.models import Questionnaire
from prepkit.errors import ContentError, UsageError
from prepkit.history.compare import Comparison, compare
from prepkit.results.gate import questionnaire_of
from prepkit.results.model import Result, agency_key, same_agency
from prepkit.results.store import Store
from prepkit.scoring import Scorecard, score, shown_score

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


def order_of(result: Result) -> tuple[str, str, str]:
    """The order of an agency's results: by date, then by the time each was saved, then by id."""
    return (result.date.isoformat(), result.created.isoformat(), result.id)


def entry_of(path: Path, result: Result) -> Entry:
    """A result read through the gate, scored."""
    q = questionnaire_of(result)
    return Entry(path, result, q, score(q, result.answers))


def load_history(
    store: Store, agency: str | None = None, questionnaire: str | None = None
) -> tuple[list[Entry], list[ContentError]]:
    """Matching results oldest first (by date, then time saved), and the errors of files skipped.

    A truncated, corrupt or foreign file never stops the others from being read: it is returned as
    an error for the caller to name in a warning, and left untouched.
    """
    entries: list[Entry] = []
    skipped: list[ContentError] = []
    for path, item in store.scan():
        if isinstance(item, ContentError):
            skipped.append(item)
            continue
        if agency is not None and not same_agency(item.agency, agency):
            continue
        if questionnaire is not None and item.questionnaire.id != questionnaire:
            continue
        try:
            entries.append(entry_of(path, item))
        except ContentError as err:
            skipped.append(err)
    entries.sort(key=lambda e: e.order)
    return entries, skipped


def history_json(entries: list[Entry]) -> list[dict[str, object]]:
    """The `prepkit history --json` list of spec section 5."""
    return [
        {
            "id": e.result.id,
            "path": str(e.path),
            "agency": e.result.agency,
            "questionnaire": e.result.questionnaire.id,
            "version": e.result.questionnaire.version,
            "date": e.result.date.isoformat(),
            "complete": e.card.complete,
            "overall": {"score": shown_score(e.card.score), "level": e.card.level},
        }
        for e in entries
    ]


def _one_group(entries: list[Entry], what: str) -> list[Entry]:
    """entries if they are all of one agency and questionnaire; else a UsageError asking which."""
    groups = sorted({(e.result.agency, e.result.questionnaire.id) for e in entries})
    agencies = {agency_key(a) for a, _ in groups}
    if len(agencies) > 1 or len({qid for _, qid in groups}) > 1:
        listed = "; ".join(f"{a} ({qid})" for a, qid in groups[:6]) + ("; ..." if len(groups) > 6 else "")
        raise UsageError(
            f"'{what}' is ambiguous: the store holds results of {listed}; name one with --agency and --questionnaire"
        )
    return entries


def relative_result(store: Store, ref: str, agency: str | None = None, questionnaire: str | None = None) -> Entry:
    """The latest complete result, or the one before it ('previous'), of one agency and questionnaire."""
    entries, skipped = load_history(store, agency, questionnaire)
    complete = _one_group([e for e in entries if e.card.complete], ref)
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
    return complete[-wanted]


def open_entry(store: Store, ref: str, agency: str | None = None, questionnaire: str | None = None) -> Entry:
    """A result named by path, id, or `previous`/`latest`, scored."""
    if is_relative(ref):
        return relative_result(store, ref, agency, questionnaire)
    path = store.find(ref)
    return entry_of(path, store.load(path))


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
    entries, skipped = load_history(store, result.agency, result.questionnaire.id)
    mine = order_of(result)
    return [e for e in entries if e.card.complete and e.order < mine and e.result.id != result.id], skipped


def previous_of(store: Store, result: Result) -> Entry | None:
    """The latest of `earlier_results`: what a report compares against to show progress; None if none."""
    earlier, _ = earlier_results(store, result)
    return earlier[-1] if earlier else None


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


def trends(entries: list[Entry]) -> list[Trend]:
    """Per questionnaire id: the overall score and each domain's (matched by id, in the latest
    version's order) across the entries, oldest first."""
    out: list[Trend] = []
    for qid in dict.fromkeys(e.result.questionnaire.id for e in entries):
        group = [e for e in entries if e.result.questionnaire.id == qid]
        out.append(Trend(qid, "", "Overall", [e.card.score for e in group]))
        for domain in group[-1].questionnaire.domains:
            scores = [next((d.score for d in e.card.domains if d.id == domain.id), None) for e in group]
            out.append(Trend(qid, domain.id, domain.title, scores))
    return out
