"""Opening what the user names: any kind of file for `validate`, an answers file or result for scoring."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from prepkit.content.answers import load_answers
from prepkit.content.models import Answer, Questionnaire, ResourceLibrary
from prepkit.content.questionnaire import load_library, questionnaire_from_document
from prepkit.content.rules import questionnaire_warnings
from prepkit.content.validation import validate_document
from prepkit.content.yamlio import load_yaml
from prepkit.errors import Problem, UsageError
from prepkit.gcpause import paused

if TYPE_CHECKING:  # imported where used: `validate` of a YAML file needs none of the store's code
    from prepkit.results.model import Result
    from prepkit.results.store import Store


@dataclass
class Assessment:
    """Answers with their questionnaire, from an answers file or a saved result."""

    questionnaire: Questionnaire
    agency: str
    respondent: str | None
    date: dt.date
    answers: dict[str, Answer]
    result: Result | None = None


def open_assessment(ref: str, store: Callable[[], Store], questionnaire: str | None = None) -> Assessment:
    """The assessment ref names: an answers file, or a saved result in the store. store is asked for
    only for a result, so scoring an answers file loads none of the store's code."""
    with paused():  # a large file makes many objects and no cycles: collecting would only cost time
        return _open_assessment(ref, store, questionnaire)


def _open_assessment(ref: str, store: Callable[[], Store], questionnaire: str | None) -> Assessment:
    path = Path(ref).expanduser()
    if path.suffix.lower() in (".yaml", ".yml") and os.path.lexists(path):
        # an existing path that is not a regular file (a FIFO, a device) is refused by load_answers,
        # never looked up as a result id
        sheet = load_answers(path, questionnaire)
        return Assessment(sheet.questionnaire, sheet.agency, sheet.respondent, sheet.date, sheet.answers)
    if questionnaire is not None:
        raise UsageError("--questionnaire applies to answers files; a saved result keeps its own questionnaire")
    from prepkit.history.timeline import find_result  # history builds on content: imported when used
    from prepkit.results.gate import questionnaire_of

    result = find_result(store(), ref)
    return Assessment(
        questionnaire_of(result), result.agency, result.respondent, result.date, dict(result.answers), result
    )


@dataclass
class Validated:
    """A file that passed `validate`: a one-line summary, and warnings (spec 1.1) in file order."""

    summary: str
    warnings: list[Problem] = field(default_factory=list)
    kind: Literal["questionnaire", "answers", "resources", "result"] = "questionnaire"


def validate_path(path: Path) -> Validated:
    """Validate a questionnaire, resource library, answers file or result."""
    with paused():  # a large file makes many objects and no cycles: collecting would only cost time
        return _validate_path(path)


def _validate_path(path: Path) -> Validated:
    if path.suffix.lower() == ".json":
        from prepkit.results.store import Store

        result = Store(path.parent.parent).load(path)
        ref = result.questionnaire
        return Validated(f"result {result.id}: {result.agency}, {ref.id} {ref.version}", kind="result")
    doc = load_yaml(path)
    data = doc.data
    if isinstance(data, dict) and "answers" in data:
        sheet = load_answers(path)
        return Validated(
            f"answers for '{sheet.questionnaire.id}' {sheet.questionnaire.version}: {sheet.agency}, "
            f"{len(sheet.answers)} answers",
            kind="answers",
        )
    if isinstance(data, dict) and "resources" in data:
        validate_document(doc, ResourceLibrary)
        library = load_library(path)
        return Validated(f"resource library: {len(library)} resources", kind="resources")
    q = questionnaire_from_document(doc)
    warnings = [doc.problem(f.loc, f"warning: {f.message}", key=f.at_key) for f in questionnaire_warnings(q)]
    return Validated(
        f"questionnaire '{q.id}' {q.version}: {len(q.domains)} domains, {q.question_count()} "
        f"questions, {len(q.profile)} profile questions",
        warnings,
    )
