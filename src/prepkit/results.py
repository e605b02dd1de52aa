"""Saved results: one JSON file each, scorable years later without the questionnaire file (spec 5)."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ContentError, file_problem
from .models import Answer, Questionnaire, Resource
from .validation import problems_from
from .yamlio import MAX_BYTES, Document, load_yaml, read_text

RESULT_FORMAT = 1

Provenance = Literal["answered", "reverified", "changed", "carried"]


class Loose(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionnaireRef(Loose):
    id: str
    version: str
    hash: str


class Snapshot(Loose):
    """What scoring and reporting need of a questionnaire, frozen at the time of the assessment."""

    questionnaire: Questionnaire
    resources: dict[str, Resource] = Field(default_factory=dict)

    def restore(self) -> Questionnaire:
        q = self.questionnaire.model_copy()
        q._library = dict(self.resources)
        from .questionnaire import content_hash

        q._content_hash = content_hash(q)
        return q


class RespondentAnswers(Loose):
    """One team member's own answers, kept inside a merged (team) result."""

    respondent: str
    result: str | None = None  # id of the result they came from
    date: dt.date | None = None
    answers: dict[str, Answer] = Field(default_factory=dict)


class Disagreement(Loose):
    """A question the team answered far apart (or N/A against an answer): an item to discuss."""

    question: str
    reason: Literal["spread", "na", "profile"]
    spread: float | None = None  # highest minus lowest answered value, for reason "spread"


class Team(Loose):
    """How a merged result came about: the consensus rule, every respondent's answers, the disagreements."""

    rule: str
    respondents: list[RespondentAnswers]
    disagreements: list[Disagreement] = Field(default_factory=list)


class Result(Loose):
    format: Literal[1] = RESULT_FORMAT
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
    status: Literal["in-progress", "complete"]
    agency: str
    respondent: str | None = None
    date: dt.date
    created: dt.datetime
    updated: dt.datetime
    questionnaire: QuestionnaireRef
    answers: dict[str, Answer] = Field(default_factory=dict)
    # How each answer came to be when rerunning from an earlier result (carried = copied, unseen).
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    snapshot: Snapshot | None = None
    team: Team | None = None  # set only on results merged from several respondents (prepkit merge)


def snapshot_of(q: Questionnaire) -> Snapshot:
    return Snapshot(questionnaire=q, resources=dict(q.library))


def new_result_id(q: Questionnaire, agency: str, when: dt.datetime) -> str:
    agency_slug = re.sub(r"[^a-z0-9]+", "-", agency.lower()).strip("-")[:40] or "agency"
    return f"{when:%Y%m%d-%H%M%S}-{agency_slug}-{q.id[:40]}-{secrets.token_hex(3)}"


def new_result(q: Questionnaire, agency: str, respondent: str | None, answers: dict[str, Answer],
               *, complete: bool, date: dt.date | None = None) -> Result:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return Result(
        id=new_result_id(q, agency, now), status="complete" if complete else "in-progress",
        agency=agency, respondent=respondent, date=date or now.date(), created=now, updated=now,
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, hash=q.content_hash),
        answers=answers, snapshot=snapshot_of(q))


def result_json(result: Result) -> bytes:
    return (result.model_dump_json(indent=1, exclude_none=False) + "\n").encode()


def parse_result(path: Path, text: str | None = None) -> Result:
    """A result file, or a ContentError naming its line and what is wrong."""
    if text is None:
        text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise file_problem(path, f"not a valid result file (JSON): {err.msg}", err.lineno, err.colno) from None
    except RecursionError:
        raise file_problem(path, "not a valid result file: nesting too deep") from None
    if not isinstance(data, dict) or "format" not in data:
        raise file_problem(path, "not a prepkit result: expected a JSON object with a 'format' key")
    if data.get("format") != RESULT_FORMAT:
        raise file_problem(path, f"unsupported result format {data.get('format')!r}; this prepkit reads "
                                 f"format {RESULT_FORMAT}")
    try:
        return Result.model_validate(data)
    except ValidationError as err:
        raise ContentError(problems_from(err, _positions(path, text, data), Result)) from None


def _positions(path: Path, text: str, data: object) -> Document:
    """Re-read JSON as YAML (a superset) only to learn where values are, for error messages."""
    try:
        doc = load_yaml(path, text)
        doc.data = data
        return doc
    except ContentError:
        return Document(path, data)


def load_result(path: Path) -> Result:
    if path.stat().st_size > MAX_BYTES:
        raise file_problem(path, f"result file larger than {MAX_BYTES // 2**20} MiB")
    return parse_result(path)


_restored: dict[str, Questionnaire] = {}


def questionnaire_of(result: Result) -> Questionnaire:
    """The questionnaire a result was made with, from its snapshot (restored once per content hash)."""
    if result.snapshot is None:
        raise file_problem(result.id, "result has no questionnaire snapshot; it cannot be scored")
    key = result.questionnaire.hash
    if key not in _restored:
        _restored[key] = result.snapshot.restore()
    return _restored[key]
