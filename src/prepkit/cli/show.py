"""Terminal rendering of scores (rich); consoles read no markup, so user text is printed as it is."""

from __future__ import annotations

from rich.table import Table

from prepkit import console
from prepkit.content.models import Questionnaire
from prepkit.scoring import Scorecard
from prepkit.scoring import format_score as fmt

__all__ = ["fmt", "level_label", "print_scorecard"]


def level_label(q: Questionnaire, level_id: str | None) -> str:
    for level in q.levels:
        if level.id == level_id:
            return level.label
    return "not assessed"


def print_scorecard(q: Questionnaire, card: Scorecard, agency: str, gaps: int = 10) -> None:
    out = console.out()
    out.print(console.bold(q.title, f" {q.version} — {agency}"))
    state = "complete" if card.complete else f"incomplete: {len(card.missing)} unanswered"
    out.print(console.bold("Overall: ", f"{fmt(card.score)} ({level_label(q, card.level)}), {state}"))
    table = Table("domain", "score", "level", "counted", "N/A", "n/a (condition)", title="Domains")
    for d in card.domains:
        table.add_row(d.title, fmt(d.score), level_label(q, d.level), str(d.counted), str(d.na), str(d.not_applicable))
    out.print(table)
    if card.gaps:
        texts = {question.id: question.text for _, question in q.questions()}
        gap_table = Table(
            "#",
            "priority",
            "question",
            "answer",
            "critical",
            title=f"Top gaps ({min(gaps, len(card.gaps))} of {len(card.gaps)})",
        )
        for i, gap in enumerate(card.gaps[:gaps], 1):
            gap_table.add_row(
                str(i),
                f"{gap.priority:.2f}",
                texts[gap.question],
                gap.answer or "unanswered",
                "yes" if gap.critical else "",
            )
        out.print(gap_table)
