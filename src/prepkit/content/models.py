"""Pydantic models of the three file formats: questionnaire, resource library, answers (format 1).

These models check shapes and single values; rules that relate values to each other (unique ids,
references, skip logic) live in `checks.py`, where each problem keeps its own position.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, WithJsonSchema

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Size limits for what a person types (docs/safety.md): checked in answers files and at the prompt,
# so that no result is saved that the store could not read back (results/store.py checks the total).
MAX_NAME = 200  # agency and respondent names, in characters
MAX_NOTE = 4000  # one note, one evidence text, one N/A reason
RESERVED_LABELS = frozenset({"na", "n/a", "unknown"})


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _listify(value: Any) -> Any:
    """Accept a single item where a list is expected (`evidence: signed policy`)."""
    return [value] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value


def _bool_to_text(value: Any) -> Any:
    # YAML 1.2 reads unquoted true/false as booleans; as ids or values they mean the words.
    return str(value).lower() if isinstance(value, bool) else value


# The JSON Schemas (`prepkit schema`) are generated from these models. Where a validator accepts more than
# the field's type (a single item for a list, true/false for a word), `json_schema_input_type` says what a
# file may hold, so that the schemas accept every file `prepkit validate` accepts.
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Text = Annotated[str, Field(min_length=1)]
Number = Annotated[int | float, AfterValidator(_finite), WithJsonSchema({"type": "number"})]
Weight = Annotated[
    int | float, AfterValidator(_finite), Field(gt=0), WithJsonSchema({"type": "number", "exclusiveMinimum": 0})
]
Percent = Annotated[
    int | float,
    AfterValidator(_finite),
    Field(ge=0, le=100),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
]
WhenValue = Annotated[
    str | int | float, BeforeValidator(_bool_to_text, json_schema_input_type=str | int | float | bool)
]
WhenValues = Annotated[
    list[WhenValue],
    BeforeValidator(
        _listify, json_schema_input_type=str | int | float | Annotated[list[WhenValue], Field(min_length=1)]
    ),
    Field(min_length=1),
]
TextList = Annotated[list[Text], BeforeValidator(_listify, json_schema_input_type=Text | list[Text])]
SlugList = Annotated[list[Slug], BeforeValidator(_listify, json_schema_input_type=Slug | list[Slug])]
# Keys that are ids (scale names, question ids in `when` and `answers`): the schema checks them as slugs.
SLUG_KEYS: dict[str, Any] = {"propertyNames": {"pattern": SLUG_PATTERN}}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ScaleOption(Strict):
    value: Number
    label: Text
    description: str | None = None


class Level(Strict):
    id: Slug
    label: Text
    min: Percent
    requires_critical: bool = False
    description: str | None = None


class Choice(Strict):
    id: Annotated[Slug, BeforeValidator(_bool_to_text, json_schema_input_type=Slug | bool)]
    label: str | None = None

    @property
    def display(self) -> str:
        return self.label or self.id


def _choice_items(value: Any) -> Any:
    if isinstance(value, list):
        return [{"id": _bool_to_text(item)} if isinstance(item, (str, bool)) else item for item in value]
    return value


class ProfileQuestion(Strict):
    id: Slug
    text: Text
    help: str | None = None
    choices: Annotated[
        list[Choice],
        BeforeValidator(_choice_items, json_schema_input_type=list[Slug | bool | Choice]),
        Field(min_length=2),
    ]
    when: dict[str, WhenValues] = Field(default_factory=dict, json_schema_extra=SLUG_KEYS)


class Question(Strict):
    id: Slug
    text: Text
    help: str | None = None
    evidence: TextList = Field(default_factory=list)
    scale: Slug | None = None
    weight: Weight = 1
    critical: bool = False
    na: bool = True
    when: dict[str, WhenValues] = Field(default_factory=dict, json_schema_extra=SLUG_KEYS)
    resources: SlugList = Field(default_factory=list)
    replaces: SlugList = Field(default_factory=list)


class Domain(Strict):
    id: Slug
    title: Text
    summary: str | None = None
    weight: Weight = 1
    resources: SlugList = Field(default_factory=list)
    questions: Annotated[list[Question], Field(min_length=1)]


class Resource(Strict):
    id: Slug
    title: Text
    publisher: str | None = None
    year: int | None = None
    type: str | None = None
    topics: TextList = Field(default_factory=list)
    url: Annotated[str, Field(pattern=r"^https?://[^\s/$.?#][^\s]*$")] | None = None
    summary: str | None = None


class ResourceLibrary(Strict):
    format: Literal[1]
    resources: list[Resource] = Field(default_factory=list)


class Questionnaire(Strict):
    format: Literal[1]
    id: Slug
    version: Text
    title: Text
    summary: str | None = None
    based_on: SlugList = Field(default_factory=list)
    default_scale: Slug | None = None
    scales: Annotated[dict[Slug, list[ScaleOption]], Field(min_length=1, json_schema_extra=SLUG_KEYS)]
    levels: Annotated[list[Level], Field(min_length=1)]
    profile: list[ProfileQuestion] = Field(default_factory=list)
    domains: Annotated[list[Domain], Field(min_length=1)]

    # Filled by the loader, never by the file: resolved resources and where the file came from.
    _library: dict[str, Resource] = PrivateAttr(default_factory=dict)
    _source: str | None = PrivateAttr(default=None)
    _content_hash: str = PrivateAttr(default="")
    _scoring_plan: Any = PrivateAttr(default=None)  # built once by scoring.plan_of
    _conditions: Any = PrivateAttr(default=None)  # built once by applicability.conditions_of
    _answer_rules: Any = PrivateAttr(default=None)  # built once by answers.answer_rules
    _applicability_plan: Any = PrivateAttr(default=None)  # built once by applicability.applicability

    @property
    def library(self) -> dict[str, Resource]:
        return self._library

    @property
    def source(self) -> str | None:
        return self._source

    @property
    def content_hash(self) -> str:
        """The hash a result records (content_hash below), worked out when first asked for: scoring or
        validating a questionnaire never needs it. A loaded questionnaire is never changed afterwards,
        so computing it late gives what computing it at load time would."""
        if not self._content_hash:
            self._content_hash = content_hash(self, self._library)
        return self._content_hash

    def scale_of(self, question: Question) -> list[ScaleOption]:
        name = question.scale or self.default_scale or next(iter(self.scales))
        return self.scales[name]

    def questions(self) -> list[tuple[Domain, Question]]:
        return [(domain, question) for domain in self.domains for question in domain.questions]

    def items(self) -> list[ProfileQuestion | Question]:
        """Every question in asking order: the profile first, then each domain's questions."""
        return [*self.profile, *(question for domain in self.domains for question in domain.questions)]

    def resource_ids(self) -> list[str]:
        """Every resource id the questionnaire references, sorted."""
        used = set(self.based_on)
        for domain in self.domains:
            used.update(domain.resources)
            for question in domain.questions:
                used.update(question.resources)
        return sorted(used)

    def question_count(self) -> int:
        return sum(len(domain.questions) for domain in self.domains)

    def resources_for(self, domain: Domain, question: Question) -> list[str]:
        """A gap's resources: the question's, or its domain's where it names none (spec 3)."""
        return list(question.resources or domain.resources)


def _join(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, list) else value


Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Note = Annotated[str, Field(max_length=MAX_NOTE)]


class AnswerDetail(Strict):
    value: Annotated[str | int | float, BeforeValidator(_bool_to_text, json_schema_input_type=str | int | float | bool)]
    note: Note | None = None
    evidence: Annotated[Note | None, BeforeValidator(_join, json_schema_input_type=str | list[str] | None)] = None


RawAnswer = Annotated[
    str | int | float | AnswerDetail | None,
    BeforeValidator(_bool_to_text, json_schema_input_type=str | int | float | bool | AnswerDetail | None),
]


def _empty_mapping(value: Any) -> Any:
    return {} if value is None else value


class AnswersFile(Strict):
    questionnaire: Text | None = None
    agency: Name
    respondent: Annotated[str, Field(max_length=MAX_NAME)] | None = None
    date: Annotated[dt.date, Field(strict=False)] | None = None
    answers: Annotated[
        dict[str, RawAnswer],
        BeforeValidator(
            _empty_mapping,
            json_schema_input_type=Annotated[dict[str, RawAnswer], Field(json_schema_extra=SLUG_KEYS)] | None,
        ),
    ] = Field(default_factory=dict)


AnswerKind = Literal["value", "choice", "na", "unknown"]


class Answer(Strict):
    """One resolved answer: a scale value, a profile choice, N/A or unknown, with note and evidence."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    kind: AnswerKind
    value: int | float | None = None
    choice: str | None = None
    note: str | None = None
    evidence: str | None = None


HASH_PREFIX = "sha256r:"  # questionnaire and referenced resources (spec 5, revision 2)
LEGACY_HASH_PREFIX = "sha256:"  # questionnaire only: results saved before revision 2


def content_hash(questionnaire: Questionnaire, resources: Mapping[str, Resource]) -> str:
    """A hash of what scoring and reporting depend on, independent of YAML formatting.

    It covers every resource entry the questionnaire references, so that a result cannot carry
    other resource links under the hash of a known questionnaire.
    """
    payload = json.dumps(
        {
            "questionnaire": questionnaire.model_dump(mode="json"),
            "resources": {
                rid: resources[rid].model_dump(mode="json") for rid in questionnaire.resource_ids() if rid in resources
            },
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return HASH_PREFIX + hashlib.sha256(payload.encode()).hexdigest()


def legacy_content_hash(questionnaire: Questionnaire) -> str:
    """The hash results recorded before revision 2: the questionnaire alone."""
    payload = json.dumps(questionnaire.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return LEGACY_HASH_PREFIX + hashlib.sha256(payload.encode()).hexdigest()
