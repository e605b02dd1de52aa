"""Making saved results for tests: from an answers file, as `prepkit assess Q --answers FILE` does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import FIXTURES, PACK
from prepkit.content.answers import load_answers
from prepkit.results.model import Result, new_result
from prepkit.results.store import Store
from prepkit.scoring import score

HISTORY = FIXTURES / "history"
V1_ANSWERS = PACK / "answers.yaml"
V2_ANSWERS = HISTORY / "answers-v2.yaml"
V2_QUESTIONNAIRE = HISTORY / "v2" / "mini.yaml"


def make_result(
    answers: Path = V1_ANSWERS, *, agency: str | None = None, date: dt.date | None = None, drop: tuple[str, ...] = ()
) -> Result:
    sheet = load_answers(answers)
    kept = {k: v for k, v in sheet.answers.items() if k not in drop}
    card = score(sheet.questionnaire, kept)
    return new_result(
        sheet.questionnaire,
        agency or sheet.agency,
        sheet.respondent,
        kept,
        complete=card.complete,
        date=date or sheet.date,
    )


def save_result(store: Store, answers: Path = V1_ANSWERS, **kwargs: object) -> tuple[Result, Path]:
    result = make_result(answers, **kwargs)  # type: ignore[arg-type]
    return store.save_new(result)  # ids are agency and date: a second one the same day gets '-2'
