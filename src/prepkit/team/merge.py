"""Team assessments: several respondents of one agency merged into one consensus result.

The rule (docs/team-and-rollup.md) per question, over the respondents who answered it:
- scored question: the median of the scale values given, the lower middle value when the count is even
  (so the consensus is always a value on the scale and never rounds up); `unknown` answers are left out
  of the median; the consensus is `unknown` when nobody gave a value (all unknown, or unknown and N/A
  mixed) and N/A only when every respondent says N/A;
- profile question: the most common choice, ties toward the first in the question's choice order.
A disagreement is flagged where answered values span half the scale's range or more, where N/A meets an
answer, or where profile choices differ. Every respondent's own answers are kept in `Result.team`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prepkit.content.applicability import applicability
from prepkit.content.models import Answer, ProfileQuestion, Question, Questionnaire
from prepkit.content.sources import Assessment
from prepkit.errors import UsageError
from prepkit.results.model import Disagreement, RespondentAnswers, Result, Team, agency_key, new_result
from prepkit.scoring import answer_label
from prepkit.scoring import score as compute_score

RULE = (
    "median-low: median of answered scale values (lower middle on ties), unknown left out unless no value, "
    "N/A only when all say N/A; profile: most common choice, ties toward choice order; disagreement: "
    "values span >= half the scale range, N/A against an answer, or different profile choices"
)


@dataclass(frozen=True)
class TeamMember:
    """One respondent's assessment and what to call it in messages (its path or result id)."""

    source: str
    assessment: Assessment


def respondent_names(members: Sequence[TeamMember]) -> list[str]:
    """Each respondent's name, made unique ("Sgt. Lee (2)") so their answers stay apart."""
    names: list[str] = []
    seen: Counter[str] = Counter()
    for i, member in enumerate(members, 1):
        base = (member.assessment.respondent or "").strip() or f"respondent {i}"
        seen[base] += 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return names


def check_team(members: Sequence[TeamMember], agency: str | None) -> tuple[Questionnaire, str]:
    """The questionnaire all respondents answered and the team's agency, or a UsageError saying why not."""
    if len(members) < 2:
        raise UsageError("merge needs at least two respondents' results")
    first = members[0].assessment.questionnaire
    for member in members[1:]:
        q = member.assessment.questionnaire
        if q.id != first.id:
            raise UsageError(
                f"{member.source} answers questionnaire '{q.id}', {members[0].source} answers "
                f"'{first.id}'; merge only results of the same questionnaire"
            )
        if q.content_hash != first.content_hash:
            raise UsageError(
                f"{member.source} answers '{q.id}' version {q.version}, {members[0].source} "
                f"version {first.version} (or a changed copy of it); merge only results of the "
                "same questionnaire version, e.g. rerun the older ones first"
            )
    ids = [m.assessment.result.id for m in members if m.assessment.result is not None]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise UsageError(f"result {repeated[0]} is given more than once")
    files = [Path(m.source).resolve() for m in members if Path(m.source).is_file()]
    twice = sorted({str(f) for f in files if files.count(f) > 1})
    if twice:  # one respondent counted twice would pull the consensus toward their answers
        raise UsageError(f"{twice[0]} is given more than once")
    if agency is None:
        agencies = {agency_key(m.assessment.agency): m.assessment.agency for m in members}
        if len(agencies) > 1:
            raise UsageError(
                f"the results name different agencies ({', '.join(sorted(agencies.values()))}); "
                "pass --agency to name the team's agency"
            )
        agency = members[0].assessment.agency
    return first, agency


def merge_team(members: Sequence[TeamMember], agency: str | None = None) -> Result:
    """A new consensus result (not yet saved) that keeps every respondent's answers."""
    q, agency = check_team(members, agency)
    names = respondent_names(members)
    answer_sets = [m.assessment.answers for m in members]
    consensus: dict[str, Answer] = {}
    disagreements: list[Disagreement] = []
    for item in q.items():
        given = [
            (name, answers[item.id]) for name, answers in zip(names, answer_sets, strict=True) if item.id in answers
        ]
        if not given:
            continue
        if isinstance(item, ProfileQuestion):
            answer, flag = _profile_consensus(item, [a for _, a in given])
        else:
            answer, flag = _scale_consensus(q, item, [a for _, a in given])
        consensus[item.id] = _with_notes(answer, given)
        if flag is not None:
            disagreements.append(flag)
    # The consensus profile decides what applies; answers to questions that no longer apply are dropped
    # from the consensus (they stay in the respondents' own answers).
    applies = applicability(q, consensus)
    consensus = {qid: answer for qid, answer in consensus.items() if applies[qid]}
    disagreements = [d for d in disagreements if applies[d.question]]
    complete = compute_score(q, consensus).complete
    respondent = f"team of {len(members)}: " + ", ".join(names)
    latest = max(m.assessment.date for m in members)
    result = new_result(q, agency, respondent, consensus, complete=complete, date=latest)
    team = Team(
        rule=RULE,
        disagreements=disagreements,
        respondents=[
            RespondentAnswers(
                respondent=name,
                result=m.assessment.result.id if m.assessment.result else None,
                date=m.assessment.date,
                answers=dict(m.assessment.answers),
            )
            for name, m in zip(names, members, strict=True)
        ],
    )
    return result.model_copy(update={"team": team})


def _profile_consensus(item: ProfileQuestion, given: list[Answer]) -> tuple[Answer, Disagreement | None]:
    counts = Counter(a.choice for a in given)
    order = [c.id for c in item.choices]
    best = max(order, key=lambda choice: (counts[choice], -order.index(choice)))
    flag = Disagreement(question=item.id, reason="profile") if len(counts) > 1 else None
    return Answer(kind="choice", choice=best), flag


def _scale_consensus(q: Questionnaire, item: Question, given: list[Answer]) -> tuple[Answer, Disagreement | None]:
    values = sorted(a.value for a in given if a.kind == "value" and a.value is not None)
    na = sum(a.kind == "na" for a in given)
    if na == len(given):
        return Answer(kind="na"), None
    flag: Disagreement | None = None
    if values:
        options = [o.value for o in q.scale_of(item)]
        spread = values[-1] - values[0]
        if spread >= (max(options) - min(options)) / 2:
            flag = Disagreement(question=item.id, reason="spread", spread=spread)
        answer = Answer(kind="value", value=values[(len(values) - 1) // 2])
    else:
        answer = Answer(kind="unknown")
    if na and flag is None:
        flag = Disagreement(question=item.id, reason="na")
    return answer, flag


def _with_notes(answer: Answer, given: list[tuple[str, Answer]]) -> Answer:
    """The consensus answer carrying each respondent's note and evidence, labelled with their name."""
    notes = "; ".join(f"{name}: {a.note}" for name, a in given if a.note)
    evidence = "; ".join(f"{name}: {a.evidence}" for name, a in given if a.evidence)
    return answer.model_copy(update={"note": notes or None, "evidence": evidence or None})


@dataclass(frozen=True)
class DiscussionItem:
    """A disagreement ready to show: the question, the consensus and what each respondent said."""

    question: str
    text: str
    reason: str
    consensus: str
    answers: dict[str, str]  # respondent -> their answer's label ("—" when they gave none)


def discussion_items(q: Questionnaire, result: Result) -> list[DiscussionItem]:
    """The disagreements of a merged result in questionnaire order, for reports and review screens."""
    if result.team is None:
        return []
    items = {item.id: item for item in q.items()}
    reasons = {"spread": "answers far apart", "na": "N/A against an answer", "profile": "different choices"}
    found: list[DiscussionItem] = []
    for flag in result.team.disagreements:
        item = items.get(flag.question)
        if item is None:
            continue
        answers = {r.respondent: _label(q, item, r.answers.get(item.id)) for r in result.team.respondents}
        found.append(
            DiscussionItem(
                question=item.id,
                text=item.text,
                reason=reasons[flag.reason],
                consensus=_label(q, item, result.answers.get(item.id)),
                answers=answers,
            )
        )
    return found


def _label(q: Questionnaire, item: ProfileQuestion | Question, answer: Answer | None) -> str:
    if answer is None:
        return "—"
    if isinstance(item, ProfileQuestion):
        return next((c.display for c in item.choices if c.id == answer.choice), answer.choice or "—")
    return answer_label(q, item, answer) or "—"
