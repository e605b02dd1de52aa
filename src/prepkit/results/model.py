"""Saved results: one JSON file each, scorable years later without the questionnaire file (spec 5)."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from prepkit.content.models import Answer, Note, Questionnaire, Resource

RESULT_FORMAT: Literal[1] = 1

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

    def content_hash(self) -> str:
        from prepkit.content.models import content_hash

        return content_hash(self.questionnaire, self.resources)

    def restore(self) -> Questionnaire:
        """The questionnaire with the resources it references (entries it does not reference are dropped)."""
        q = self.questionnaire.model_copy()
        q._library = {rid: self.resources[rid] for rid in q.resource_ids() if rid in self.resources}
        q._content_hash = self.content_hash()
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


class Approval(Loose):
    """A sign-off: who approved the result, when, and the fingerprint of what they approved
    (results/approval.py: its answers and questionnaire hash)."""

    name: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200)
    date: dt.date
    signed_at: dt.datetime
    fingerprint: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")


def _exactly_an_int(value: object) -> object:
    # JSON's 1.0 and true equal 1 to a Literal; a result file says 1 (migrate refuses the others)
    if type(value) is not int:
        raise ValueError("the format is a whole number")
    return value


class Draft(Loose):
    """A note and evidence typed for a question that has no answer yet (they join the answer when it is
    given). Kept in the result so that quitting or an interruption loses nothing the respondent typed."""

    note: Note | None = None
    evidence: Note | None = None


class Result(Loose):
    format: Annotated[Literal[1], BeforeValidator(_exactly_an_int)] = RESULT_FORMAT
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
    approval: Approval | None = None  # set by `prepkit sign`; results saved before sign-off have none
    # The respondent's time zone when the result was made (an IANA name such as "America/Chicago", else
    # a UTC offset): `date` is the local date there. None on results saved before it was recorded.
    timezone: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_+:/-]{1,64}$")
    # Notes typed for questions without an answer (see Draft); written only when there are some.
    drafts: dict[str, Draft] = Field(default_factory=dict)


def provenance_counts(result: Result) -> dict[Provenance, int]:
    """How many answers were answered, reverified, changed and carried (unseen) in a rerun."""
    counts: dict[Provenance, int] = {"answered": 0, "reverified": 0, "changed": 0, "carried": 0}
    for qid in result.answers:
        counts[result.provenance.get(qid, "answered")] += 1
    return counts


def agency_key(name: str) -> str:
    """The one key by which agency names match everywhere (history, resume, series, merge, roll-up):
    case and runs of white space do not matter, so "Example  county" is "Example County"."""
    return " ".join(name.split()).casefold()


def same_agency(a: str, b: str) -> bool:
    return agency_key(a) == agency_key(b)


def snapshot_of(q: Questionnaire) -> Snapshot:
    return Snapshot(questionnaire=q, resources=dict(q.library))


# Words that make an agency's name long without telling agencies apart in one store.
_FILLER = frozenset({"the", "of", "and", "for", "s", "county", "office", "department", "dept", "agency", "services"})
_ID_AGENCY_CHARS = 24


def slug(text: str, fallback: str = "agency") -> str:
    """Lowercase ASCII words joined by '-': accents transliterated ("Jérôme" -> "jerome"); fallback
    when nothing of the name is in the Latin alphabet or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or fallback


def _script_fallback(text: str) -> str:
    """A readable stand-in for a name with no Latin letter: the script's name and a short code of the name,
    e.g. 'cyrillic-5e1a', so two such agencies do not share one id."""
    import hashlib

    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "agency"
    script = unicodedata.name(letters[0], "agency").split()[0].lower()
    script = slug(script, "agency")
    return f"{script}-{hashlib.sha256(text.strip().encode()).hexdigest()[:4]}"


def agency_slug(agency: str, limit: int = _ID_AGENCY_CHARS) -> str:
    """The agency part of a result id: its telling words, e.g. "Riverbend County Sheriff's Office" ->
    "riverbend-sheriff"; whole words up to limit characters."""
    words = slug(agency, "").split("-") if slug(agency, "") else []
    if not words:
        return _script_fallback(agency)
    telling = [w for w in words if w not in _FILLER] or words
    kept: list[str] = []
    for word in telling:
        if kept and len("-".join([*kept, word])) > limit:
            break
        kept.append(word[:limit])
    return "-".join(kept)


def new_result_id(agency: str, day: dt.date) -> str:
    """The one rule for a new result's id: the agency's telling words and the local date,
    'riverbend-sheriff-2026-12-01'. The store adds '-2', '-3', ... only when the id is taken."""
    return f"{agency_slug(agency)}-{day.isoformat()}"


def local_now() -> dt.datetime:
    """Now, in the respondent's local time zone (TZ, else the system's)."""
    return dt.datetime.now().astimezone()


def local_timezone() -> str:
    """The local time zone's IANA name when it can be known (TZ, /etc/localtime), else its UTC offset."""
    import zoneinfo

    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = str(Path("/etc/localtime").resolve())
        except OSError:
            target = ""
        name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
    if name:
        try:
            zoneinfo.ZoneInfo(name)
            return name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    offset = local_now().strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"


def new_result(
    q: Questionnaire,
    agency: str,
    respondent: str | None,
    answers: dict[str, Answer],
    *,
    complete: bool,
    date: dt.date | None = None,
) -> Result:
    now = dt.datetime.now(dt.UTC)  # to the microsecond: it orders results saved in the same second
    today = local_now().date()  # the respondent's date, not UTC's: an evening session is not dated tomorrow
    return Result(
        id=new_result_id(agency, date or today),
        status="complete" if complete else "in-progress",
        agency=agency,
        respondent=respondent,
        date=date or today,
        timezone=local_timezone(),
        created=now,
        updated=now,
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, hash=q.content_hash),
        answers=answers,
        snapshot=snapshot_of(q),
    )


def result_json(result: Result) -> bytes:
    # drafts only when there are some: a result without any is the same file as before they existed
    exclude = None if result.drafts else {"drafts"}
    return (result.model_dump_json(indent=1, exclude_none=False, exclude=exclude) + "\n").encode()
