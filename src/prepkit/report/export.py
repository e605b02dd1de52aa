"""Exporting a result: answers, the action plan (gaps) and scores as CSV for a spreadsheet or as JSON,
and the whole result as JSON with its questionnaire snapshot, for `prepkit import` on another machine."""

from __future__ import annotations

import csv
import io
import json
from typing import Literal

from prepkit.content.models import Answer, Questionnaire
from prepkit.results.gate import questionnaire_of
from prepkit.results.model import Result, result_json
from prepkit.scoring import Scorecard, score, scorecard_json

Format = Literal["csv", "json"]
What = Literal["answers", "gaps", "scores", "result"]
WHATS: tuple[What, ...] = ("answers", "gaps", "scores", "result")

# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection"); notes are free text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, object]

COLUMNS: dict[str, list[str]] = {
    "answers": ["domain", "question", "text", "status", "answer", "value", "credit", "note", "evidence", "provenance"],
    "gaps": [
        "rank",
        "priority",
        "domain",
        "question",
        "text",
        "critical",
        "answer",
        "credit",
        "resources",
        "action",
        "owner",
        "due",
    ],
    "scores": ["scope", "id", "title", "score", "level", "counted", "na", "not_applicable"],
}


def answer_rows(result: Result, q: Questionnaire, card: Scorecard) -> list[Row]:
    """Every question in questionnaire order, profile first, with its answer, note, evidence and
    how the answer came to be (answered, reverified, changed, carried)."""
    rows: list[Row] = []
    for profile in q.profile:
        answer = result.answers.get(profile.id)
        label = next((c.display for c in profile.choices if answer and c.id == answer.choice), None)
        rows.append(
            _answer_row(
                "profile", profile.id, profile.text, "answered" if answer else "unanswered", label, None, answer, result
            )
        )
    texts = {question.id: question.text for _, question in q.questions()}
    for item in card.questions:
        answer = result.answers.get(item.id)
        value = answer.value if answer is not None and answer.kind == "value" else None
        rows.append(
            _answer_row(
                item.domain,
                item.id,
                texts[item.id],
                item.status,
                item.answer,
                value,
                answer,
                result,
                credit=item.credit,
            )
        )
    return rows


def _answer_row(
    domain: str,
    qid: str,
    text: str,
    status: str,
    label: str | None,
    value: float | None,
    answer: Answer | None,
    result: Result,
    credit: float | None = None,
) -> Row:
    if answer is None:
        note = evidence = source = None
    else:
        note, evidence, source = answer.note, answer.evidence, result.provenance.get(qid, "answered")
    return {
        "domain": domain,
        "question": qid,
        "text": text,
        "status": status,
        "answer": label,
        "value": value,
        "credit": None if credit is None else round(credit, 3),
        "note": note,
        "evidence": evidence,
        "provenance": source,
    }


def gap_rows(q: Questionnaire, card: Scorecard, agency: str) -> list[Row]:
    """The action plan: gaps by priority, with empty action, owner and due columns to fill in."""
    texts = {question.id: question.text for _, question in q.questions()}
    titles = {d.id: d.title for d in q.domains}
    gaps = scorecard_json(q, card, agency)["gaps"]
    assert isinstance(gaps, list)
    rows: list[Row] = []
    for rank, gap in enumerate(gaps, 1):
        resources = [q.library[r].title if r in q.library else r for r in gap["resources"]]
        rows.append(
            {
                "rank": rank,
                "priority": gap["priority"],
                "domain": titles[gap["domain"]],
                "question": gap["question"],
                "text": texts[gap["question"]],
                "critical": gap["critical"],
                "answer": gap["answer"] or "unanswered",
                "credit": gap["credit"],
                "resources": "; ".join(resources),
                "action": "",
                "owner": "",
                "due": "",
            }
        )
    return rows


def score_rows(q: Questionnaire, card: Scorecard) -> list[Row]:
    labels = {level.id: level.label for level in q.levels}
    rows: list[Row] = [
        {
            "scope": "overall",
            "id": q.id,
            "title": q.title,
            "score": _score(card.score),
            "level": labels.get(card.level or ""),
            "counted": sum(d.counted for d in card.domains),
            "na": sum(d.na for d in card.domains),
            "not_applicable": sum(d.not_applicable for d in card.domains),
        }
    ]
    for d in card.domains:
        rows.append(
            {
                "scope": "domain",
                "id": d.id,
                "title": d.title,
                "score": _score(d.score),
                "level": labels.get(d.level or ""),
                "counted": d.counted,
                "na": d.na,
                "not_applicable": d.not_applicable,
            }
        )
    return rows


def _score(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def export_result(result: Result, fmt: Format, what: What) -> bytes:
    """The bytes of one export; `result` needs its snapshot attached."""
    if what == "result":
        if fmt != "json":
            raise ValueError("the whole result exports as JSON only")
        return result_json(result)
    q = questionnaire_of(result)
    card = score(q, result.answers)
    if what == "scores" and fmt == "json":
        return _json(scorecard_json(q, card, result.agency))
    rows = {
        "answers": lambda: answer_rows(result, q, card),
        "gaps": lambda: gap_rows(q, card, result.agency),
        "scores": lambda: score_rows(q, card),
    }[what]()
    if fmt == "json":
        return _json(rows)
    return to_csv(rows, COLUMNS[what]).encode()


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def to_csv(rows: list[Row], columns: list[str]) -> str:
    """CSV text (RFC 4180, CRLF) that spreadsheets open as plain data, never as formulas."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
