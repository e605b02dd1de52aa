"""The one gate every result passes before anything trusts it (spec 5, revision 2).

A result file is something anyone can edit. `read_result` is the only way a result gets from a file
into prepkit: it parses the JSON (refusing NaN, huge numbers and control characters), migrates older
formats, finds the questionnaire snapshot (embedded, or in the store's snapshots/ folder), checks the
snapshot against the hash the result records (questionnaire and referenced resources), checks the
snapshot as a questionnaire, and checks every answer against it: on the scale or a known choice, N/A
only where allowed, only for questions that apply. A result that fails is a ContentError whose
problems name the file, line and column.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from prepkit.content.answers import AnswerRule, answer_rules, answers_allowed
from prepkit.content.applicability import applicability, conditional_ids
from prepkit.content.models import HASH_PREFIX, LEGACY_HASH_PREFIX, Answer, Questionnaire, legacy_content_hash
from prepkit.content.validation import problems_from
from prepkit.content.yamlio import Document, Loc, control_character_message, load_yaml, read_text
from prepkit.errors import ContentError, file_problem
from prepkit.results.migrate import migrate
from prepkit.results.model import QuestionnaireRef, Result, Snapshot

# Where a result without an embedded snapshot finds it: (recorded hash, result path) -> snapshot or None.
SnapshotLookup = Callable[[str, Path], Snapshot | None]

Finding = tuple[Loc, str, bool]  # where, what is wrong, whether the key (not the value) is at fault


def read_result(path: Path, lookup: SnapshotLookup | None = None, text: str | None = None) -> Result:
    """The checked result in path, its snapshot attached and its hash in the current form."""
    global _last_applicability
    _last_applicability = None
    if text is None:
        text = read_text(path)
    checked = _read_fast(path, text, lookup)
    if checked is not None:
        return checked
    data = _decode(path, text)
    try:
        result = Result.model_validate(data)
    except ValidationError as err:
        raise ContentError(problems_from(err, _positions(path, text, data), Result)) from None
    snapshot = result.snapshot or (lookup(result.questionnaire.hash, path) if lookup else None)
    if snapshot is None:
        name = snapshot_file_name(result.questionnaire.hash)
        raise file_problem(
            path,
            f"its questionnaire snapshot {name} is missing or damaged (keep result files in their "
            "store, or export them with `prepkit export ID --format json --what result`)",
        )
    try:
        q = trusted_questionnaire(result.questionnaire.hash, snapshot)
        findings = answer_findings(q, result)
    except _Untrusted as untrusted:
        findings = untrusted.findings
        if findings[0][0] == _HASH_LOC:
            where = "in this file" if result.snapshot is not None else "in the store's snapshots/ folder"
            findings = [
                (
                    _HASH_LOC,
                    f"does not match the questionnaire snapshot {where} (the snapshot or its "
                    "resources were edited or damaged); the result cannot be trusted",
                    False,
                )
            ]
    if findings:
        doc = _positions(path, text, data)
        problems = [doc.problem(loc, message, key=at_key) for loc, message, at_key in findings]
        raise ContentError(sorted(problems, key=lambda p: (p.line, p.column)))
    ref = QuestionnaireRef(id=result.questionnaire.id, version=result.questionnaire.version, hash=q.content_hash)
    return result.model_copy(update={"snapshot": snapshot, "questionnaire": ref})


def _read_fast(path: Path, text: str, lookup: SnapshotLookup | None) -> Result | None:
    """The checked result, or None when anything is unusual: then the slow path below decides, and
    names what is wrong. This path makes the same checks for an ordinary store file (no embedded
    snapshot, no team), in a quarter of the time: pydantic parses the JSON itself, and every answer is
    looked up in tables built once per questionnaire. Whatever it is unsure of (a number that is not
    on the scale, NaN and huge numbers included) goes the slow way.
    """
    if lookup is None or _may_hold_control_characters(text):
        return None
    try:
        result = Result.model_validate_json(text)
    except ValidationError:
        return None
    if (
        result.snapshot is not None
        or result.team is not None
        or result.drafts
        or "format" not in result.model_fields_set
    ):
        return None
    snapshot = lookup(result.questionnaire.hash, path)
    if snapshot is None:
        return None
    try:
        q = trusted_questionnaire(result.questionnaire.hash, snapshot)
    except _Untrusted:
        return None
    if not _answers_allowed(q, result.answers):
        return None
    # the result was just made here and is not shared: completed in place rather than copied
    if result.questionnaire.hash != q.content_hash:  # a legacy hash, moved to the current form
        result.questionnaire = QuestionnaireRef(
            id=result.questionnaire.id, version=result.questionnaire.version, hash=q.content_hash
        )
    result.snapshot = snapshot
    return result


# id(questionnaire) -> (the questionnaire, its answer rules, the ids of its conditional questions)
_tables: dict[int, tuple[Questionnaire, dict[str, AnswerRule], frozenset[str]]] = {}


def _answers_allowed(q: Questionnaire, answers: dict[str, Answer]) -> bool:
    """Whether _answers_findings would find nothing, with the answer rules as lookup tables."""
    tables = _tables.get(id(q))
    if tables is None or tables[0] is not q:
        tables = _tables[id(q)] = (q, answer_rules(q), conditional_ids(q))
    _, rules, conditional = tables
    if not answers_allowed(rules, answers):
        return False
    answered_conditional = conditional.intersection(answers)
    if not answered_conditional:
        return True
    applies = applicability(q, answers)
    global _last_applicability
    _last_applicability = (q, answers, applies)
    return all(applies[qid] for qid in answered_conditional)


# The skip logic the fast path worked out for the answers of the result read last: (questionnaire,
# answers dict, applicability). Cleared by every read; taken (once) by applicability_read.
_last_applicability: tuple[Questionnaire, dict[str, Answer], dict[str, bool]] | None = None


def applicability_read(q: Questionnaire, result: Result) -> dict[str, bool] | None:
    """applicability(q, result.answers) as the gate worked it out while reading result, so that a
    reader who scores the result next need not work it out again; None when the gate did not (then
    compute it). Call it right after reading, before anything changes the answers: the gate's figure
    is handed out once, and only for the very answers dict and questionnaire it was computed for."""
    global _last_applicability
    last = _last_applicability
    _last_applicability = None
    if last is None or last[0] is not q or last[1] is not result.answers:
        return None
    return last[2]


def snapshot_file_name(content_hash: str) -> str:
    return content_hash.replace(":", "-") + ".json"


_HASH_LOC: Loc = ("questionnaire", "hash")


class _Untrusted(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(findings)
        self.findings = findings


# Recorded hash -> (the snapshot object checked, its questionnaire). Thousands of results of one store
# share a few snapshot objects, so each is hashed and checked once per process.
_trusted: dict[str, tuple[Snapshot, Questionnaire]] = {}


def trusted_questionnaire(recorded_hash: str, snapshot: Snapshot) -> Questionnaire:
    """The snapshot's questionnaire if it matches recorded_hash and is a valid questionnaire."""
    cached = _trusted.get(recorded_hash)
    if cached is not None and cached[0] is snapshot:
        return cached[1]
    q = snapshot.restore()
    if not _matches(recorded_hash, q):
        raise _Untrusted([(_HASH_LOC, "does not match the questionnaire snapshot", False)])
    from prepkit.content.rules import check_questionnaire

    where: Loc = ("snapshot", "questionnaire")
    rules = check_questionnaire(snapshot.questionnaire, snapshot.resources)
    if rules:
        raise _Untrusted([((*where, *f.loc), f.message, f.at_key) for f in rules])
    _trusted[recorded_hash] = (snapshot, q)
    _trusted.setdefault(q.content_hash, (snapshot, q))
    return q


def snapshot_matches(recorded_hash: str, snapshot: Snapshot) -> bool:
    """Whether snapshot is what recorded_hash names (a result's hash, or a snapshot file's name)."""
    return _matches(recorded_hash, snapshot.restore())


def _matches(recorded_hash: str, q: Questionnaire) -> bool:
    if recorded_hash.startswith(HASH_PREFIX):
        return q.content_hash == recorded_hash
    # saved before revision 2: the hash covered the questionnaire only (migrated in memory on reading)
    return recorded_hash.startswith(LEGACY_HASH_PREFIX) and legacy_content_hash(q) == recorded_hash


def questionnaire_of(result: Result) -> Questionnaire:
    """The questionnaire a result was made with, from its snapshot, checked against the recorded hash."""
    if result.snapshot is None:
        raise file_problem(result.id, "result has no questionnaire snapshot; it cannot be scored")
    try:
        return trusted_questionnaire(result.questionnaire.hash, result.snapshot)
    except _Untrusted:
        raise file_problem(
            result.id,
            "the questionnaire snapshot does not match the hash recorded in the result "
            "(edited or damaged); it cannot be scored",
        ) from None


def answer_findings(q: Questionnaire, result: Result) -> list[Finding]:
    """Every answer a questionnaire does not allow, with its place in the result."""
    findings = _answers_findings(q, result.answers, ("answers",), conditions=True)
    if result.drafts:
        known = {item.id for item in q.items()}
        findings += [
            (("drafts", qid), f"a note for unknown question '{qid}'", True) for qid in result.drafts if qid not in known
        ]
    if result.team is not None:
        for i, respondent in enumerate(result.team.respondents):
            findings += _answers_findings(
                q, respondent.answers, ("team", "respondents", i, "answers"), conditions=False
            )
    return findings


def _answers_findings(q: Questionnaire, answers: dict[str, Answer], where: Loc, *, conditions: bool) -> list[Finding]:
    from prepkit.content.answers import answer_problem

    items = {item.id: item for item in q.items()}
    findings: list[Finding] = []
    for qid, answer in answers.items():
        item = items.get(qid)
        message = f"unknown question '{qid}'" if item is None else answer_problem(q, item, answer)
        if message:
            findings.append(((*where, qid), message, False))
    if conditions and not findings:
        applies = applicability(q, answers)
        findings += [
            ((*where, qid), f"answers '{qid}', which does not apply: its condition (when) does not hold", True)
            for qid in answers
            if not applies.get(qid, True)
        ]
    return findings


def _decode(path: Path, text: str) -> dict[str, Any]:
    """The JSON object in text, free of unsafe values and migrated to the current format."""
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
    if unsafe_numbers or _may_hold_control_characters(text):
        findings = list(_unsafe_values(data, ()))
        if findings:
            doc = _positions(path, text, data)
            problems = [doc.problem(loc, message) for loc, message in findings]
            raise ContentError(sorted(problems, key=lambda p: (p.line, p.column)))
    return migrate(path, data)


_LONG_NUMBER = re.compile(r"[0-9]{1000,}")
# Control characters in a JSON text: escaped, or raw DEL and C1 (JSON allows those raw).
_ESCAPED_CONTROL = re.compile(r"\\u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])")
_RAW_CONTROL = re.compile(r"[\x7f-\x9f]")


def _may_hold_control_characters(text: str) -> bool:
    """A quick look at the text first: reading thousands of ordinary results must stay fast."""
    return (
        ("\\u00" in text and _ESCAPED_CONTROL.search(text) is not None)
        or "\x7f" in text
        or (not text.isascii() and _RAW_CONTROL.search(text) is not None)
    )


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


def _positions(path: Path, text: str, data: object) -> Document:
    """Re-read JSON as YAML (a superset) only to learn where values are, for error messages."""
    try:
        doc = load_yaml(path, text, positions_only=True)
        doc.data = data
        return doc
    except ContentError:
        return Document(path, data)
