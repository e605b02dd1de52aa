"""Answers files (spec section 2): loading, and turning raw values into checked answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prepkit.content.applicability import applicability
from prepkit.content.models import Answer, AnswerDetail, AnswersFile, ProfileQuestion, Question, Questionnaire
from prepkit.content.questionnaire import find_questionnaire, load_questionnaire
from prepkit.content.validation import Suggestions, shown, validate_document
from prepkit.content.yamlio import Document, Loc, load_yaml
from prepkit.errors import ContentError, Problem, UsageError

NA_WORDS = frozenset({"na", "n/a"})


@dataclass
class AnswerSheet:
    """A validated answers file together with the questionnaire it answers."""

    path: Path
    agency: str
    respondent: str | None
    date: dt.date
    questionnaire: Questionnaire
    answers: dict[str, Answer]


def _checked_answer(**fields: Any) -> Answer:
    """An Answer of fields parse_answer has checked: the kind it chose, a value of the question's own
    scale, a choice of its own, a note and evidence that AnswerDetail validated. Validating each again
    cost more than the rest of reading an answers file of 10,000 answers.

    Answers are frozen, so the many without a note or evidence are shared: one per kind and value."""
    if fields.get("note") is not None or fields.get("evidence") is not None:
        return Answer.model_construct(**fields)
    value = fields.get("value")
    key = (fields["kind"], type(value), value, fields.get("choice"))  # 1 and 1.0 stay two answers
    found = _PLAIN_ANSWERS.get(key)
    if found is None:
        found = _PLAIN_ANSWERS[key] = Answer.model_construct(**fields)
    return found


_PLAIN_ANSWERS: dict[tuple[str, type, object, str | None], Answer] = {}


def parse_answer(q: Questionnaire, item: ProfileQuestion | Question, raw: Any) -> Answer:
    """One raw answer as an Answer; ValueError says what is wrong and what is allowed."""
    note = evidence = None
    if isinstance(raw, AnswerDetail):
        raw, note, evidence = raw.value, raw.note, raw.evidence
    if isinstance(item, ProfileQuestion):
        text = str(raw).strip().casefold()
        for choice in item.choices:
            if choice.id.casefold() == text:
                return _checked_answer(kind="choice", choice=choice.id, note=note, evidence=evidence)
        raise ValueError(
            f"'{shown(raw)}' is not a choice of '{item.id}'; allowed: {', '.join(c.id for c in item.choices)}"
        )
    options = q.scale_of(item)
    if isinstance(raw, str):
        text = raw.strip().casefold()
        if text in NA_WORDS:
            if not item.na:
                raise ValueError(
                    f"'{item.id}' cannot be answered N/A (it applies to every agency); "
                    f"allowed: {_allowed(options, na=False)}"
                )
            return _checked_answer(kind="na", note=note, evidence=evidence)
        if text == "unknown":
            return _checked_answer(kind="unknown", note=note, evidence=evidence)
        for option in options:
            if option.label.strip().casefold() == text:
                return _checked_answer(kind="value", value=option.value, note=note, evidence=evidence)
        try:
            raw = float(text)
        except ValueError:
            raise ValueError(
                f"'{shown(raw)}' is not on the scale of '{item.id}'; allowed: {_allowed(options, na=item.na)}"
            ) from None
    for option in options:
        if float(option.value) == float(raw):
            return _checked_answer(kind="value", value=option.value, note=note, evidence=evidence)
    raise ValueError(f"{raw} is not on the scale of '{item.id}'; allowed: {_allowed(options, na=item.na)}")


def answer_problem(q: Questionnaire, item: ProfileQuestion | Question, answer: Answer) -> str | None:
    """Why a saved answer is not one item allows (a result file edited by hand), or None if it is."""
    if isinstance(item, ProfileQuestion):
        if answer.kind == "choice" and answer.choice in {choice.id for choice in item.choices}:
            return None
        shown = answer.choice if answer.kind == "choice" else answer.kind
        return f"'{shown}' is not a choice of '{item.id}'; allowed: {', '.join(c.id for c in item.choices)}"
    options = q.scale_of(item)
    if answer.kind == "unknown" or (answer.kind == "na" and item.na):
        return None
    if answer.kind == "value" and answer.value is not None:
        if any(float(option.value) == float(answer.value) for option in options):
            return None
        return f"{answer.value} is not on the scale of '{item.id}'; allowed: {_allowed(options, na=item.na)}"
    kinds = {"na": "na", "choice": f"choice '{answer.choice}'", "value": "a value answer without a value"}
    return f"{kinds[answer.kind]} is not an answer '{item.id}' takes; allowed: {_allowed(options, na=item.na)}"


@dataclass(frozen=True, slots=True)
class AnswerRule:
    """What one question takes, as sets: the same rule as answer_problem, checked in constant time."""

    profile: bool
    values: frozenset[float]  # scale values (1 and 1.0 are one member)
    choices: frozenset[str]
    na: bool


def answer_rules(q: Questionnaire) -> dict[str, AnswerRule]:
    """Every question's AnswerRule, built once per questionnaire (reading thousands of results uses it)."""
    if q._answer_rules is None:
        rules: dict[str, AnswerRule] = {}
        for item in q.items():
            if isinstance(item, ProfileQuestion):
                rules[item.id] = AnswerRule(True, frozenset(), frozenset(c.id for c in item.choices), False)
            else:
                values = frozenset(float(option.value) for option in q.scale_of(item))
                rules[item.id] = AnswerRule(False, values, frozenset(), item.na)
        q._answer_rules = rules
    found: dict[str, AnswerRule] = q._answer_rules
    return found


def answers_allowed(rules: Mapping[str, AnswerRule], answers: Mapping[str, Answer]) -> bool:
    """Whether answer_problem finds nothing wrong with any of answers (unknown ids included): the
    fast check for reading many results; answer_problem says what is wrong."""
    for qid, answer in answers.items():
        rule = rules.get(qid)
        if rule is None:
            return False
        kind = answer.kind
        if kind == "value":
            if answer.value not in rule.values:  # None, NaN and values off the scale alike
                return False
        elif kind == "choice":
            if answer.choice not in rule.choices:  # empty for a scored question
                return False
        elif kind == "unknown":
            if rule.profile:
                return False
        elif not rule.na:
            return False
    return True


def _allowed(options: list[Any], *, na: bool) -> str:
    listed = ", ".join(f"{o.value} ({o.label})" for o in options)
    return listed + (", na, unknown" if na else ", unknown")


def resolve_answers(
    q: Questionnaire,
    raw: Mapping[str, Any],
    doc: Document | None = None,
    loc: Loc = ("answers",),
    base: Mapping[str, Answer] | None = None,
) -> dict[str, Answer]:
    """Checked answers, or a ContentError naming each bad one (spec section 2).

    base: answers these complete (a rerun's carried answers); conditions are checked against both.
    """
    items = {item.id: item for item in q.items()}
    answers: dict[str, Answer] = {}
    findings: list[tuple[Loc, str, bool]] = []
    hint = Suggestions()
    for qid, value in raw.items():
        item = items.get(str(qid))
        if item is None:
            findings.append(((*loc, qid), f"unknown question '{shown(qid)}'{hint(str(qid), items)}", True))
            continue
        if value is None:
            continue
        try:
            answers[item.id] = parse_answer(q, item, value)
        except ValueError as err:
            findings.append(((*loc, qid), str(err), False))
    applies = applicability(q, {**(base or {}), **answers})
    for qid in answers:
        if not applies[qid]:
            conditions = ", ".join(f"{ref}: {', '.join(map(str, vals))}" for ref, vals in items[qid].when.items())
            findings.append(
                (
                    (*loc, qid),
                    f"'{qid}' does not apply here: its condition ({conditions}) does not "
                    "hold; remove this answer or change the answer it depends on",
                    True,
                )
            )
    if findings:
        path = str(doc.path) if doc else "<answers>"
        problems = [
            doc.problem(where, message, key=key) if doc else Problem(path, 1, 1, message)
            for where, message, key in findings
        ]
        raise ContentError(sorted(problems, key=lambda p: (p.line, p.column)))
    return answers


def load_answers(
    path: Path, questionnaire: Questionnaire | str | None = None, base: Mapping[str, Answer] | None = None
) -> AnswerSheet:
    """An answers file, checked against its questionnaire (or the one given, which wins).

    base: earlier answers that the file's answers complete, as in a rerun (see resolve_answers).
    """
    from prepkit.gcpause import paused

    with paused():  # thousands of answers and no cycles: collecting would only cost time
        return _load_answers(Path(path), questionnaire, base)


def _load_answers(
    path: Path, questionnaire: Questionnaire | str | None, base: Mapping[str, Answer] | None
) -> AnswerSheet:
    doc = load_yaml(path)
    sheet = validate_document(doc, AnswersFile)
    if isinstance(questionnaire, str):
        q = load_questionnaire(find_questionnaire(questionnaire))
    elif questionnaire is not None:
        q = questionnaire
    elif sheet.questionnaire is None:
        raise ContentError(
            [doc.problem((), "missing required key 'questionnaire' (an id or a path), or pass --questionnaire")]
        )
    else:
        try:
            q_path = find_questionnaire(sheet.questionnaire, relative_to=path.parent)
        except UsageError as err:
            raise ContentError([doc.problem(("questionnaire",), str(err))]) from None
        if q_path.resolve() == path.resolve():
            raise ContentError(
                [
                    doc.problem(
                        ("questionnaire",), "names this answers file itself; give the id or path of a questionnaire"
                    )
                ]
            )
        q = load_questionnaire(q_path)
    answers = resolve_answers(q, sheet.answers, doc, base=base)
    return AnswerSheet(
        path=path,
        agency=sheet.agency,
        respondent=sheet.respondent,
        date=sheet.date or dt.date.today(),
        questionnaire=q,
        answers=answers,
    )
