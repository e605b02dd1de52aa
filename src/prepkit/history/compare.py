"""Comparing two assessments (spec section 5): scores, and what changed question by question.

Questions are matched by id, or by an id in the AFTER question's `replaces`, so a question renamed
between questionnaire versions stays comparable; added and removed questions are reported.
"""

from __future__ import annotations

from pydantic import BaseModel

from prepkit.content.models import Questionnaire
from prepkit.scoring import QuestionScore, Scorecard, shown_score

_EPSILON = 1e-9


class Delta(BaseModel):
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def shown(self) -> tuple[float | None, float | None, float | None]:
        """(before, after, delta) as shown, to one decimal; the delta is that of the shown scores,
        so that a reader who subtracts them gets the same number (60.0 -> 70.1 is +10.1, not +10.0)."""
        before, after = shown_score(self.before), shown_score(self.after)
        delta = None if before is None or after is None else shown_score(after - before)
        return before, after, delta


class DomainDelta(Delta):
    id: str
    title: str


class Comparison(BaseModel):
    overall: Delta
    domains: list[DomainDelta]
    improved: list[str]
    regressed: list[str]
    closed_gaps: list[str]
    new_gaps: list[str]
    not_comparable: list[str]
    removed: list[str]
    matches: dict[str, str]  # AFTER question id -> the BEFORE id it was matched to

    @property
    def renamed(self) -> dict[str, str]:
        """AFTER id -> BEFORE id for questions matched through `replaces`."""
        return {after: before for after, before in self.matches.items() if after != before}


def match_questions(before: Questionnaire, after: Questionnaire) -> dict[str, str]:
    """AFTER id -> BEFORE id: the same id, else the first of its `replaces` that BEFORE has.

    Same-id matches are made first, over the whole questionnaire, so a question that kept its id is
    never matched away by another question that (wrongly) also lists that id in `replaces`.
    Each BEFORE question is matched at most once.
    """
    return match_ids({question.id for _, question in before.questions()}, after)


def match_ids(before_ids: set[str], after: Questionnaire) -> dict[str, str]:
    """match_questions for any set of earlier ids (the improvement plan's items, say)."""
    after_questions = [question for _, question in after.questions()]
    matches = {question.id: question.id for question in after_questions if question.id in before_ids}
    taken = set(matches.values())
    for question in after_questions:
        if question.id in matches:
            continue
        for candidate in question.replaces:
            if candidate in before_ids and candidate not in taken:
                matches[question.id] = candidate
                taken.add(candidate)
                break
    return matches


def compare(before_q: Questionnaire, before: Scorecard, after_q: Questionnaire, after: Scorecard) -> Comparison:
    matches = match_questions(before_q, after_q)
    before_scores: dict[str, QuestionScore] = {s.id: s for s in before.questions}
    lists: dict[str, list[str]] = {
        k: [] for k in ("improved", "regressed", "closed_gaps", "new_gaps", "not_comparable")
    }
    for now in after.questions:
        then = before_scores.get(matches[now.id]) if now.id in matches else None
        counted_then = then is not None and then.counted
        if not now.counted and not counted_then:
            continue
        if not (now.counted and counted_then) or now.credit is None or then is None or then.credit is None:
            lists["not_comparable"].append(now.id)
            continue
        if now.credit > then.credit + _EPSILON:
            lists["improved"].append(now.id)
        elif now.credit < then.credit - _EPSILON:
            lists["regressed"].append(now.id)
        if then.credit < 1 - _EPSILON and now.credit >= 1 - _EPSILON:
            lists["closed_gaps"].append(now.id)
        elif then.credit >= 1 - _EPSILON and now.credit < 1 - _EPSILON:
            lists["new_gaps"].append(now.id)
    matched_before = set(matches.values())
    removed = [s.id for s in before.questions if s.id not in matched_before]
    before_domains = {d.id: d.score for d in before.domains}
    domains = [
        DomainDelta(id=d.id, title=d.title, before=before_domains.get(d.id), after=d.score) for d in after.domains
    ]
    return Comparison(
        overall=Delta(before=before.score, after=after.score),
        domains=domains,
        removed=removed,
        matches=matches,
        **lists,
    )


def comparison_json(comparison: Comparison) -> dict[str, object]:
    """The `prepkit compare --json` object of spec section 5."""

    def side(delta: Delta) -> dict[str, float | None]:
        return dict(zip(("before", "after", "delta"), delta.shown(), strict=True))

    return {
        "overall": side(comparison.overall),
        "domains": [{"id": d.id, **side(d)} for d in comparison.domains],
        "improved": comparison.improved,
        "regressed": comparison.regressed,
        "closed_gaps": comparison.closed_gaps,
        "new_gaps": comparison.new_gaps,
        "not_comparable": comparison.not_comparable,
        "removed": comparison.removed,
    }
