"""Scoring as pure functions: spec section 3, exactly. Every number prepkit shows comes from here."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, overload

from prepkit.content.applicability import applicability, is_conditional
from prepkit.content.models import Answer, Domain, Level, Question, Questionnaire

# Results are plain dataclasses: every value is computed here, and pydantic construction would triple
# the cost of scoring, which roll-ups do thousands of times.
# Scores are compared with level thresholds unrounded; this absorbs float noise such as 69.99999999999999.
_EPSILON = 1e-9

Status = Literal["answered", "unknown", "unanswered", "na", "not-applicable"]


@dataclass(slots=True)
class QuestionScore:
    id: str
    domain: str
    status: Status
    counted: bool
    credit: float | None  # None when not counted
    critical: bool
    weight: float
    answer: str | None  # the chosen option's label, "unknown", "N/A" or None


@dataclass(slots=True)
class DomainScore:
    id: str
    title: str
    weight: float
    score: float | None
    level: str | None
    counted: int
    na: int
    not_applicable: int
    unanswered: int
    unknown: int


@dataclass(slots=True)
class Gap:
    question: str
    domain: str
    credit: float
    priority: float
    critical: bool
    answer: str | None
    resources: list[str]


@dataclass(slots=True)
class Scorecard:
    questionnaire: str
    version: str
    complete: bool
    score: float | None
    level: str | None
    domains: list[DomainScore]
    gaps: list[Gap]
    questions: list[QuestionScore]
    missing: list[str]  # ids of applicable questions (profile included) still without an answer


@dataclass(frozen=True)
class _Scored:
    question: Question
    low: float
    span: float
    labels: dict[float, str]
    resources: list[str]


@dataclass(frozen=True)
class _Plan:
    """What scoring needs of a questionnaire, resolved once (labels to values, scale bounds)."""

    domains: tuple[tuple[Domain, tuple[_Scored, ...]], ...]


def plan_of(q: Questionnaire) -> _Plan:
    if q._scoring_plan is None:
        q._scoring_plan = _build_plan(q)
    plan: _Plan = q._scoring_plan
    return plan


def _build_plan(q: Questionnaire) -> _Plan:
    domains = []
    scales: dict[int, tuple[float, float, dict[float, str]]] = {}  # by scale: most questions share one
    for domain in q.domains:
        scored = []
        for question in domain.questions:
            options = q.scale_of(question)
            scale = scales.get(id(options))
            if scale is None:
                values = [float(o.value) for o in options]
                labels = {float(o.value): o.label for o in options}
                scale = scales[id(options)] = (min(values), max(values) - min(values), labels)
            low, span, labels = scale
            scored.append(_Scored(question, low, span, labels, q.resources_for(domain, question)))
        domains.append((domain, tuple(scored)))
    return _Plan(tuple(domains))


def level_for(levels: list[Level], score: float, criticals_met: bool) -> Level:
    """The highest level whose min the score reaches and whose critical rule holds (spec 3)."""
    best = levels[0]
    for level in levels:
        if level.min <= score + _EPSILON and (criticals_met or not level.requires_critical):
            best = level
    return best


def held_back(q: Questionnaire, card: Scorecard, domain: str | None = None) -> tuple[Level, list[str]] | None:
    """When the critical rule holds a score below the level it reaches (spec 3): (the level the score
    alone reaches, the ids of the counted critical questions not fully in place). domain None: overall."""
    if domain is None:
        value, level = card.score, card.level
    else:
        found = next(d for d in card.domains if d.id == domain)
        value, level = found.score, found.level
    if value is None:
        return None
    reached = level_for(q.levels, value, True)
    if reached.id == level:
        return None
    missing = [
        s.id
        for s in card.questions
        if s.critical and s.counted and (s.credit or 0) < 1 and (domain is None or s.domain == domain)
    ]
    return reached, missing


def answer_label(q: Questionnaire, question: Question, answer: Answer | None) -> str | None:
    if answer is None:
        return None
    if answer.kind == "unknown":
        return "unknown"
    if answer.kind == "na":
        return "N/A"
    for option in q.scale_of(question):
        if option.value == answer.value:
            return option.label
    return None


def score(q: Questionnaire, answers: Mapping[str, Answer]) -> Scorecard:
    applies = applicability(q, answers)
    missing = [p.id for p in q.profile if applies[p.id] and p.id not in answers]
    per_question: list[QuestionScore] = []
    domains: list[DomainScore] = []
    weighted: list[tuple[float, float]] = []  # (domain weight, domain score) of assessed domains
    all_criticals_met = True
    gap_items: list[tuple[float, int, Gap]] = []
    for domain, scored in plan_of(q).domains:
        counts = {"answered": 0, "na": 0, "not-applicable": 0, "unanswered": 0, "unknown": 0}
        numerator: list[float] = []
        denominator: list[float] = []
        criticals_met = True
        for item in scored:
            question = item.question
            answer = answers.get(question.id)
            status, credit, label = _credit(item, answer, applies[question.id])
            counts[status] += 1
            if status == "unanswered":
                missing.append(question.id)
            per_question.append(
                QuestionScore(
                    id=question.id,
                    domain=domain.id,
                    status=status,
                    counted=credit is not None,
                    credit=credit,
                    critical=question.critical,
                    weight=question.weight,
                    answer=label,
                )
            )
            if credit is None:
                continue
            numerator.append(question.weight * credit)
            denominator.append(question.weight)
            if credit < 1:
                criticals_met = criticals_met and not question.critical
                priority = question.weight * domain.weight * (1 - credit) * (2 if question.critical else 1)
                gap = Gap(
                    question=question.id,
                    domain=domain.id,
                    credit=credit,
                    priority=priority,
                    critical=question.critical,
                    answer=label,
                    resources=item.resources,
                )
                gap_items.append((-round(priority, 9), len(gap_items), gap))
        all_criticals_met = all_criticals_met and criticals_met
        domain_score: float | None = None
        level: str | None = None
        if denominator:
            domain_score = 100 * math.fsum(numerator) / math.fsum(denominator)
            level = level_for(q.levels, domain_score, criticals_met).id
            weighted.append((domain.weight, domain_score))
        domains.append(
            DomainScore(
                id=domain.id,
                title=domain.title,
                weight=domain.weight,
                score=domain_score,
                level=level,
                counted=len(denominator),
                na=counts["na"],
                not_applicable=counts["not-applicable"],
                unanswered=counts["unanswered"],
                unknown=counts["unknown"],
            )
        )
    overall: float | None = None
    overall_level: str | None = None
    if weighted:
        overall = math.fsum(w * s for w, s in weighted) / math.fsum(w for w, _ in weighted)
        overall_level = level_for(q.levels, overall, all_criticals_met).id
    gap_items.sort(key=lambda entry: entry[:2])
    return Scorecard(
        questionnaire=q.id,
        version=q.version,
        complete=not missing,
        score=overall,
        level=overall_level,
        domains=domains,
        gaps=[g for _, _, g in gap_items],
        questions=per_question,
        missing=missing,
    )


def _credit(item: _Scored, answer: Answer | None, applies: bool) -> tuple[Status, float | None, str | None]:
    """Status, credit (None when not counted) and the answer as shown (spec 3 and 4)."""
    if not applies:
        return "not-applicable", None, None
    if answer is None:
        return "unanswered", 0.0, None
    if answer.kind == "na":
        return "na", None, "N/A"
    if answer.kind == "unknown" or answer.value is None:
        return "unknown", 0.0, "unknown"
    value = float(answer.value)
    return "answered", (value - item.low) / item.span, item.labels.get(value)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a roll-up or a history row needs of one scored result (the same numbers as score)."""

    complete: bool
    score: float | None
    level: str | None
    domains: tuple[float | None, ...]
    gaps: tuple[str, ...]  # counted questions with credit below 1, in questionnaire order


class Scorer:
    """Spec section 3 for one questionnaire, reduced to what a roll-up or a history row shows, for speed.

    score() also builds a record per question and orders the gaps; across thousands of results that
    is most of the time. This walks the same plan (plan_of) and gives the same completeness, score,
    level, domain scores and gaps; property tests check it against score().
    """

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.conditional = is_conditional(q)
        # per domain: its weight and, per question, (id, weight, critical, lowest value, scale span, and
        # for each scale value the weighted credit and whether it is a gap, computed once as below)
        self.plan = [
            (
                domain.weight,
                [
                    (
                        s.question.id,
                        s.question.weight,
                        s.question.critical,
                        s.low,
                        s.span,
                        {v: (s.question.weight * c, c < 1) for v, c in ((v, (v - s.low) / s.span) for v in s.labels)},
                    )
                    for s in scored
                ],
            )
            for domain, scored in plan_of(q).domains
        ]
        self.profile = [p.id for p in q.profile]

    def summarize(self, answers: Mapping[str, Answer], applies: Mapping[str, bool] | None = None) -> Summary:
        """applies: applicability(self.q, answers) when the caller has it already (the gate works it out
        while reading a result: results.gate.applicability_read); else it is computed here."""
        if not self.conditional:
            applies = None
        elif applies is None:
            applies = applicability(self.q, answers)
        complete = all(pid in answers for pid in self.profile if applies is None or applies[pid])
        get = answers.get
        domain_scores: list[float | None] = []
        weighted: list[tuple[float, float]] = []
        gaps: list[str] = []
        add_gap = gaps.append
        all_met = True
        fsum = math.fsum
        for weight, rows in self.plan:
            numerator: list[float] = []
            denominator: list[float] = []
            add_product = numerator.append
            add_weight = denominator.append
            met = True
            for qid, qweight, critical, low, span, by_value in rows:
                if applies is not None and not applies[qid]:
                    continue
                answer = get(qid)
                if answer is None:
                    complete = False
                    product, gap = qweight * 0.0, True
                else:
                    kind = answer.kind
                    if kind == "na":
                        continue
                    value = answer.value
                    if kind == "unknown" or value is None:
                        product, gap = qweight * 0.0, True
                    else:
                        known = by_value.get(value)
                        if known is None:  # not a scale value (the gate lets none through): as score() does
                            credit = (float(value) - low) / span
                            known = (qweight * credit, credit < 1)
                        product, gap = known
                add_product(product)
                add_weight(qweight)
                if gap:
                    add_gap(qid)
                    if critical:
                        met = False
            all_met = all_met and met
            if denominator:
                domain_score = 100 * fsum(numerator) / fsum(denominator)
                domain_scores.append(domain_score)
                weighted.append((weight, domain_score))
            else:
                domain_scores.append(None)
        if not weighted:
            return Summary(complete, None, None, tuple(domain_scores), tuple(gaps))
        overall = fsum(w * s for w, s in weighted) / fsum(w for w, _ in weighted)
        return Summary(
            complete, overall, level_for(self.q.levels, overall, all_met).id, tuple(domain_scores), tuple(gaps)
        )


def scorecard_json(q: Questionnaire, card: Scorecard, agency: str) -> dict[str, object]:
    """The `prepkit score --json` object of spec section 4."""
    return {
        "questionnaire": {"id": q.id, "version": q.version},
        "agency": agency,
        "complete": card.complete,
        "overall": {"score": shown_score(card.score), "level": card.level},
        "domains": [
            {
                "id": d.id,
                "score": shown_score(d.score),
                "level": d.level,
                "counted": d.counted,
                "na": d.na,
                "not_applicable": d.not_applicable,
            }
            for d in card.domains
        ],
        "gaps": [
            {
                "question": g.question,
                "domain": g.domain,
                "credit": _round(g.credit, 3),
                "priority": _round(g.priority, 3),
                "critical": g.critical,
                "answer": g.answer,
                "resources": g.resources,
            }
            for g in card.gaps
        ],
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@overload
def shown_score(value: float) -> float: ...
@overload
def shown_score(value: float | None) -> float | None: ...
def shown_score(value: float | None) -> float | None:
    """A score (or a difference of scores) as every output shows it: one decimal (spec 3); None stays None.

    + 0.0 turns the -0.0 of a tiny negative value into 0.0."""
    return None if value is None else round(value, 1) + 0.0


def format_score(value: float | None, *, signed: bool = False, missing: str = "—") -> str:
    """A score as text, the one way every terminal table, report and roll-up writes it: `63.4`, or with
    signed=True a change, `+1.2`, `-0.4` or `±0.0`; `missing` where there is no score."""
    shown = shown_score(value)
    if shown is None:
        return missing
    if not signed:
        return f"{shown:.1f}"
    return "±0.0" if shown == 0 else f"{shown:+.1f}"
