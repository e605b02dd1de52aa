"""Making stores with results for the improvement-plan tests: answers files for the mini questionnaire."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from conftest import PACK
from prepkit.cli import app

MINI = PACK / "mini.yaml"
V2 = Path(__file__).parent / "fixtures" / "history" / "v2" / "mini.yaml"

# The first assessment: three gaps (policy 1 of 3, review No, maps Planned); drills do not apply yet.
FIRST = {"has-schools": "yes", "planning-policy": 1, "planning-review": '"No"', "schools-maps": 1}
# A year later: policy and review fully in place, maps only partially; drills now apply and are a gap.
SECOND = {
    "has-schools": "yes",
    "planning-policy": 3,
    "planning-review": '"Yes"',
    "schools-maps": 2,
    "schools-drills": 0,
}


def answers_file(
    folder: Path,
    answers: dict[str, object],
    *,
    date: str,
    agency: str = "Test Town Police Department",
    questionnaire: Path = MINI,
    name: str | None = None,
) -> Path:
    lines = [f"questionnaire: {questionnaire}", f"agency: {agency}", "respondent: Lt. Example", f"date: {date}"]
    lines.append("answers:")
    lines += [f"  {key}: {value}" for key, value in answers.items()]
    path = folder / (name or f"answers-{date}-{len(list(folder.glob('answers-*')))}.yaml")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assess_file(runner: CliRunner, store: Path, answers: Path, questionnaire: Path = MINI, *extra: str) -> None:
    result = runner.invoke(
        app,
        ["assess", str(questionnaire), "--answers", str(answers), "--store", str(store), "--no-report", *extra],
    )
    assert result.exit_code == 0, result.output
