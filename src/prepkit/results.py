"""Saved results: one JSON file each, scorable years later without the questionnaire file (spec 5)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ContentError, file_problem
from .models import Answer, Questionnaire, Resource
from .validation import problems_from
from .yamlio import MAX_BYTES, Document, Loc, control_character_message, load_yaml, read_text

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
    # The id of the result this one was rerun from (`assess --from`), if any.
    previous: str | None = None
    snapshot: Snapshot | None = None
    team: Team | None = None  # set only on results merged from several respondents (prepkit merge)


def snapshot_hash(snapshot: Snapshot) -> str:
    from .questionnaire import content_hash

    return content_hash(snapshot.questionnaire)


def snapshot_of(q: Questionnaire) -> Snapshot:
    return Snapshot(questionnaire=q, resources=dict(q.library))


def new_result_id(q: Questionnaire, agency: str, when: dt.datetime) -> str:
    agency_slug = re.sub(r"[^a-z0-9]+", "-", agency.lower()).strip("-")[:40] or "agency"
    return f"{when:%Y%m%d-%H%M%S}-{agency_slug}-{q.id[:40]}-{secrets.token_hex(3)}"


def new_result(q: Questionnaire, agency: str, respondent: str | None, answers: dict[str, Answer],
               *, complete: bool, date: dt.date | None = None) -> Result:
    now = dt.datetime.now(dt.UTC)  # to the microsecond: it orders results saved in the same second
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
    unsafe_numbers: list[str] = []  # NaN, infinities and huge integers, walked to their place below

    def real(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            unsafe_numbers.append(literal)
        return value

    def integer(literal: str) -> int:
        if len(literal) > 18:
            unsafe_numbers.append(literal)
        return int(literal)

    try:
        data = json.loads(text, parse_float=real, parse_constant=real, parse_int=integer)
    except json.JSONDecodeError as err:
        raise file_problem(path, f"not a valid result file (JSON): {err.msg}", err.lineno, err.colno) from None
    except RecursionError:
        raise file_problem(path, "not a valid result file: nesting too deep") from None
    except ValueError:  # an integer with thousands of digits (Python's int_max_str_digits)
        line, column = _first_position(text, _LONG_NUMBER)
        raise file_problem(path, "not a valid result file: a number has too many digits", line, column) from None
    if not isinstance(data, dict) or "format" not in data:
        raise file_problem(path, "not a prepkit result: expected a JSON object with a 'format' key")
    # unsafe values first: control characters must not reach the terminal inside other messages,
    # and an answer of NaN is reported once, as NaN, not again as off the scale
    suspicious = unsafe_numbers or _may_hold_control_characters(text)
    findings = [(loc, message, False) for loc, message in _unsafe_values(data, ())] if suspicious else []
    if not findings:
        data = migrate(path, data)
        try:
            result = Result.model_validate(data)
        except ValidationError as err:
            raise ContentError(problems_from(err, _positions(path, text, data), Result)) from None
        findings = result_findings(result)
    if findings:
        doc = _positions(path, text, data)
        problems = [doc.problem(loc, message, key=at_key) for loc, message, at_key in findings]
        raise ContentError(sorted(problems, key=lambda p: (p.line, p.column)))
    return result


_LONG_NUMBER = re.compile(r"[0-9]{1000,}")
# Control characters in a JSON text: escaped, or raw DEL and C1 (JSON allows those raw).
_ESCAPED_CONTROL = re.compile(r"\\u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])")
_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")


def _may_hold_control_characters(text: str) -> bool:
    """A quick look at the text first: reading thousands of ordinary results must stay fast."""
    return ("\\u00" in text and _ESCAPED_CONTROL.search(text) is not None) or "\x7f" in text or (
        not text.isascii() and _RAW_CONTROL.search(text) is not None)


def _first_position(text: str, pattern: re.Pattern[str]) -> tuple[int, int]:
    found = pattern.search(text)
    if found is None:
        return 1, 1
    offset = found.start()
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _unsafe_values(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """NaN, infinities, numbers beyond float range and control characters, anywhere in the data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if message := control_character_message(key):
                yield (*loc, key), f"key: {message}"
            yield from _unsafe_values(value, (*loc, key))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _unsafe_values(item, (*loc, i))
    elif isinstance(data, str):
        if message := control_character_message(data):
            yield loc, message
    elif isinstance(data, float) and not math.isfinite(data):
        yield loc, f"{data} is not allowed; numbers must be finite"
    elif isinstance(data, int) and not isinstance(data, bool) and abs(data) > 2**63:
        yield loc, "the number is too large"


def result_findings(result: Result) -> list[tuple[Loc, str, bool]]:
    """What makes an embedded snapshot or the answers unusable for scoring, each with its place.

    An exported result is a file anyone can edit: its snapshot must be the questionnaire its hash
    names and a valid questionnaire, and every answer must be one that questionnaire allows.
    """
    if result.snapshot is None:
        return []
    from .answers import answer_problem
    from .checks import check_questionnaire
    from .questionnaire import content_hash

    q = result.snapshot.questionnaire
    where: Loc = ("snapshot", "questionnaire")
    if content_hash(q) != result.questionnaire.hash:
        return [(("questionnaire", "hash"), "does not match the questionnaire snapshot in this file (the snapshot "
                                            "was edited or damaged); the result cannot be trusted", False)]
    findings = [((*where, *f.loc), f.message, f.at_key) for f in check_questionnaire(q, result.snapshot.resources)]
    if findings:
        return findings
    items = {item.id: item for item in [*q.profile, *(question for _, question in q.questions())]}
    for qid, answer in result.answers.items():
        item = items.get(qid)
        message = f"unknown question '{qid}'" if item is None else answer_problem(q, item, answer)
        if message:
            findings.append((("answers", qid), message, False))
    return findings


Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _from_format_0(data: dict[str, Any]) -> dict[str, Any]:
    """Format 0 (the pre-release prototype): `complete: bool`, one `saved` time, flat answer values.

    A format-0 answer was {"value": 2 | "na" | "unknown" | "<choice id>", "note", "evidence"}.
    """
    out = {k: v for k, v in data.items() if k not in ("complete", "saved", "answers")}
    saved = data.get("saved")
    out.update(format=1, status="complete" if data.get("complete") is True else "in-progress",
               created=saved, updated=saved, answers={})
    answers = data.get("answers")
    for qid, old in (answers.items() if isinstance(answers, dict) else ()):
        if not isinstance(old, dict):
            out["answers"][qid] = old  # left for validation to report
            continue
        value = old.get("value")
        new: dict[str, Any] = {k: old[k] for k in ("note", "evidence") if old.get(k) is not None}
        if isinstance(value, str) and value.casefold() in ("na", "unknown"):
            new["kind"] = value.casefold()
        elif isinstance(value, str):
            new.update(kind="choice", choice=value)
        else:
            new.update(kind="value", value=value)
        out["answers"][qid] = new
    return out


# Format N -> the function that turns a format-N result into format N+1. Register one per new format.
MIGRATIONS: dict[int, Migration] = {0: _from_format_0}


def migrate(path: Path | str, data: dict[str, Any]) -> dict[str, Any]:
    """data brought up to RESULT_FORMAT, step by step; a ContentError for an unknown or newer format."""
    fmt = data.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 0:
        raise file_problem(path, f"unsupported result format {fmt!r}; this prepkit reads formats "
                                 f"0 to {RESULT_FORMAT}")
    if fmt > RESULT_FORMAT:
        raise file_problem(path, f"result format {fmt} was written by a newer prepkit; this one reads "
                                 f"formats up to {RESULT_FORMAT} (upgrade prepkit)")
    while fmt < RESULT_FORMAT:
        step = MIGRATIONS.get(fmt)
        if step is None:
            raise file_problem(path, f"result format {fmt} cannot be migrated by this prepkit")
        fmt += 1
        data = {**step(data), "format": fmt}
    return data


def _positions(path: Path, text: str, data: object) -> Document:
    """Re-read JSON as YAML (a superset) only to learn where values are, for error messages."""
    try:
        doc = load_yaml(path, text, positions_only=True)
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
        restored = result.snapshot.restore()
        if restored.content_hash != key:
            # an edited or mixed-up snapshot must not score answers against other questions
            raise file_problem(result.id, "the questionnaire snapshot does not match the hash recorded in "
                                          "the result (edited or damaged); it cannot be scored")
        _restored[key] = restored
    return _restored[key]


def answer_problems(result: Result, q: Questionnaire) -> list[str]:
    """What is wrong with a result's answers for its own questionnaire (for files from elsewhere)."""
    profile = {p.id: p for p in q.profile}
    scored = {question.id: question for _, question in q.questions()}
    problems: list[str] = []
    for qid, answer in result.answers.items():
        if qid in profile:
            if answer.kind != "choice" or answer.choice not in {c.id for c in profile[qid].choices}:
                problems.append(f"answer to '{qid}' is not one of its choices")
            continue
        question = scored.get(qid)
        if question is None:
            problems.append(f"answer to unknown question '{qid}'")
        elif answer.kind == "choice":
            problems.append(f"answer to '{qid}' is a choice; it takes a scale value")
        elif answer.kind == "na" and not question.na:
            problems.append(f"'{qid}' cannot be answered N/A")
        elif answer.kind == "value" and answer.value not in {o.value for o in q.scale_of(question)}:
            problems.append(f"answer {answer.value} to '{qid}' is not on its scale")
    return problems
