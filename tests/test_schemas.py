"""`prepkit schema`: each schema accepts every file `prepkit validate` accepts (bundled questionnaires,
resource library, examples, the docs' pack, the hostile corpus's accepted files and every alternative
spelling the format allows) and rejects what a schema can express (weights <= 0, unknown keys, bad ids).

Files are read with prepkit's own YAML 1.2 loader, so `yes` is the text an editor's YAML 1.2 parser sees
too; dates become the ISO text they are written as."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, PACK, REPO
from prepkit.cli import app
from prepkit.content.yamlio import load_yaml

HOSTILE = Path(__file__).parent / "hostile"


def _hostile_accepted() -> list[Path]:
    spec = importlib.util.spec_from_file_location("hostile_manifest", HOSTILE / "hostile_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("hostile_manifest", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    accepted = [HOSTILE / "cases" / case.file for case in module.CASES if case.exit == 0]
    return [path for path in accepted if path.suffix == ".yaml"]


@cache
def schema(kind: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["schema", kind])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def plain(value: Any) -> Any:
    """The data as JSON would carry it: dates as ISO text, keys as text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def kind_of(data: Any) -> str:
    """As `prepkit validate` tells the kinds apart (spec 2)."""
    if isinstance(data, dict) and "answers" in data:
        return "answers"
    if isinstance(data, dict) and "resources" in data:
        return "resources"
    return "questionnaire"


def schema_errors(path: Path) -> list[str]:
    data = plain(load_yaml(path).data)
    validator = jsonschema.Draft202012Validator(schema(kind_of(data)))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _with_context(validator.iter_errors(data))]


def _with_context(errors: Iterable[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    """Each error and, for anyOf, why each alternative failed: the message that names the fault."""
    for error in errors:
        yield error
        yield from _with_context(error.context or [])


def validate_exit(path: Path) -> int:
    return CliRunner().invoke(app, ["validate", str(path)]).exit_code


SHIPPED = sorted(
    [
        *(REPO / "questionnaires").glob("*.yaml"),
        *(REPO / "examples").glob("*.yaml"),
        *PACK.glob("*.yaml"),
        *(FIXTURES / "history").rglob("*.yaml"),
    ]
)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_bundled_example_and_fixture_files_pass_their_schema(path: Path) -> None:
    assert validate_exit(path) == 0
    assert schema_errors(path) == []


@pytest.mark.parametrize("path", _hostile_accepted(), ids=lambda p: p.name)
def test_hostile_files_that_prepkit_accepts_pass_their_schema(path: Path) -> None:
    assert schema_errors(path) == []


def test_the_authoring_guides_pack_passes(tmp_path: Path) -> None:
    from test_docs import extract_pack

    for path in extract_pack(tmp_path):
        assert schema_errors(path) == [], path.name


QUESTIONNAIRE = """\
format: 1
id: variants
version: "1"
title: Variants
scales:
  yes-no:
    - {value: 0, label: "No"}
    - {value: 1, label: "Yes"}
levels:
  - {id: low, label: Low, min: 0}
  - {id: high, label: High, min: 99.5, requires_critical: true}
profile:
  - id: kind
    text: Which kind?
    choices: CHOICES
domains:
  - id: d
    title: D
    weight: 0.5
    resources: RESOURCES
    questions:
      - id: q1
        text: One?
        evidence: EVIDENCE
        when: WHEN
      - id: q2
        text: Two?
        replaces: old-two
"""

# Alternative spellings the format allows (spec 1 and 2): each must pass `prepkit validate` and the schema.
ACCEPTED = {
    "choices as words": {"CHOICES": "[yes, no, unsure]"},
    "choices as mappings": {"CHOICES": "[{id: yes, label: Yes indeed}, {id: no}]"},
    "choices mixed, booleans too": {"CHOICES": "[true, false, {id: maybe, label: Maybe}]", "WHEN": "{kind: [true]}"},
    "when with one value": {"WHEN": "{kind: yes}"},
    "when with a list": {"WHEN": "{kind: [yes, unsure]}"},
    "when on a scored answer": {"WHEN": "{kind: [yes], q0: 1}"},
    "evidence and resources as one item": {"EVIDENCE": "signed policy", "RESOURCES": "nfpa-3000"},
    "empty optional text": {"EVIDENCE": "[]", "RESOURCES": "[]"},
}
DEFAULTS = {"CHOICES": "[yes, no, unsure]", "RESOURCES": "[nfpa-3000]", "EVIDENCE": "[a, b]", "WHEN": "{kind: yes}"}


def questionnaire(tmp_path: Path, name: str = "variants.yaml", **fill: str) -> Path:
    text = QUESTIONNAIRE
    for key, value in {**DEFAULTS, **fill}.items():
        text = text.replace(key, value)
    if "q0" in text:  # a scored question before q1, for a condition on a scale value
        text = text.replace(
            "      - id: q1\n", "      - id: q0\n        text: Zero?\n        scale: yes-no\n      - id: q1\n"
        )
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("fill", ACCEPTED.values(), ids=list(ACCEPTED))
def test_every_spelling_validate_accepts_passes_the_schema(tmp_path: Path, fill: dict[str, str]) -> None:
    path = questionnaire(tmp_path, **fill)
    assert validate_exit(path) == 0, path.read_text()
    assert schema_errors(path) == []


ANSWERS = """\
questionnaire: variants.yaml
agency: Test Town
date: 2026-11-25
answers:
  kind: yes
  q1: {value: "Yes", note: n, evidence: [binder, photo]}
  q2: ANSWER
"""


@pytest.mark.parametrize("answer", ["1", "0", "na", "N/A", "unknown", "'No'", "{value: 1}", "{value: 1, evidence: e}"])
def test_answers_files_in_every_spelling_pass_the_schema(tmp_path: Path, answer: str) -> None:
    questionnaire(tmp_path)
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS.replace("ANSWER", answer))
    assert validate_exit(path) == 0, answer
    assert schema_errors(path) == []


REJECTED = {
    "weight -1": ("    weight: 0.5\n", "    weight: -1\n", "-1 is less than or equal to the minimum of 0"),
    "weight 0": ("    weight: 0.5\n", "    weight: 0\n", "0 is less than or equal to the minimum of 0"),
    "unknown key": ("        text: Two?\n", "        text: Two?\n        wieght: 2\n", "'wieght' was unexpected"),
    "id not a slug": ("id: variants\n", "id: Variants Check\n", "does not match"),
    "scale name not a slug": ("  yes-no:\n", "  Yes No:\n", "does not match"),
    "missing title": ("title: Variants\n", "", "'title' is a required property"),
    "version as a number": ('version: "1"\n', "version: 1\n", "1 is not of type 'string'"),
    "level min above 100": ("min: 99.5", "min: 101", "101 is greater than the maximum of 100"),
    "one choice": ("choices: [yes, no, unsure]", "choices: [yes]", "is too short"),
}


@pytest.mark.parametrize("case", REJECTED.values(), ids=list(REJECTED))
def test_what_a_schema_can_express_is_rejected_by_both(tmp_path: Path, case: tuple[str, str, str]) -> None:
    before, after, message = case
    path = questionnaire(tmp_path)
    text = path.read_text()
    assert before in text
    path.write_text(text.replace(before, after, 1))
    assert validate_exit(path) == 1
    errors = schema_errors(path)
    assert errors and any(message in e for e in errors), errors


def test_answers_schema_rejects_unknown_keys_and_bad_question_ids(tmp_path: Path) -> None:
    questionnaire(tmp_path)
    path = tmp_path / "answers.yaml"
    for text, message in [
        (ANSWERS.replace("ANSWER", "1").replace("agency:", "agencey:"), "'agencey' was unexpected"),
        (ANSWERS.replace("ANSWER", "{value: 1, notes: x}"), "'notes' was unexpected"),
        (ANSWERS.replace("ANSWER", "1").replace("  q2:", "  Q 2:"), "does not match"),
    ]:
        path.write_text(text)
        assert validate_exit(path) == 1
        assert any(message in e for e in schema_errors(path)), text
