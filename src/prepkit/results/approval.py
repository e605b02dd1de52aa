"""Sign-off: an approval bound to a result's content, and whether it still holds.

The fingerprint is the SHA-256 of a canonical JSON of the result's answers (each with its note and
evidence) and its questionnaire content hash. An approval whose fingerprint no longer matches (an
answer was edited after signing) is "changed": the result is then treated as unsigned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from prepkit.content.models import Answer
from prepkit.errors import UsageError
from prepkit.results.model import Approval, Result

ApprovalState = Literal["signed", "changed", "unsigned"]
FINGERPRINT_PREFIX = "sha256:"


def _canonical_answer(answer: Answer) -> dict[str, Any]:
    data = answer.model_dump(mode="json")
    value = data.get("value")
    if isinstance(value, float) and value.is_integer():  # 2 and 2.0 are the same answer
        data["value"] = int(value)
    return data


def canonical_content(result: Result) -> bytes:
    """What a signature covers, as canonical JSON: sorted keys, no spaces, UTF-8."""
    payload = {
        "answers": {qid: _canonical_answer(answer) for qid, answer in result.answers.items()},
        "questionnaire": result.questionnaire.hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(result: Result) -> str:
    return FINGERPRINT_PREFIX + hashlib.sha256(canonical_content(result)).hexdigest()


def approval_state(result: Result) -> ApprovalState:
    if result.approval is None:
        return "unsigned"
    return "signed" if result.approval.fingerprint == fingerprint(result) else "changed"


def valid_approval(result: Result) -> Approval | None:
    """The approval if it still matches the result's content, else None."""
    return result.approval if approval_state(result) == "signed" else None


def sign(result: Result, name: str, title: str, date: dt.date | None = None, now: dt.datetime | None = None) -> Result:
    """The result with an approval by name (title) on date; a complete result only."""
    name, title = " ".join(name.split()), " ".join(title.split())
    if not name or not title:
        raise UsageError("--name and --title must not be empty")
    if result.status != "complete":
        raise UsageError(f"result {result.id} is not complete; only a complete assessment can be signed")
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    today = when.astimezone().date()
    # A typo guard: an approval comes after the assessment and not later than today. (An assessment
    # dated ahead, as an answers file may be, is approved on its own date by default.)
    latest = max(today, result.date)
    date = date or latest
    if date < result.date:
        raise UsageError(f"--date {date} is before the assessment it approves ({result.date})")
    if date > latest:
        raise UsageError(f"--date {date} is in the future (today is {today})")
    approval = Approval(name=name, title=title, date=date, signed_at=when, fingerprint=fingerprint(result))
    return result.model_copy(update={"approval": approval})
