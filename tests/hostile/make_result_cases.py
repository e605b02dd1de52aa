"""Regenerate the result-file cases (cases/res-*.json) of the hostile corpus.

Result files carry a content hash of their questionnaire snapshot, so hand-editing them is error-prone;
this script builds a valid result from the fixture pack and writes one damaged variant per case.
Run it from the repository root after a change to the result format: `python tests/hostile/make_result_cases.py`.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prepkit.content.answers import load_answers
from prepkit.content.models import Answer, Questionnaire, content_hash
from prepkit.content.questionnaire import load_questionnaire
from prepkit.results.model import Result, Snapshot, result_json, snapshot_of

HERE = Path(__file__).parent
CASES = HERE / "cases"
PACK = HERE.parent / "fixtures" / "pack"
WHEN = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)

Data = dict[str, Any]


def result_data(q: Questionnaire, answers: dict[str, Answer], agency: str, respondent: str | None) -> Data:
    result = Result(
        id=f"20261125-093000-hostile-{q.id}",
        status="complete",
        agency=agency,
        respondent=respondent,
        date=WHEN.date(),
        created=WHEN,
        updated=WHEN,
        questionnaire={"id": q.id, "version": q.version, "hash": q.content_hash},
        answers=answers,
        snapshot=snapshot_of(q),
    )
    data: Data = json.loads(result_json(result))
    return data


def rehash(data: Data) -> Data:
    """Make the recorded hash match an edited snapshot, as a deliberate forger would."""
    snapshot = Snapshot.model_validate(data["snapshot"])
    data["questionnaire"]["hash"] = content_hash(snapshot.questionnaire, snapshot.resources)
    return data


def edited(base: Data, change: Callable[[Data], None], *, forge_hash: bool = True) -> Data:
    data = copy.deepcopy(base)
    change(data)
    return rehash(data) if forge_hash else data


def main() -> None:
    sheet = load_answers(PACK / "answers.yaml")
    base = result_data(sheet.questionnaire, sheet.answers, sheet.agency, sheet.respondent)
    html_q = load_questionnaire(CASES / "q-html-and-urls-ok.yaml")
    html_answers = {
        "planning-policy": Answer(
            kind="value",
            value=3,
            note="<script>alert('note')</script>",
            evidence="file:///etc/passwd <img src=http://evil.example/x>",
        )
    }
    texts: dict[str, str] = {}
    documents: dict[str, Data] = {
        "res-valid-ok": base,
        "res-html-text-ok": result_data(
            html_q, html_answers, "<b>Agency</b> & <script>x()</script>", "\u202eredro\u202c <i>officer</i>"
        ),
        "res-wrong-types": edited(base, lambda d: d.update(agency=5, date="yesterday", status="done")),
        "res-extra-key": edited(base, lambda d: d.update(admin=True)),
        "res-id-traversal": edited(base, lambda d: d.update(id="../../../etc/cron.d/evil")),
        "res-control-in-agency": edited(base, lambda d: d.update(agency="Town\u001b[2J\u001b[1;1H")),
        "res-unknown-answer-kind": edited(base, lambda d: d["answers"].update({"planning-policy": {"kind": "exec"}})),
        "res-answer-off-scale": edited(
            base, lambda d: d["answers"].update({"planning-policy": {"kind": "value", "value": 99}})
        ),
        "res-answer-unknown-question": edited(
            base, lambda d: d["answers"].update({"ghost-question": {"kind": "value", "value": 2}})
        ),
        "res-profile-answer-not-a-choice": edited(
            base, lambda d: d["answers"].update({"has-schools": {"kind": "choice", "choice": "banana"}})
        ),
        "res-snapshot-hash-mismatch": edited(
            base,
            lambda d: d["snapshot"]["questionnaire"]["domains"][0]["questions"][0].update(weight=1000),
            forge_hash=False,
        ),
        "res-snapshot-one-option-scale": edited(
            base,
            lambda d: d["snapshot"]["questionnaire"]["scales"].update(
                {"yes-no": [{"value": 1, "label": "Yes", "description": None}]}
            ),
        ),
        "res-snapshot-when-cycle": edited(
            base,
            lambda d: d["snapshot"]["questionnaire"]["domains"][1]["questions"][0].update(
                when={"schools-drills": ["yes"]}
            ),
        ),
        "res-snapshot-missing": edited(base, lambda d: d.update(snapshot=None), forge_hash=False),
        "res-format-99": edited(base, lambda d: d.update(format=99), forge_hash=False),
        # spec 5, revision 2: N/A only where allowed, answers only where the condition holds, and the
        # hash covers the resources, so a planted link is caught
        "res-na-not-allowed": edited(base, lambda d: d["answers"].update({"planning-policy": {"kind": "na"}})),
        "res-answer-does-not-apply": edited(
            base, lambda d: d["answers"].update({"has-schools": {"kind": "choice", "choice": "no"}})
        ),
        "res-resource-link-planted": edited(
            base,
            lambda d: d["snapshot"]["resources"]["mini-guide"].update(url="https://evil.example/phish"),
            forge_hash=False,
        ),
    }
    valid = json.dumps(base, indent=1)
    texts["res-nan-answer"] = valid.replace('"value": 2', '"value": NaN', 1)
    texts["res-infinite-number"] = valid.replace('"value": 2', '"value": 1e999', 1)
    texts["res-huge-int"] = valid.replace('"value": 2', '"value": ' + "9" * 5000, 1)
    texts["res-truncated"] = valid[: valid.rfind("\n", 0, len(valid) // 2)]  # cut at a line end, as a full disk would
    texts["res-empty"] = ""
    texts["res-array"] = "[1, 2, 3]\n"
    texts["res-deep-nesting"] = "[" * 5_000 + "]" * 5_000
    texts["res-yaml-not-json"] = "format: 1\nid: a-yaml-file\n"
    for name, data in documents.items():
        texts[name] = json.dumps(data, indent=1, ensure_ascii=False)
    for name, text in texts.items():
        (CASES / f"{name}.json").write_text(text + ("\n" if text else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
