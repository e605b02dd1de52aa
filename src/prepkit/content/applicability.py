"""Skip logic (spec 1.2): which questions apply, given the answers so far.

A question applies when every entry of its `when` holds. A condition on a question that is
unanswered, N/A, unknown or itself not applicable does not hold. Conditions are resolved once per
questionnaire (labels to scale values) and kept on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from prepkit.content.models import Answer, ProfileQuestion, Question, Questionnaire


@dataclass(frozen=True)
class Condition:
    ref: str
    choices: frozenset[str] | None  # for a profile question: the choice ids that satisfy it
    values: frozenset[float] | None  # for a scored question: the scale values that satisfy it


@dataclass(frozen=True)
class Conditions:
    """One question's conditions, in asking order."""

    id: str
    conditions: tuple[Condition, ...]


def conditions_of(q: Questionnaire) -> tuple[Conditions, ...]:
    """Every question's resolved conditions, in asking order (built once per questionnaire)."""
    if q._conditions is None:
        q._conditions = _resolve(q)
    resolved: tuple[Conditions, ...] = q._conditions
    return resolved


def is_conditional(q: Questionnaire) -> bool:
    return any(item.conditions for item in conditions_of(q))


def applicability(q: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, bool]:
    """Whether each profile and scored question applies, in asking order (spec 1.2)."""
    everything, conditional = _plan(q)
    applies = everything.copy()  # questions without a condition always apply
    get = answers.get
    for qid, conditions in conditional:
        holds = True
        for ref, choices, values in conditions:
            answer = get(ref)
            # a condition on an unanswered, N/A, unknown or not-applicable question does not hold
            if answer is None or not applies[ref]:
                holds = False
            elif choices is not None:
                holds = answer.kind == "choice" and answer.choice in choices
            else:
                holds = answer.kind == "value" and answer.value is not None and float(answer.value) in values
            if not holds:
                break
        applies[qid] = holds
    return applies


_Compiled = tuple[str, frozenset[str] | None, frozenset[float]]


def _plan(q: Questionnaire) -> tuple[dict[str, bool], tuple[tuple[str, tuple[_Compiled, ...]], ...]]:
    """Built once per questionnaire: every id as applying, and the questions with conditions, in
    asking order. A condition on a question asked later (or on no question) never holds, as its
    answer cannot be known when this one is asked: such a question is marked as never applying."""
    if q._applicability_plan is None:
        everything: dict[str, bool] = {}
        conditional = []
        for item in conditions_of(q):
            if item.conditions and any(c.ref not in everything for c in item.conditions):
                everything[item.id] = False
                continue
            everything[item.id] = True
            if item.conditions:
                compiled = tuple((c.ref, c.choices, c.values or frozenset()) for c in item.conditions)
                conditional.append((item.id, compiled))
        q._applicability_plan = (everything, tuple(conditional))
    plan: tuple[dict[str, bool], tuple[tuple[str, tuple[_Compiled, ...]], ...]] = q._applicability_plan
    return plan


def conditional_ids(q: Questionnaire) -> frozenset[str]:
    """The ids of the questions that have a condition (every other question always applies)."""
    return frozenset(item.id for item in conditions_of(q) if item.conditions)


def _resolve(q: Questionnaire) -> tuple[Conditions, ...]:
    targets: dict[str, ProfileQuestion | Question] = {item.id: item for item in q.items()}
    resolved = []
    for item in q.items():
        conditions = []
        for ref, wanted in item.when.items():
            target = targets.get(ref)
            if isinstance(target, ProfileQuestion) or target is None:
                conditions.append(Condition(ref, frozenset(str(v).casefold() for v in wanted), None))
            else:
                conditions.append(Condition(ref, None, frozenset(_wanted_values(q, target, wanted))))
        resolved.append(Conditions(item.id, tuple(conditions)))
    return tuple(resolved)


def _wanted_values(q: Questionnaire, target: Question, wanted: list[str | int | float]) -> set[float]:
    """Condition values as scale values: labels (any case) and numbers, quoted or not."""
    options = q.scale_of(target)
    found: set[float] = set()
    for value in wanted:
        if isinstance(value, str):
            label = value.strip().casefold()
            found.update(float(o.value) for o in options if o.label.strip().casefold() == label)
            number = _number(value)
            if number is not None:
                found.add(number)
        else:
            found.add(float(value))
    return found


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def answered_count(q: Questionnaire, answers: Mapping[str, Answer]) -> tuple[int, int]:
    """(answered, applicable) over the scored questions that apply, the profile aside: the one progress
    count that the interview (once the profile is answered), `resume` and `history` show ("48 of 134")."""
    applies = applicability(q, answers)
    profile = {p.id for p in q.profile}
    applicable = [qid for qid, yes in applies.items() if yes and qid not in profile]
    return sum(qid in answers for qid in applicable), len(applicable)
