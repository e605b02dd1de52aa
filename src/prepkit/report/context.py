"""The report's view-model: everything the templates show, computed from results without any I/O.

Every score, level and delta is taken from `scorecard_json` / `comparison_json`, the objects that
`prepkit score --json` and `prepkit compare --json` print, so the report cannot disagree with them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from prepkit.content.applicability import applicability
from prepkit.content.models import Answer, Domain, Question, Questionnaire, Resource
from prepkit.history.compare import compare, comparison_json
from prepkit.report import charts
from prepkit.report.planview import PlanView, plan_view
from prepkit.results.approval import approval_state
from prepkit.results.gate import questionnaire_of
from prepkit.results.model import Result
from prepkit.scoring import Scorecard, Scorer, format_score, score, scorecard_json, shown_score
from prepkit.team.merge import DiscussionItem, discussion_items

if TYPE_CHECKING:
    from prepkit.plan.model import Plan

Audience = Literal["full", "public"]
AUDIENCES: tuple[Audience, ...] = ("full", "public")

TOP_ACTIONS = 5
LEAD_GAIN_ITEMS = 6  # the action plan leads with every critical gap and this many of the highest gains
PLAIN_AREAS = 3  # strongest and priority areas named in the plain-language summary
# What a level means, for levels whose questionnaire gives no description (the bundled ones use these ids).
LEVEL_MEANINGS = {
    "foundational": "Early stage: many basic elements are missing or only planned.",
    "developing": "Core elements exist, but several are only partly in place, untested or not written down.",
    "established": "Most elements are fully in place, and so is every critical capability.",
    "advanced": "Nearly everything is fully in place, practised and reviewed, including every critical capability.",
}
TREND_COLUMNS = 6  # most recent assessments shown per domain in the trend table
PROVENANCE_LABELS = {"reverified": "re-verified", "changed": "changed", "carried": "carried over, not reviewed"}
STATUS_LABELS = {
    "unanswered": "Not answered",
    "unknown": "Unknown",
    "na": "N/A",
    "not-applicable": "Not applicable (condition)",
}


def number(value: float | None) -> str:
    """A score as the JSON shows it; an em dash where there is none."""
    return format_score(value)


def signed(value: float | None) -> str:
    return format_score(value, signed=True)


@dataclass(frozen=True)
class ResourceView:
    id: str
    title: str
    publisher: str | None
    year: int | None
    type: str | None
    url: str | None
    summary: str | None

    @property
    def short_title(self) -> str:
        """The title up to its subtitle ("IS-100.c: Introduction to ..." is cited as "IS-100.c")."""
        head, colon, _ = self.title.partition(": ")
        return head if colon and head.strip() else self.title

    @property
    def source(self) -> str:
        return ", ".join(part for part in (self.publisher, str(self.year) if self.year else None) if part)


@dataclass(frozen=True)
class QuestionView:
    id: str
    text: str
    status: str  # scoring status: answered, unknown, unanswered, na, not-applicable
    answer: str
    note: str | None
    evidence: str | None
    critical: bool
    gap: bool
    provenance: str | None
    help: str | None = None


@dataclass(frozen=True)
class DomainView:
    id: str
    title: str
    summary: str | None
    weight: float
    score: str
    value: float | None  # the rounded score, for charts
    level: str
    counted: int
    na: int
    not_applicable: int
    unanswered: int
    unknown: int
    gaps: int
    critical_gaps: int
    questions: list[QuestionView]


@dataclass(frozen=True)
class GapView:
    rank: int
    question_id: str
    question: str
    domain: str
    answer: str
    critical: bool
    gain: str  # overall points gained if this one gap were closed
    priority: str
    opens: int  # follow-up questions closing it would make apply (left out of the gain)
    resources: list[ResourceView]
    gain_value: float = 0.0


@dataclass(frozen=True)
class GapGroup:
    """The gaps of one domain that the action plan does not lead with, and the resources they cite."""

    domain: str
    gaps: list[GapView]
    resources: list[ResourceView]


@dataclass(frozen=True)
class NaView:
    question_id: str
    question: str
    domain: str
    reason: str | None
    evidence: str | None


@dataclass(frozen=True)
class DeltaRow:
    label: str
    before: str
    after: str
    delta: str
    direction: str  # up, down, same or none


@dataclass(frozen=True)
class ChangeView:
    question_id: str
    question: str
    domain: str
    before: str
    after: str


@dataclass(frozen=True)
class ComparisonView:
    before_date: str
    before_id: str
    before_version: str
    overall: DeltaRow
    domains: list[DeltaRow]
    improved: list[ChangeView]
    regressed: list[ChangeView]
    closed_gaps: list[ChangeView]
    new_gaps: list[ChangeView]
    not_comparable: list[ChangeView]
    removed: list[ChangeView]
    chart: charts.PairedBars

    @property
    def improved_gaps(self) -> list[ChangeView]:
        """Improved answers that are still below the top of their scale (closed gaps are improved too)."""
        closed = {c.question_id for c in self.closed_gaps}
        return [c for c in self.improved if c.question_id not in closed]

    @property
    def regressed_gaps(self) -> list[ChangeView]:
        """Regressed answers that were already gaps before (new gaps are regressed too)."""
        new = {c.question_id for c in self.new_gaps}
        return [c for c in self.regressed if c.question_id not in new]


@dataclass(frozen=True)
class TrendRow:
    label: str
    values: list[str]


@dataclass(frozen=True)
class TrendView:
    dates: list[str]
    overall: list[str]
    levels: list[str]
    domain_dates: list[str]
    domains: list[TrendRow]
    chart: charts.LineChart


@dataclass(frozen=True)
class LevelView:
    label: str
    min: str
    requires_critical: bool
    description: str | None


@dataclass(frozen=True)
class ApprovalView:
    name: str
    title: str
    date: str
    fingerprint: str


@dataclass(frozen=True)
class PlainArea:
    """One capability area (domain) in plain words, for the council summary."""

    title: str
    level: str
    meaning: str
    score: str


@dataclass(frozen=True)
class PlainSummary:
    overall: str  # one sentence on where the agency stands
    strengths: list[PlainArea]
    priorities: list[PlainArea]
    areas: list[PlainArea]
    improvements: int  # gaps, counted only
    critical: int


@dataclass(frozen=True)
class ReportContext:
    title: str
    agency: str
    respondent: str | None
    date: str
    generated: str  # ISO 8601 with time zone, for the PDF creation date
    generated_text: str  # the same for people
    result_id: str
    questionnaire_title: str
    questionnaire_id: str
    version: str
    summary: str | None
    marking: str | None
    complete: bool
    missing: int
    score: str
    level: str
    domains: list[DomainView]
    strongest: list[DomainView]
    weakest: list[DomainView]
    critical_gaps: int
    gaps: list[GapView]
    na_answers: list[NaView]
    comparison: ComparisonView | None
    trend: TrendView | None
    levels: list[LevelView]
    scale_names: list[str]
    based_on: list[ResourceView]
    resources: list[ResourceView]
    domain_chart: charts.Bars
    generator: str = "prepkit"
    top: list[GapView] = field(default_factory=list)
    # A team result (prepkit merge): who answered, and where they disagreed, to discuss.
    team_respondents: list[str] = field(default_factory=list)
    disagreements: list[DiscussionItem] = field(default_factory=list)
    audience: Audience = "full"
    # Sign-off: "signed" (approval matches the answers), "changed" (answers edited since) or "unsigned".
    approval_state: str = "unsigned"
    approval: ApprovalView | None = None  # shown only when approval_state is "signed"
    plain: PlainSummary | None = None
    lead: list[GapView] = field(default_factory=list)  # the action plan's first list
    grouped: list[GapGroup] = field(default_factory=list)  # every other gap, by domain
    # Improvement-plan item counts by status (open, in-progress, done, ...), when a plan exists.
    plan_counts: dict[str, int] | None = None
    # The agency's improvement plan at this result, when it has one (prepkit plan); not in the public report.
    plan: PlanView | None = None

    @property
    def draft(self) -> bool:
        return self.approval_state != "signed"

    @property
    def help_domains(self) -> list[DomainView]:
        """Domains with at least one question that has guidance, for the appendix."""
        return [d for d in self.domains if any(q.help for q in d.questions)]


def build_context(
    result: Result,
    *,
    compare_to: Result | None = None,
    history: list[Result] | None = None,
    marking: str | None = None,
    now: dt.datetime | None = None,
    generator: str = "prepkit",
    audience: Audience = "full",
    plan_counts: Mapping[str, int] | None = None,
    plan: Plan | None = None,
) -> ReportContext:
    """The report's view-model. audience "public" leaves out everything question-level (see _public).

    plan_counts: improvement-plan items by status, when the agency has a plan (None: no plan).
    plan: the agency's improvement plan (prepkit plan), shown when it stands at this result; its
    counts are the plan_counts when none are given.
    """
    q = questionnaire_of(result)
    card = score(q, result.answers)
    data: Any = scorecard_json(q, card, result.agency)
    labels = {level.id: level.label for level in q.levels}
    domains = _domains(q, result, card, data, labels)
    assessed = [d for d, s in zip(domains, card.domains, strict=True) if s.score is not None]
    raw = {s.id: s.score for s in card.domains}
    assessed_scores = [s.score for s in card.domains if s.score is not None]
    best = max(assessed_scores, default=None)
    worst = min(assessed_scores, default=None)
    gaps = _gaps(q, result, card, data)
    # Local time: the reader's clock (TZ), with its offset in the machine-readable form.
    when = (now or dt.datetime.now(dt.UTC)).astimezone().replace(microsecond=0)
    state = approval_state(result)
    approval = result.approval if state == "signed" else None
    levels = [
        LevelView(level.label, f"{level.min:g}", level.requires_critical, level_meaning(q, i))
        for i, level in enumerate(q.levels)
    ]
    lead, grouped = _plan_layout(gaps)
    shown_plan = plan_view(plan, q, when.date()) if plan is not None and plan.result == result.id else None
    if plan_counts is None and shown_plan is not None:
        plan_counts = {k: v for k, v in shown_plan.counts.items() if k != "overdue"}
    context = ReportContext(
        title=f"{q.title}: {result.agency}",
        agency=result.agency,
        respondent=result.respondent,
        date=result.date.isoformat(),
        generated=when.isoformat(),
        generated_text=local_time_text(when),
        result_id=result.id,
        questionnaire_title=q.title,
        questionnaire_id=q.id,
        version=q.version,
        summary=q.summary,
        marking=(marking or "").strip() or None,
        complete=card.complete,
        missing=len(card.missing),
        score=number(data["overall"]["score"]),
        level=labels.get(data["overall"]["level"], "Not assessed"),
        domains=domains,
        strongest=[d for d in assessed if raw[d.id] == best] if best != worst else [],
        weakest=[d for d in assessed if raw[d.id] == worst] if best != worst else [],
        critical_gaps=sum(1 for g in gaps if g.critical),
        gaps=gaps,
        top=gaps[:TOP_ACTIONS],
        na_answers=_na_answers(q, result, card),
        comparison=_comparison(compare_to, result, q, card, labels) if compare_to else None,
        trend=_trend([*(history or []), result], labels),
        levels=levels,
        scale_names=list(q.scales),
        based_on=[_resource(q.library[r]) for r in q.based_on if r in q.library],
        resources=sorted((_resource(r) for r in q.library.values()), key=lambda r: r.title.casefold()),
        domain_chart=charts.domain_bars(
            [(d.title, d.value) for d in domains], [(level.label, level.min) for level in q.levels[1:]]
        ),
        generator=generator,
        team_respondents=[r.respondent for r in result.team.respondents] if result.team else [],
        disagreements=discussion_items(q, result),
        audience=audience,
        approval_state=state,
        approval=ApprovalView(approval.name, approval.title, approval.date.isoformat(), approval.fingerprint)
        if approval
        else None,
        plain=_plain(domains, raw, levels, q, data, gaps),
        lead=lead,
        grouped=grouped,
        plan_counts=dict(plan_counts) if plan_counts is not None else None,
        plan=shown_plan,
    )
    return _public(context) if audience == "public" else context


def local_time_text(when: dt.datetime) -> str:
    """2026-12-01 16:27 CET (UTC+01:00): the local time, with its zone's name and offset."""
    offset = when.strftime("%z")
    utc = "UTC" if offset in ("", "+0000") else f"UTC{offset[:3]}:{offset[3:]}"
    name = when.tzname() or ""
    plain_name = name and name != "UTC" and not name.startswith(("+", "-", "UTC"))
    return f"{when:%Y-%m-%d %H:%M} {name} ({utc})" if plain_name else f"{when:%Y-%m-%d %H:%M} ({utc})"


def level_meaning(q: Questionnaire, index: int) -> str:
    """The level's description, else a plain meaning for the bundled level ids, else from its place."""
    level = q.levels[index]
    if level.description:
        return level.description
    if level.id in LEVEL_MEANINGS:
        return LEVEL_MEANINGS[level.id]
    critical = " and every critical capability fully in place" if level.requires_critical else ""
    if index == 0:
        return "The starting level: below the next level's score."
    if index == len(q.levels) - 1:
        return f"The highest level: a score of {level.min:g} or more{critical}."
    return f"A score of {level.min:g} or more{critical}."


def _plan_layout(gaps: list[GapView]) -> tuple[list[GapView], list[GapGroup]]:
    """Lead with every critical gap and the highest gains; the rest grouped by domain, in gap order."""
    by_gain = sorted((g for g in gaps if not g.critical and g.gain_value > 0), key=lambda g: (-g.gain_value, g.rank))
    chosen = {g.question_id for g in gaps if g.critical} | {g.question_id for g in by_gain[:LEAD_GAIN_ITEMS]}
    lead = [g for g in gaps if g.question_id in chosen]
    groups: dict[str, list[GapView]] = {}
    for g in gaps:
        if g.question_id not in chosen:
            groups.setdefault(g.domain, []).append(g)
    grouped = []
    for domain, items in groups.items():
        cited: dict[str, ResourceView] = {}
        for g in items:
            for res in g.resources:
                cited.setdefault(res.id, res)
        grouped.append(GapGroup(domain, items, sorted(cited.values(), key=lambda r: r.short_title.casefold())))
    return lead, grouped


def _plain(
    domains: list[DomainView],
    raw: dict[str, float | None],
    levels: list[LevelView],
    q: Questionnaire,
    data: Any,
    gaps: list[GapView],
) -> PlainSummary:
    meanings = {level.label: level.description or "" for level in levels}
    assessed = sorted((d for d in domains if raw[d.id] is not None), key=lambda d: (-(raw[d.id] or 0), d.title))
    rank = {level.label: i for i, level in enumerate(levels)}
    # Strongest: the highest level first (a high score held back by a critical gap ranks below), then score.
    best = sorted(assessed, key=lambda d: (-rank.get(d.level, -1), -(raw[d.id] or 0), d.title))
    areas = [PlainArea(d.title, d.level, meanings.get(d.level, ""), d.score) for d in domains]
    by_title = {a.title: a for a in areas}
    strengths = [by_title[d.title] for d in best[:PLAIN_AREAS]] if len(assessed) > 1 else []
    weakest = list(reversed(assessed[-PLAIN_AREAS:])) if len(assessed) > 1 else []
    critical_domains = [d for d in assessed if d.critical_gaps and d not in weakest]
    priorities = [by_title[d.title] for d in [*weakest, *critical_domains] if by_title[d.title] not in strengths]
    level = data["overall"]["level"]
    label = {lv.id: lv.label for lv in q.levels}.get(level or "", "")
    if label:
        overall = f"Overall, the agency is at the {label} level: {meanings.get(label, '').rstrip('.').lower()}."
        overall = overall.replace(": .", ".")
    else:
        overall = "No part of the assessment could be scored yet."
    return PlainSummary(
        overall=overall,
        strengths=strengths,
        priorities=priorities,
        areas=areas,
        improvements=len(gaps),
        critical=sum(1 for g in gaps if g.critical),
    )


def _public(context: ReportContext) -> ReportContext:
    """The report for a council or the public: levels and plain words only.

    Everything that could point at a specific vulnerability is removed from the data itself (so no
    template, bundled or an agency's own, can show it): questions, gaps, notes, evidence, N/A reasons,
    respondent names, team disagreements, resource lists, and the question lists of the comparison.
    """
    domains = [dataclasses.replace(d, questions=[]) for d in context.domains]
    comparison = context.comparison
    if comparison is not None:
        comparison = dataclasses.replace(
            comparison, improved=[], regressed=[], closed_gaps=[], new_gaps=[], not_comparable=[], removed=[]
        )
    return dataclasses.replace(
        context,
        respondent=None,
        domains=domains,
        strongest=[dataclasses.replace(d, questions=[]) for d in context.strongest],
        weakest=[dataclasses.replace(d, questions=[]) for d in context.weakest],
        gaps=[],
        top=[],
        lead=[],
        grouped=[],
        na_answers=[],
        comparison=comparison,
        resources=[],
        team_respondents=[],
        disagreements=[],
        plan=None,
    )


def _resource(resource: Resource) -> ResourceView:
    return ResourceView(
        resource.id, resource.title, resource.publisher, resource.year, resource.type, resource.url, resource.summary
    )


def _answer_text(status: str, label: str | None) -> str:
    return label if status == "answered" and label else STATUS_LABELS.get(status, label or "")


def _domains(q: Questionnaire, result: Result, card: Scorecard, data: Any, labels: dict[str, str]) -> list[DomainView]:
    by_question = {s.id: s for s in card.questions}
    views = []
    for domain, scores, shown in zip(q.domains, card.domains, data["domains"], strict=True):
        questions = []
        for question in domain.questions:
            s = by_question[question.id]
            answer = result.answers.get(question.id)
            provenance = result.provenance.get(question.id)
            questions.append(
                QuestionView(
                    id=question.id,
                    text=question.text,
                    status=s.status,
                    answer=_answer_text(s.status, s.answer),
                    note=answer.note if answer else None,
                    evidence=answer.evidence if answer else None,
                    critical=question.critical,
                    gap=s.counted and (s.credit or 0) < 1,
                    provenance=PROVENANCE_LABELS.get(provenance or ""),
                    help=question.help,
                )
            )
        views.append(
            DomainView(
                id=domain.id,
                title=domain.title,
                summary=domain.summary,
                weight=domain.weight,
                score=number(shown["score"]),
                value=shown["score"],
                level=labels.get(shown["level"], "Not assessed"),
                counted=scores.counted,
                na=scores.na,
                not_applicable=scores.not_applicable,
                unanswered=scores.unanswered,
                unknown=scores.unknown,
                gaps=sum(1 for v in questions if v.gap),
                critical_gaps=sum(1 for v in questions if v.gap and v.critical),
                questions=questions,
            )
        )
    return views


def _gaps(q: Questionnaire, result: Result, card: Scorecard, data: Any) -> list[GapView]:
    where = {question.id: (domain, question) for domain, question in q.questions()}
    statuses = {s.id: s.status for s in card.questions}
    views = []
    for rank, (gap, shown) in enumerate(zip(card.gaps, data["gaps"], strict=True), start=1):
        domain, question = where[gap.question]
        gain, opens = gain_if_closed(q, result.answers, card, question)
        views.append(
            GapView(
                rank=rank,
                question_id=question.id,
                question=question.text,
                domain=domain.title,
                answer=_answer_text(statuses[gap.question], gap.answer),
                critical=gap.critical,
                gain=signed(gain),
                priority=f"{shown['priority']:g}",
                opens=opens,
                resources=[_resource(q.library[r]) for r in gap.resources if r in q.library],
                gain_value=shown_score(gain),
            )
        )
    return views


_scorers: dict[int, tuple[Questionnaire, Scorer]] = {}


def _scorer(q: Questionnaire) -> Scorer:
    """One reduced scorer per questionnaire: a report re-scores once per gap."""
    known = _scorers.get(id(q))
    if known is None or known[0] is not q:
        known = _scorers[id(q)] = (q, Scorer(q))
    return known[1]


def gain_if_closed(
    q: Questionnaire, answers: dict[str, Answer], card: Scorecard, question: Question
) -> tuple[float, int]:
    """Overall points gained if this question alone had the top of its scale, by re-scoring exactly.

    Follow-up questions that closing it would make apply are counted as not answered N/A here (left
    out), so the figure is the effect of this one answer; how many there are is returned as well.
    """
    top = max(option.value for option in q.scale_of(question))
    old = answers.get(question.id)
    changed = dict(answers)
    changed[question.id] = Answer(
        kind="value", value=top, note=old.note if old else None, evidence=old.evidence if old else None
    )
    applied_before = applicability(q, answers)
    opened = [
        qid
        for qid, applies in applicability(q, changed).items()
        if applies and not applied_before[qid] and qid not in changed
    ]
    for qid in opened:
        changed[qid] = Answer(kind="na")
    after = _scorer(q).summarize(changed).score  # the same number as score(), a fifth of the work
    if after is None or card.score is None:
        return 0.0, len(opened)
    return after - card.score, len(opened)


def _na_answers(q: Questionnaire, result: Result, card: Scorecard) -> list[NaView]:
    where: dict[str, tuple[Domain, Question]] = {question.id: (d, question) for d, question in q.questions()}
    views = []
    for s in card.questions:
        if s.status != "na":
            continue
        domain, question = where[s.id]
        answer = result.answers[s.id]
        views.append(NaView(s.id, question.text, domain.title, answer.note, answer.evidence))
    return views


def _direction(delta: float | None) -> str:
    if delta is None:
        return "none"
    return "up" if delta > 0 else "down" if delta < 0 else "same"


def _row(label: str, side: dict[str, float | None]) -> DeltaRow:
    return DeltaRow(
        label, number(side["before"]), number(side["after"]), signed(side["delta"]), _direction(side["delta"])
    )


def _comparison(
    before: Result, after: Result, after_q: Questionnaire, after_card: Scorecard, labels: dict[str, str]
) -> ComparisonView:
    before_q = questionnaire_of(before)
    before_card = score(before_q, before.answers)
    comparison = compare(before_q, before_card, after_q, after_card)
    data: Any = comparison_json(comparison)
    titles = {d.id: d.title for d in after_q.domains}
    after_where = {question.id: (d, question) for d, question in after_q.questions()}
    before_where = {question.id: (d, question) for d, question in before_q.questions()}
    before_answers = {s.id: s for s in before_card.questions}
    after_answers = {s.id: s for s in after_card.questions}

    def change(qid: str) -> ChangeView:
        domain, question = after_where[qid]
        then = before_answers.get(comparison.matches.get(qid, ""))
        now = after_answers[qid]
        return ChangeView(
            qid,
            question.text,
            domain.title,
            _answer_text(then.status, then.answer) if then else "Not asked",
            _answer_text(now.status, now.answer),
        )

    def removed(qid: str) -> ChangeView:
        domain, question = before_where[qid]
        then = before_answers[qid]
        return ChangeView(qid, question.text, domain.title, _answer_text(then.status, then.answer), "Not asked")

    domains = [_row(titles[d["id"]], d) for d in data["domains"]]
    lists = {
        name: [change(qid) for qid in data[name]]
        for name in ("improved", "regressed", "closed_gaps", "new_gaps", "not_comparable")
    }
    chart = charts.paired_bars(
        [(row.label, _float(d["before"]), _float(d["after"])) for row, d in zip(domains, data["domains"], strict=True)],
        before_label=before.date.isoformat(),
        after_label=after.date.isoformat(),
    )
    return ComparisonView(
        before_date=before.date.isoformat(),
        before_id=before.id,
        before_version=before.questionnaire.version,
        overall=_row("Overall", data["overall"]),
        domains=domains,
        removed=[removed(qid) for qid in data["removed"]],
        chart=chart,
        **lists,
    )


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _trend(results: list[Result], labels: dict[str, str]) -> TrendView | None:
    """Overall and per-domain scores of three or more assessments, oldest first."""
    if len(results) < 3:
        return None
    ordered = sorted(results, key=lambda r: (r.date, r.created))
    cards: list[tuple[Result, Any, Questionnaire]] = []
    for r in ordered:
        q = questionnaire_of(r)
        shown: Any = scorecard_json(q, score(q, r.answers), r.agency)
        cards.append((r, shown, q))
    dates = [r.date.isoformat() for r, _, _ in cards]
    overall = [c["overall"]["score"] for _, c, _ in cards]
    level_names = {level.id: level.label for _, _, q in cards for level in q.levels} | labels
    recent = cards[-TREND_COLUMNS:]
    latest_q = cards[-1][2]
    rows = []
    for domain in latest_q.domains:
        values = []
        for _, c, _ in recent:
            found = [d["score"] for d in c["domains"] if d["id"] == domain.id]
            values.append(number(found[0]) if found else "—")
        rows.append(TrendRow(domain.title, values))
    return TrendView(
        dates=dates,
        overall=[number(v) for v in overall],
        levels=[level_names.get(str(c["overall"]["level"]), "Not assessed") for _, c, _ in cards],
        domain_dates=[r.date.isoformat() for r, _, _ in recent],
        domains=rows,
        chart=charts.line_chart(list(zip(dates, overall, strict=True))),
    )
