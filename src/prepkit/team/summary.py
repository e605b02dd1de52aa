"""The roll-up itself, from a Collection: levels, domain spreads, common gaps and movement, plus JSON/CSV.

Agencies are named only when asked (`named=True`); otherwise only counts and distributions leave here.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterator

from pydantic import BaseModel

from prepkit.content.models import Questionnaire
from prepkit.scoring import shown_score
from prepkit.spreadsheet import spreadsheet_cell
from prepkit.team.rollup import AgencyState, Collection


class LevelCount(BaseModel):
    id: str | None  # None: agencies with no assessed domain
    label: str
    agencies: int


class DomainSpread(BaseModel):
    id: str
    title: str
    agencies: int  # agencies with a score in this domain
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None


class ResourceRef(BaseModel):
    id: str
    title: str
    url: str | None


class CommonGap(BaseModel):
    question: str
    text: str
    domain: str
    critical: bool
    agencies: int
    share: float  # of the agencies in the roll-up
    resources: list[ResourceRef]


class Move(BaseModel):
    agency: str
    before: float
    after: float
    delta: float
    level_before: str | None
    level_after: str | None
    date_before: str
    date_after: str


class Movement(BaseModel):
    improved: int
    slipped: int
    unchanged: int
    no_previous: int
    moves: list[Move]  # comparable agencies, most improved first; shown only when agencies are named


class PlanSummary(BaseModel):
    """The agencies' improvement plans (prepkit plan) at their latest results."""

    agencies_with_plan: int
    critical_gaps: int  # of every agency's latest result
    critical_gaps_planned: int  # with an owner and a due date in the agency's plan
    share_planned: float | None  # critical_gaps_planned / critical_gaps, rounded to 3; None without critical gaps
    verified_since_previous: int  # items the latest results verified closed


class Rollup(BaseModel):
    questionnaire: str
    title: str
    versions: list[str]
    files: int
    skipped: int
    merged_sources: int  # results left out because a team result merged them
    agencies: int
    levels: list[LevelCount]
    domains: list[DomainSpread]
    critical_gaps: list[CommonGap]
    common_gaps: list[CommonGap]
    movement: Movement
    plan: PlanSummary


def build_rollup(collection: Collection, top: int = 10) -> Rollup:
    states = collection.agencies
    reference = _reference(states)
    versions = sorted({s.q.version for s in states})
    return Rollup(
        questionnaire=collection.questionnaire,
        title=reference.title if reference else collection.questionnaire,
        versions=versions,
        files=collection.files,
        skipped=len(collection.skipped),
        merged_sources=collection.merged_sources,
        agencies=len(states),
        levels=_levels(states, reference),
        domains=_domains(states, reference),
        critical_gaps=_gaps(states, reference, top, critical_only=True),
        common_gaps=_gaps(states, reference, top, critical_only=False),
        movement=_movement(states),
        plan=_plans(states),
    )


def _plans(states: list[AgencyState]) -> PlanSummary:
    progress = [s.plan for s in states if s.plan is not None]
    critical = sum(p.critical_gaps for p in progress)
    planned = sum(p.planned for p in progress)
    return PlanSummary(
        agencies_with_plan=sum(1 for p in progress if p.has_plan),
        critical_gaps=critical,
        critical_gaps_planned=planned,
        share_planned=round(planned / critical, 3) if critical else None,
        verified_since_previous=sum(p.verified for p in progress),
    )


def _reference(states: list[AgencyState]) -> Questionnaire | None:
    """The newest questionnaire version in use names levels, domains and questions."""
    return max(states, key=lambda s: (s.date, s.q.version)).q if states else None


def _distinct_questionnaires(states: list[AgencyState], reference: Questionnaire | None) -> list[Questionnaire]:
    found = {id(s.q): s.q for s in states}
    return sorted(found.values(), key=lambda q: q is not reference)


def _levels(states: list[AgencyState], reference: Questionnaire | None) -> list[LevelCount]:
    counts = Counter(s.latest.level for s in states)
    labels: dict[str, str] = {}
    for q in _distinct_questionnaires(states, reference):
        for level in q.levels:
            labels.setdefault(level.id, level.label)
    rows = [LevelCount(id=level, label=label, agencies=counts[level]) for level, label in labels.items()]
    if counts[None]:
        rows.append(LevelCount(id=None, label="not assessed", agencies=counts[None]))
    return rows


def _domains(states: list[AgencyState], reference: Questionnaire | None) -> list[DomainSpread]:
    titles: dict[str, str] = {}
    for q in _distinct_questionnaires(states, reference):
        for domain in q.domains:
            titles.setdefault(domain.id, domain.title)
    scores: dict[str, list[float]] = {domain: [] for domain in titles}
    for state in states:
        for domain, value in zip(state.q.domains, state.latest.domains, strict=True):
            if value is not None:
                scores[domain.id].append(value)
    return [
        DomainSpread(id=d, title=titles[d], agencies=len(values), **_five_numbers(values))
        for d, values in scores.items()
    ]


def _five_numbers(values: list[float]) -> dict[str, float | None]:
    """Min, quartiles (inclusive method: the quartiles of the values themselves), median and max."""
    if not values:
        return dict.fromkeys(("min", "q1", "median", "q3", "max"))
    if len(values) == 1:
        q1 = median = q3 = values[0]
    else:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {
        "min": shown_score(min(values)),
        "q1": shown_score(q1),
        "median": shown_score(median),
        "q3": shown_score(q3),
        "max": shown_score(max(values)),
    }


def _gaps(
    states: list[AgencyState], reference: Questionnaire | None, top: int, *, critical_only: bool
) -> list[CommonGap]:
    counts = Counter(qid for s in states for qid in s.latest.gaps)
    details: dict[str, tuple[int, CommonGap]] = {}
    for q in _distinct_questionnaires(states, reference):
        for position, (domain, question) in enumerate(q.questions()):
            if question.id in details or question.id not in counts:
                continue
            resources = [
                ResourceRef(
                    id=rid,
                    title=q.library[rid].title if rid in q.library else rid,
                    url=q.library[rid].url if rid in q.library else None,
                )
                for rid in q.resources_for(domain, question)
            ]
            details[question.id] = (
                position,
                CommonGap(
                    question=question.id,
                    text=question.text,
                    domain=domain.title,
                    critical=question.critical,
                    agencies=counts[question.id],
                    share=round(counts[question.id] / len(states), 3),
                    resources=resources,
                ),
            )
    ranked = sorted(details.values(), key=lambda item: (-item[1].agencies, item[0]))
    return [gap for _, gap in ranked if gap.critical or not critical_only][:top]


def _movement(states: list[AgencyState]) -> Movement:
    moves: list[Move] = []
    no_previous = 0
    for state in states:
        before, after = (state.previous.score if state.previous else None), state.latest.score
        if state.previous is None or before is None or after is None:
            no_previous += 1
            continue
        # the delta of the shown scores, as `compare` gives it: a reader who subtracts gets the same number
        shown_before, shown_after = shown_score(before), shown_score(after)
        moves.append(
            Move(
                agency=state.agency,
                before=shown_before,
                after=shown_after,
                delta=shown_score(shown_after - shown_before),
                level_before=state.previous.level,
                level_after=state.latest.level,
                date_before=str(state.previous_date),
                date_after=str(state.date),
            )
        )
    moves.sort(key=lambda m: (-m.delta, m.agency.casefold()))
    return Movement(
        improved=sum(m.delta > 0 for m in moves),
        slipped=sum(m.delta < 0 for m in moves),
        unchanged=sum(m.delta == 0 for m in moves),
        no_previous=no_previous,
        moves=moves,
    )


def rollup_json(rollup: Rollup, *, named: bool = False) -> dict[str, object]:
    data = rollup.model_dump(mode="json")
    if not named:
        del data["movement"]["moves"]
    return data


CSV_HEADER = ("section", "id", "label", "measure", "value")


def rollup_rows(rollup: Rollup, *, named: bool = False) -> Iterator[tuple[str, str, str, str, object]]:
    """The roll-up as tidy rows (section, id, label, measure, value), ready for a spreadsheet's pivot."""
    yield "questionnaire", rollup.questionnaire, rollup.title, "versions", " ".join(rollup.versions)
    for measure in ("files", "skipped", "merged_sources", "agencies"):
        yield "summary", measure, "", "count", getattr(rollup, measure)
    for level in rollup.levels:
        yield "level", level.id or "", level.label, "agencies", level.agencies
    for domain in rollup.domains:
        for measure in ("agencies", "min", "q1", "median", "q3", "max"):
            yield "domain", domain.id, domain.title, measure, getattr(domain, measure)
    for section, gaps in (("critical_gap", rollup.critical_gaps), ("gap", rollup.common_gaps)):
        for gap in gaps:
            yield section, gap.question, gap.text, "agencies", gap.agencies
            yield section, gap.question, gap.text, "resources", " ".join(r.id for r in gap.resources)
    movement = rollup.movement
    for measure in ("improved", "slipped", "unchanged", "no_previous"):
        yield "movement", measure, "", "agencies", getattr(movement, measure)
    for measure, value in rollup.plan.model_dump().items():
        yield "plan", measure, "", "value", value
    if named:
        for move in movement.moves:
            yield "agency", move.agency, move.level_after or "", "delta", move.delta


def rollup_csv(rollup: Rollup, *, named: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rollup_rows(rollup, named=named):
        writer.writerow([spreadsheet_cell(v) for v in row])
    return buffer.getvalue()
