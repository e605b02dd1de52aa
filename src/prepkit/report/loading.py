"""What `prepkit report` is given: a saved result or an answers file, and what to compare it with."""

from __future__ import annotations

from pathlib import Path

from prepkit.content.answers import load_answers
from prepkit.history.timeline import find_result
from prepkit.plan.model import Plan
from prepkit.report.series import history_for, same_series
from prepkit.results.model import Result, new_result
from prepkit.results.store import Store
from prepkit.scoring import score


def load_subject(ref: str, store: Store, agency: str | None = None, questionnaire: str | None = None) -> Result:
    """A saved result (path, id, `latest` or `previous`), or an answers file turned into an unsaved result.

    agency and questionnaire pick whose `latest` or `previous` result when the store holds several.
    """
    path = Path(ref).expanduser()
    if path.is_file() and path.suffix.lower() in (".yaml", ".yml"):
        sheet = load_answers(path)
        q = sheet.questionnaire
        complete = score(q, sheet.answers).complete
        return new_result(q, sheet.agency, sheet.respondent, sheet.answers, complete=complete, date=sheet.date)
    return find_result(store, ref, agency, questionnaire)


def pick_comparison(store: Store, subject: Result, compare_to: str) -> tuple[Result | None, list[Result], list[str]]:
    """(result to compare with, earlier results for the trend, warnings) for --compare-to.

    'previous' compares with the latest earlier complete result of the same agency and questionnaire,
    'none' with nothing (and shows no trend); anything else names a result. The trend uses every
    earlier complete result of the series, whichever result is compared with.
    """
    if compare_to == "none":
        return None, [], []
    history = history_for(store, subject)
    if compare_to == "previous":
        return history.previous, history.earlier, history.warnings
    before = find_result(store, compare_to, subject.agency, subject.questionnaire.id)
    warnings = list(history.warnings)
    if not same_series(before, subject):
        warnings.append(f"comparing with a result of another series ({before.agency}, {before.questionnaire.id})")
    return before, history.earlier, warnings


def plan_at(store: Store, subject: Result) -> Plan | None:
    """The agency's improvement plan when it stands at this result (moved forward in memory, never
    written), else None: a report of an earlier result, or of an agency without a plan, shows none."""
    from prepkit.plan.changelog import now_local
    from prepkit.plan.planfile import existing_plan

    plan = existing_plan(store, subject.agency, subject.questionnaire.id, at=now_local())
    return plan if plan is not None and plan.result == subject.id else None
