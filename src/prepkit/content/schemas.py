"""JSON Schemas of the three file formats (`prepkit schema`), generated from the models in models.py.

A schema accepts every file that `prepkit validate` accepts and states what a schema can: required and
unknown keys, slug ids, types, weights greater than 0, level minimums in [0, 100]. What it cannot state
(unique ids, references between questions, skip logic, a questionnaire's own answer options) only
`prepkit validate` checks. The data a schema describes is what prepkit's YAML 1.2 loader reads: `yes`
and `no` are text, `true` and `false` booleans.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from prepkit.content.models import AnswersFile, Questionnaire, ResourceLibrary

KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "questionnaire": (Questionnaire, "prepkit questionnaire (format 1)"),
    "answers": (AnswersFile, "prepkit answers file (format 1)"),
    "resources": (ResourceLibrary, "prepkit resource library (format 1)"),
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file format: questionnaire, answers or resources."""
    model, title = KINDS[kind]
    body = model.model_json_schema()
    body["title"] = title
    body["description"] = (
        "Checks the shape of the file; `prepkit validate` checks the rest (unique ids, references, skip logic)."
    )
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **body}
