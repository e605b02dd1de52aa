"""Terminal rendering of scores (rich); user text is always escaped."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from .. import console
from ..models import Questionnaire
from ..scoring import Scorecard


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def level_label(q: Questionnaire, level_id: str | None) -> str:
    for level in q.levels:
        if level.id == level_id:
            return level.label
    return "not assessed"


def print_scorecard(q: Questionnaire, card: Scorecard, agency: str, gaps: int = 10) -> None:
    out = console.out()
    out.print(f"[bold]{escape(q.title)}[/] {escape(q.version)} — {escape(agency)}")
    state = "complete" if card.complete else f"incomplete: {len(card.missing)} unanswered"
    out.print(f"Overall: [bold]{fmt(card.score)}[/] ({level_label(q, card.level)}), {state}")
    table = Table("domain", "score", "level", "counted", "N/A", "n/a (condition)", title="Domains")
    for d in card.domains:
        table.add_row(escape(d.title), fmt(d.score), level_label(q, d.level), str(d.counted), str(d.na),
                      str(d.not_applicable))
    out.print(table)
    if card.gaps:
        texts = {question.id: question.text for _, question in q.questions()}
        gap_table = Table("#", "priority", "question", "answer", "critical",
                          title=f"Top gaps ({min(gaps, len(card.gaps))} of {len(card.gaps)})")
        for i, gap in enumerate(card.gaps[:gaps], 1):
            gap_table.add_row(str(i), f"{gap.priority:.2f}", escape(texts[gap.question]),
                              escape(gap.answer or "unanswered"), "yes" if gap.critical else "")
        out.print(gap_table)
