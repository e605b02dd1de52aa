"""Scoring as pure functions: spec section 3, exactly. Every number prepkit shows comes from here."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel

from .models import Answer, Level, ProfileQuestion, Question, Questionnaire

# Scores are compared with level thresholds unrounded; this absorbs float noise such as 69.99999999999999.
_EPSILON = 1e-9

Status = Literal["answered", "unknown", "unanswered", "na", "not-applicable"]


class QuestionScore(BaseModel):
    id: str
    domain: str
    status: Status
    counted: bool
    credit: float | None  # None when not counted
    critical: bool
    weight: float
    answer: str | None  # the chosen option's label, "unknown", "N/A" or None


class DomainScore(BaseModel):
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


class Gap(BaseModel):
    question: str
    domain: str
    credit: float
    priority: float
    critical: bool
    answer: str | None
    resources: list[str]


class Scorecard(BaseModel):
    questionnaire: str
    version: str
    complete: bool
    score: float | None
    level: str | None
    domains: list[DomainScore]
    gaps: list[Gap]
    questions: list[QuestionScore]
    missing: list[str]  # ids of applicable questions (profile included) still without an answer


def applicability(q: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, bool]:
    """Whether each profile and scored question applies, in file order (spec 1.2)."""
    applies: dict[str, bool] = {}
    items: list[ProfileQuestion | Question] = [*q.profile, *(question for _, question in q.questions())]
    by_id = {item.id: item for item in items}
    for item in items:
        applies[item.id] = all(
            _holds(q, by_id[ref], values, answers.get(ref), applies.get(ref, False))
            for ref, values in item.when.items()
        )
    return applies


def _holds(q: Questionnaire, target: ProfileQuestion | Question, values: list[str | int | float],
           answer: Answer | None, target_applies: bool) -> bool:
    if answer is None or not target_applies:
        return False
    if isinstance(target, ProfileQuestion):
        return answer.kind == "choice" and answer.choice in {str(v).casefold() for v in values}
    if answer.kind != "value" or answer.value is None:
        return False
    chosen = float(answer.value)
    for wanted in values:
        if isinstance(wanted, str):
            label = wanted.strip().casefold()
            if any(o.label.strip().casefold() == label and o.value == answer.value for o in q.scale_of(target)):
                return True
            wanted = _number(wanted)
        if wanted is not None and float(wanted) == chosen:
            return True
    return False


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def credit_of(options_low: float, options_high: float, value: float) -> float:
    return (value - options_low) / (options_high - options_low)


def level_for(levels: list[Level], score: float, criticals_met: bool) -> Level:
    """The highest level whose min the score reaches and whose critical rule holds (spec 3)."""
    best = levels[0]
    for level in levels:
        if level.min <= score + _EPSILON and (criticals_met or not level.requires_critical):
            best = level
    return best


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
    for domain in q.domains:
        counts = {"na": 0, "not-applicable": 0, "unanswered": 0, "unknown": 0}
        numerator: list[float] = []
        denominator: list[float] = []
        criticals_met = True
        for question in domain.questions:
            answer = answers.get(question.id)
            status, credit = _credit(q, question, answer, applies[question.id])
            if status in counts:
                counts[status] += 1
            if status in ("unanswered",):
                missing.append(question.id)
            counted = credit is not None
            per_question.append(QuestionScore(
                id=question.id, domain=domain.id, status=status, counted=counted, credit=credit,
                critical=question.critical, weight=question.weight, answer=answer_label(q, question, answer)))
            if credit is None:
                continue
            numerator.append(question.weight * credit)
            denominator.append(question.weight)
            if question.critical and credit < 1:
                criticals_met = False
            if credit < 1:
                priority = question.weight * domain.weight * (1 - credit) * (2 if question.critical else 1)
                gap = Gap(question=question.id, domain=domain.id, credit=credit, priority=priority,
                          critical=question.critical, answer=per_question[-1].answer,
                          resources=q.resources_for(domain, question))
                gap_items.append((-round(priority, 9), len(gap_items), gap))
        all_criticals_met = all_criticals_met and criticals_met
        domain_score: float | None = None
        level: str | None = None
        if denominator:
            domain_score = 100 * math.fsum(numerator) / math.fsum(denominator)
            level = level_for(q.levels, domain_score, criticals_met).id
            weighted.append((domain.weight, domain_score))
        domains.append(DomainScore(
            id=domain.id, title=domain.title, weight=domain.weight, score=domain_score, level=level,
            counted=len(denominator), na=counts["na"], not_applicable=counts["not-applicable"],
            unanswered=counts["unanswered"], unknown=counts["unknown"]))
    overall: float | None = None
    overall_level: str | None = None
    if weighted:
        overall = math.fsum(w * s for w, s in weighted) / math.fsum(w for w, _ in weighted)
        overall_level = level_for(q.levels, overall, all_criticals_met).id
    gap_items.sort(key=lambda item: item[:2])
    return Scorecard(questionnaire=q.id, version=q.version, complete=not missing, score=overall,
                     level=overall_level, domains=domains, gaps=[g for _, _, g in gap_items],
                     questions=per_question, missing=missing)


def _credit(q: Questionnaire, question: Question, answer: Answer | None,
            applies: bool) -> tuple[Status, float | None]:
    if not applies:
        return "not-applicable", None
    if answer is None:
        return "unanswered", 0.0
    if answer.kind == "na":
        return "na", None
    if answer.kind == "unknown" or answer.value is None:
        return "unknown", 0.0
    values = [option.value for option in q.scale_of(question)]
    return "answered", credit_of(min(values), max(values), answer.value)


def scorecard_json(q: Questionnaire, card: Scorecard, agency: str) -> dict[str, object]:
    """The `prepkit score --json` object of spec section 4."""
    return {
        "questionnaire": {"id": q.id, "version": q.version},
        "agency": agency,
        "complete": card.complete,
        "overall": {"score": _round(card.score, 1), "level": card.level},
        "domains": [
            {"id": d.id, "score": _round(d.score, 1), "level": d.level, "counted": d.counted,
             "na": d.na, "not_applicable": d.not_applicable}
            for d in card.domains
        ],
        "gaps": [
            {"question": g.question, "domain": g.domain, "credit": round(g.credit, 3),
             "priority": round(g.priority, 3), "critical": g.critical, "answer": g.answer,
             "resources": g.resources}
            for g in card.gaps
        ],
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
