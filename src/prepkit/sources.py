"""Opening what the user names: any kind of file for `validate`, an answers file or result for scoring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .answers import load_answers
from .errors import UsageError
from .models import Answer, Questionnaire, ResourceLibrary
from .questionnaire import load_library, questionnaire_from_document
from .results import Result, questionnaire_of
from .store import Store
from .validation import validate_document
from .yamlio import load_yaml


@dataclass
class Assessment:
    """Answers with their questionnaire, from an answers file or a saved result."""

    questionnaire: Questionnaire
    agency: str
    respondent: str | None
    date: dt.date
    answers: dict[str, Answer]
    result: Result | None = None


def open_assessment(ref: str, store: Store, questionnaire: str | None = None) -> Assessment:
    path = Path(ref).expanduser()
    if path.is_file() and path.suffix.lower() in (".yaml", ".yml"):
        sheet = load_answers(path, questionnaire)
        return Assessment(sheet.questionnaire, sheet.agency, sheet.respondent, sheet.date, sheet.answers)
    if questionnaire is not None:
        raise UsageError("--questionnaire applies to answers files; a saved result keeps its own questionnaire")
    result = store.load(store.find(ref))
    return Assessment(questionnaire_of(result), result.agency, result.respondent, result.date,
                      dict(result.answers), result)


def validate_path(path: Path) -> str:
    """Validate a questionnaire, resource library, answers file or result; a one-line summary if valid."""
    if path.suffix.lower() == ".json":
        result = Store(path.parent.parent).load(path)
        return f"result {result.id}: {result.agency}, {result.questionnaire.id} {result.questionnaire.version}"
    doc = load_yaml(path)
    data = doc.data
    if isinstance(data, dict) and "answers" in data:
        sheet = load_answers(path)
        return (f"answers for '{sheet.questionnaire.id}' {sheet.questionnaire.version}: {sheet.agency}, "
                f"{len(sheet.answers)} answers")
    if isinstance(data, dict) and "resources" in data:
        validate_document(doc, ResourceLibrary)
        library = load_library(path)
        return f"resource library: {len(library)} resources"
    q = questionnaire_from_document(doc)
    return (f"questionnaire '{q.id}' {q.version}: {len(q.domains)} domains, {q.question_count()} questions, "
            f"{len(q.profile)} profile questions")
