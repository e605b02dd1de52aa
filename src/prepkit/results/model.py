"""Saved results: one JSON file each, scorable years later without the questionnaire file (spec 5)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from prepkit.content.models import Answer, Questionnaire, Resource

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
        from prepkit.content.questionnaire import content_hash

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


def agency_key(name: str) -> str:
    """The one key by which agency names match everywhere (history, resume, series, merge, roll-up):
    case and runs of white space do not matter, so "Example  county" is "Example County"."""
    return " ".join(name.split()).casefold()


def same_agency(a: str, b: str) -> bool:
    return agency_key(a) == agency_key(b)


def snapshot_of(q: Questionnaire) -> Snapshot:
    return Snapshot(questionnaire=q, resources=dict(q.library))


def new_result_id(q: Questionnaire, agency: str, when: dt.datetime) -> str:
    agency_slug = re.sub(r"[^a-z0-9]+", "-", agency.lower()).strip("-")[:40] or "agency"
    return f"{when:%Y%m%d-%H%M%S}-{agency_slug}-{q.id[:40]}-{secrets.token_hex(3)}"


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
    return Result(
        id=new_result_id(q, agency, now),
        status="complete" if complete else "in-progress",
        agency=agency,
        respondent=respondent,
        date=date or now.date(),
        created=now,
        updated=now,
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, hash=q.content_hash),
        answers=answers,
        snapshot=snapshot_of(q),
    )


def result_json(result: Result) -> bytes:
    return (result.model_dump_json(indent=1, exclude_none=False) + "\n").encode()
