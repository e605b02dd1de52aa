"""Exporting a result: answers, the action plan (gaps) and scores as CSV or XLSX for a spreadsheet or as
JSON, and the whole result as JSON with its questionnaire snapshot, for `prepkit import` on another machine.

Every JSON export but the whole result is one object that says what it is an export of
(`export_json`: agency, questionnaire, version, date and result id), never a bare list.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Literal

from prepkit.content.models import Answer, Questionnaire
from prepkit.results.gate import questionnaire_of
from prepkit.results.model import Result, result_json
from prepkit.scoring import Scorecard, score, scorecard_json, shown_score
from prepkit.spreadsheet import spreadsheet_cell

Format = Literal["csv", "json", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "json", "xlsx")
What = Literal["answers", "gaps", "scores", "result"]
WHATS: tuple[What, ...] = ("answers", "gaps", "scores", "result")

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
            "score": shown_score(card.score),
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
                "score": shown_score(d.score),
                "level": labels.get(d.level or ""),
                "counted": d.counted,
                "na": d.na,
                "not_applicable": d.not_applicable,
            }
        )
    return rows


def export_result(result: Result, fmt: Format, what: What) -> bytes:
    """The bytes of one export; `result` needs its snapshot attached."""
    if what == "result":
        if fmt != "json":
            raise ValueError("the whole result exports as JSON only")
        return result_json(result)
    q = questionnaire_of(result)
    card = score(q, result.answers)
    if what == "scores" and fmt == "json":
        return _json(export_json(result, what, scorecard_json(q, card, result.agency)))
    rows = {
        "answers": lambda: answer_rows(result, q, card),
        "gaps": lambda: gap_rows(q, card, result.agency),
        "scores": lambda: score_rows(q, card),
    }[what]()
    if fmt == "json":
        return _json(export_json(result, what, rows))
    if fmt == "xlsx":
        return to_xlsx(result, what, rows, COLUMNS[what])
    return to_csv(rows, COLUMNS[what]).encode()


def export_json(result: Result, what: str, data: object) -> dict[str, object]:
    """The one shape of every JSON export (the whole result aside): what it is, whose and which, then
    the data under the name of what was exported ("answers", "gaps" or "scores")."""
    return {
        "export": what,
        "result": result.id,
        "agency": result.agency,
        "questionnaire": {"id": result.questionnaire.id, "version": result.questionnaire.version},
        "date": result.date.isoformat(),
        what: data,
    }


def to_xlsx(result: Result, what: str, rows: list[Row], columns: list[str]) -> bytes:
    """A workbook with the rows on the first sheet (header bold and frozen) and what they are on "about".

    Every text cell is stored as text: a note starting with '=' stays a note, never a formula.
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = what
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, key in enumerate(columns, start=1):
            _xlsx_cell(sheet.cell(row=number, column=column), row.get(key))
    sheet.freeze_panes = "A2"
    for column, key in enumerate(columns, start=1):
        longest = max([len(key), *(len(str(row.get(key) or "")) for row in rows[:200])])
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(60, max(8, longest + 2))
    about = book.create_sheet("about")
    for key, value in export_json(result, what, None).items():
        if key not in (what, "questionnaire"):
            about.append([key, value])
    about.append(["questionnaire", result.questionnaire.id])
    about.append(["version", result.questionnaire.version])
    book.properties.creator = result.agency[:200]
    book.properties.title = f"{result.questionnaire.id} {what}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(cell: Any, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = "yes" if value else "no"
    elif isinstance(value, int | float):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def to_csv(rows: list[Row], columns: list[str]) -> str:
    """CSV text (RFC 4180, CRLF) that spreadsheets open as plain data, never as formulas."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_cell(value) for key, value in row.items()})
    return buffer.getvalue()
