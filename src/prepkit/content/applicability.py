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
    applies: dict[str, bool] = {}
    for item in conditions_of(q):
        applies[item.id] = all(_holds(c, answers.get(c.ref), applies.get(c.ref, False)) for c in item.conditions)
    return applies


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


def _holds(condition: Condition, answer: Answer | None, target_applies: bool) -> bool:
    """A condition on an unanswered, N/A, unknown or not-applicable question does not hold."""
    if answer is None or not target_applies:
        return False
    if condition.choices is not None:
        return answer.kind == "choice" and answer.choice in condition.choices
    return answer.kind == "value" and answer.value is not None and float(answer.value) in (condition.values or ())


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
