"""Saving an answers file as a result, and rerunning an assessment from an earlier result.

A rerun starts from the last answers (with notes and evidence), mapped onto the new questionnaire
version through `compare.match_questions`. Every answer of the new result records how it came to be
(`Result.provenance`), so a copied answer never passes for a checked one:
- answered: no earlier answer was offered; the user gave this one;
- reverified: the earlier answer was shown and confirmed as still true;
- changed: the earlier answer was shown and the user changed it;
- carried: copied from the earlier result without being shown or confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from prepkit.content.answers import load_answers
from prepkit.content.applicability import applicability
from prepkit.content.models import Answer, AnswersFile, Question, Questionnaire
from prepkit.content.questionnaire import find_questionnaire, load_questionnaire
from prepkit.content.validation import validate_document
from prepkit.content.yamlio import load_yaml
from prepkit.history.compare import match_questions
from prepkit.results.gate import questionnaire_of
from prepkit.results.model import Provenance, Result, new_result
from prepkit.results.store import Store
from prepkit.scoring import score


def prefill_from(previous: Result, new_q: Questionnaire) -> dict[str, Answer]:
    """previous's answers keyed by new_q's question ids, for those that still mean the same there.

    Scored questions are matched by id or `replaces`; profile questions by id. A value is carried by
    its option label, so a reworded scale never turns "Planned" into something else; an answer whose
    label, choice or N/A is no longer allowed, or whose question no longer applies, is left out (asked).
    """
    old_q = questionnaire_of(previous)
    prefill: dict[str, Answer] = {}
    for profile in new_q.profile:
        answer = previous.answers.get(profile.id)
        if answer is not None and answer.kind == "choice" and answer.choice in {c.id for c in profile.choices}:
            prefill[profile.id] = answer
    old_questions = {question.id: question for _, question in old_q.questions()}
    for new_id, old_id in match_questions(old_q, new_q).items():
        answer = previous.answers.get(old_id)
        if answer is None:
            continue
        new_question = next(question for _, question in new_q.questions() if question.id == new_id)
        carried = _carry(answer, old_q, old_questions[old_id], new_q, new_question)
        if carried is not None:
            prefill[new_id] = carried
    applies = applicability(new_q, prefill)
    return {qid: answer for qid, answer in prefill.items() if applies[qid]}


def _carry(answer: Answer, old_q: Questionnaire, old: Question, new_q: Questionnaire, new: Question) -> Answer | None:
    if answer.kind == "unknown":
        return answer
    if answer.kind == "na":
        return answer if new.na else None
    if answer.kind != "value":
        return None
    label = next((o.label for o in old_q.scale_of(old) if o.value == answer.value), None)
    if label is None:
        return None
    for option in new_q.scale_of(new):
        if option.label.strip().casefold() == label.strip().casefold():
            return answer.model_copy(update={"value": option.value})
    return None


def same_answer(a: Answer, b: Answer) -> bool:
    """The same answer, notes and evidence aside."""
    return (a.kind, a.value, a.choice) == (b.kind, b.value, b.choice)


def provenance_of(prefilled: Answer | None, final: Answer) -> Provenance:
    """How an answer the user saw (or gave) came to be: answered, reverified or changed."""
    if prefilled is None:
        return "answered"
    return "reverified" if same_answer(prefilled, final) else "changed"


def merge_rerun(
    q: Questionnaire, prefill: Mapping[str, Answer], given: Mapping[str, Answer]
) -> tuple[dict[str, Answer], dict[str, Provenance]]:
    """A non-interactive rerun: the given answers win (reverified or changed), the rest are carried.

    A given answer equal to the earlier one but without note or evidence keeps the earlier note and
    evidence. Carried answers whose question no longer applies after the given answers are dropped.
    """
    answers: dict[str, Answer] = {}
    provenance: dict[str, Provenance] = {}
    for qid, answer in prefill.items():
        if qid not in given:
            answers[qid], provenance[qid] = answer, "carried"
    for qid, answer in given.items():
        before = prefill.get(qid)
        if before is not None and same_answer(before, answer) and answer.note is None and answer.evidence is None:
            answer = answer.model_copy(update={"note": before.note, "evidence": before.evidence})
        answers[qid], provenance[qid] = answer, provenance_of(before, answer)
    applies = applicability(q, answers)
    kept = {qid: a for qid, a in answers.items() if applies[qid]}
    return kept, {qid: provenance[qid] for qid in kept}


def session_provenance(
    prefill: Mapping[str, Answer],
    answers: Mapping[str, Answer],
    seen: set[str],
    earlier: Mapping[str, Provenance] | None = None,
) -> dict[str, Provenance]:
    """Provenance after an interactive rerun: what the user saw is reverified or changed, a pre-filled
    answer never shown stays carried, and what an earlier session decided is kept."""
    result: dict[str, Provenance] = {}
    for qid, answer in answers.items():
        before = prefill.get(qid)
        if qid in seen and (before is not None or not earlier or qid not in earlier):
            result[qid] = provenance_of(before, answer)
        elif earlier and qid in earlier:
            result[qid] = earlier[qid]
        elif before is not None and same_answer(before, answer):
            result[qid] = "carried"
        else:
            result[qid] = "answered"
    return result


def confirmable(result: Result) -> dict[str, Answer]:
    """The answers of an in-progress rerun still to be checked: carried (unseen) or reverified."""
    return {
        qid: answer for qid, answer in result.answers.items() if result.provenance.get(qid) in ("carried", "reverified")
    }


def resolve_previous(store: Store, ref: str | Result, questionnaire_id: str, agency: str | None) -> Result:
    """The result a rerun starts from: given, named by path or id, or `previous`/`latest` (the latest
    complete result of this agency and questionnaire)."""
    from prepkit.history.timeline import find_result, is_relative

    if isinstance(ref, Result):
        return ref
    # `previous` here means the result to start from: the latest complete one
    return find_result(store, "latest" if is_relative(ref) else ref, agency, questionnaire_id)


def _named_questionnaire(answers_path: Path, questionnaire: Questionnaire | str | None) -> Questionnaire:
    if isinstance(questionnaire, Questionnaire):
        return questionnaire
    if isinstance(questionnaire, str):
        return load_questionnaire(find_questionnaire(questionnaire))
    # let load_answers report a missing or unknown questionnaire with the file's line
    header = validate_document(load_yaml(answers_path), AnswersFile)
    if header.questionnaire is None:
        return load_answers(answers_path).questionnaire
    return load_questionnaire(find_questionnaire(header.questionnaire, relative_to=answers_path.parent))


def save_answers_as_result(
    answers_path: Path,
    store: Store,
    questionnaire: Questionnaire | str | None = None,
    previous: Result | str | None = None,
) -> Result:
    """Score an answers file and save it as a new result (`prepkit assess Q --answers FILE`).

    With previous (a Result, a path or id, or `previous`): a rerun; the file's answers are
    reverified or changed, the earlier answers it does not mention are carried (see module doc).
    """
    answers_path = Path(answers_path)
    prefill: dict[str, Answer] = {}
    earlier: Result | None = None
    if previous is not None:
        q = _named_questionnaire(answers_path, questionnaire)
        header = validate_document(load_yaml(answers_path), AnswersFile)
        earlier = resolve_previous(store, previous, q.id, header.agency)
        prefill = prefill_from(earlier, q)
        questionnaire = q
    sheet = load_answers(answers_path, questionnaire, base=prefill)
    q = sheet.questionnaire
    answers, provenance = merge_rerun(q, prefill, sheet.answers) if earlier else (sheet.answers, {})
    card = score(q, answers)
    result = new_result(q, sheet.agency, sheet.respondent, answers, complete=card.complete, date=sheet.date)
    result = result.model_copy(update={"provenance": provenance, "previous": earlier.id if earlier else None})
    saved, _ = store.save_new(result)
    return saved
