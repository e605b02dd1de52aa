"""Rules of spec 1.1 to 1.3 that relate values to each other: unique ids, references, skip logic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from prepkit.content.models import RESERVED_LABELS, ProfileQuestion, Question, Questionnaire, Resource, ResourceLibrary
from prepkit.content.validation import Suggestions, shown, suggest
from prepkit.content.yamlio import Loc


class Finding(NamedTuple):
    loc: Loc
    message: str
    at_key: bool = False  # point at the mapping key (the name) rather than its value


def check_questionnaire(q: Questionnaire, library: dict[str, Resource]) -> list[Finding]:
    """Every cross-reference problem of a structurally valid questionnaire, in file order."""
    found = [
        *_check_scales(q),
        *_check_levels(q),
        *_check_ids(q),
        *_check_scale_refs(q),
        *_check_when(q),
        *_check_resources(q, library),
    ]
    return [Finding(*f) for f in found]


def questionnaire_warnings(q: Questionnaire) -> list[Finding]:
    """What is valid but likely wrong (spec 1.1, revision 2); `validate --strict` fails on these."""
    found: list[Finding] = []
    for d, domain in enumerate(q.domains):
        for i, question in enumerate(domain.questions):
            if question.critical and question.na:
                found.append(
                    Finding(
                        ("domains", d, "questions", i, "critical"),
                        f"critical question '{question.id}' may be answered N/A, so an agency could "
                        "reach the top levels without this capability; add `na: false`, or drop "
                        "`critical`",
                    )
                )
    return found


def check_library(library: ResourceLibrary) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for i, resource in enumerate(library.resources):
        if resource.id in seen:
            findings.append(Finding(("resources", i, "id"), f"duplicate resource id '{resource.id}'"))
        seen.add(resource.id)
    return findings


def _check_scales(q: Questionnaire) -> Iterator[Finding | tuple[Loc, str]]:
    for name, options in q.scales.items():
        if len(options) < 2:
            yield ("scales", name), f"scale '{name}' needs at least two options"
        values: set[float] = set()
        labels: set[str] = set()
        for i, option in enumerate(options):
            loc: Loc = ("scales", name, i)
            if option.value in values:
                yield (*loc, "value"), f"value {option.value} appears twice in scale '{name}'; values must differ"
            values.add(option.value)
            folded = option.label.strip().casefold()
            if folded in RESERVED_LABELS:
                yield (
                    (*loc, "label"),
                    (f"'{option.label}' is reserved for answers (na, n/a, unknown); choose another label"),
                )
            elif folded in labels:
                yield (*loc, "label"), f"label '{option.label}' appears twice in scale '{name}' (case is ignored)"
            labels.add(folded)


def _check_levels(q: Questionnaire) -> Iterator[Finding | tuple[Loc, str]]:
    if q.levels[0].min != 0:
        yield ("levels", 0, "min"), f"the first level must have min 0, not {q.levels[0].min}"
    seen: set[str] = set()
    for i, level in enumerate(q.levels):
        if level.id in seen:
            yield ("levels", i, "id"), f"duplicate level id '{level.id}'"
        seen.add(level.id)
        if i and level.min <= q.levels[i - 1].min:
            yield ("levels", i, "min"), (f"level mins must strictly ascend: {level.min} follows {q.levels[i - 1].min}")


def _check_ids(q: Questionnaire) -> Iterator[Finding | tuple[Loc, str]]:
    question_ids: set[str] = set()
    for i, profile in enumerate(q.profile):
        if profile.id in question_ids:
            yield ("profile", i, "id"), f"duplicate question id '{profile.id}'"
        question_ids.add(profile.id)
        choice_ids: set[str] = set()
        for j, choice in enumerate(profile.choices):
            if choice.id in choice_ids:
                yield ("profile", i, "choices", j), f"duplicate choice '{choice.id}' in '{profile.id}'"
            choice_ids.add(choice.id)
    domain_ids: set[str] = set()
    for d, domain in enumerate(q.domains):
        if domain.id in domain_ids:
            yield ("domains", d, "id"), f"duplicate domain id '{domain.id}'"
        domain_ids.add(domain.id)
        for k, question in enumerate(domain.questions):
            if question.id in question_ids:
                yield ("domains", d, "questions", k, "id"), f"duplicate question id '{question.id}'"
            question_ids.add(question.id)


def _check_scale_refs(q: Questionnaire) -> Iterator[Finding | tuple[Loc, str]]:
    if q.default_scale is not None and q.default_scale not in q.scales:
        yield (
            ("default_scale",),
            (f"unknown scale '{q.default_scale}'{suggest(q.default_scale, q.scales)}; scales: {', '.join(q.scales)}"),
        )
    for d, domain in enumerate(q.domains):
        for k, question in enumerate(domain.questions):
            loc: Loc = ("domains", d, "questions", k)
            if question.scale is not None and question.scale not in q.scales:
                yield (
                    (*loc, "scale"),
                    (
                        f"unknown scale '{question.scale}'{suggest(question.scale, q.scales)}; "
                        f"scales: {', '.join(q.scales)}"
                    ),
                )
            elif question.scale is None and q.default_scale is None and len(q.scales) > 1:
                yield (
                    (*loc, "id"),
                    (
                        f"question '{question.id}' names no scale and the questionnaire has no "
                        "default_scale; add one of them"
                    ),
                )


def _check_when(q: Questionnaire) -> Iterator[Finding | tuple[Loc, str]]:
    earlier: dict[str, ProfileQuestion | Question] = {}
    hint = Suggestions()
    later = {item.id for item in q.items()}
    items: list[tuple[Loc, ProfileQuestion | Question]] = [(("profile", i), p) for i, p in enumerate(q.profile)]
    items += [
        (("domains", d, "questions", k), question)
        for d, domain in enumerate(q.domains)
        for k, question in enumerate(domain.questions)
    ]
    for loc, item in items:
        for ref, values in item.when.items():
            target = earlier.get(ref)
            where: Loc = (*loc, "when", ref)
            if target is None:
                if ref == item.id:
                    yield Finding(where, f"'{item.id}' cannot depend on itself", True)
                elif ref in later:
                    yield Finding(
                        where, f"'{ref}' comes after '{item.id}'; a condition may only name an earlier question", True
                    )
                else:
                    yield Finding(where, f"unknown question '{shown(ref)}'{hint(ref, earlier)}", True)
                continue
            allowed = _when_values(q, target)
            for i, value in enumerate(values):
                if isinstance(target, ProfileQuestion):
                    ok = str(value).casefold() in allowed
                else:
                    ok = _matches(value, allowed)
                if not ok:
                    listed = ", ".join(str(v) for v in allowed.values())
                    yield (
                        (*where, i) if len(values) > 1 else where,
                        (f"'{shown(value)}' is not an answer of '{ref}'; allowed: {listed}"),
                    )
        earlier.setdefault(item.id, item)


def _normal(value: str | int | float) -> str | float:
    if isinstance(value, str):
        return value.strip().casefold()
    return float(value)


def _matches(value: str | int | float, allowed: dict[str | float, str | int | float]) -> bool:
    """A condition value names an option by label, or by value (also when the number was quoted)."""
    if _normal(value) in allowed:
        return True
    try:
        return isinstance(value, str) and float(value) in allowed
    except ValueError:
        return False


def _when_values(q: Questionnaire, target: ProfileQuestion | Question) -> dict[str | float, str | int | float]:
    """The values a condition on target may name, normalized, mapped to how they are shown."""
    if isinstance(target, ProfileQuestion):
        return {choice.id.casefold(): choice.id for choice in target.choices}
    if target.scale is not None and target.scale not in q.scales:
        return {}
    options = q.scale_of(target)
    allowed: dict[str | float, str | int | float] = {float(o.value): o.value for o in options}
    allowed.update({o.label.strip().casefold(): o.label for o in options})
    return allowed


def _check_resources(q: Questionnaire, library: dict[str, Resource]) -> Iterator[Finding | tuple[Loc, str]]:
    refs: list[tuple[Loc, list[str]]] = [(("based_on",), q.based_on)]
    for d, domain in enumerate(q.domains):
        refs.append((("domains", d, "resources"), domain.resources))
        refs += [
            (("domains", d, "questions", k, "resources"), question.resources)
            for k, question in enumerate(domain.questions)
        ]
    hint = Suggestions()
    for loc, ids in refs:
        for i, rid in enumerate(ids):
            if rid not in library:
                yield (*loc, i), f"unknown resource '{rid}'{hint(rid, library)}"
