"""The roll-up's view of the agencies' improvement plans: critical gaps with an owner and a due date,
and the items verified closed since the previous cycle."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from plankit import FIRST, SECOND, answers_file, assess_file
from prepkit.cli import app


def test_rollup_counts_planned_critical_gaps_and_verified_items(
    runner: CliRunner, hermetic: Path, tmp_path: Path
) -> None:
    store = str(hermetic)
    # Agency A: a plan; its critical gap (the policy) has an owner and a due date; next year two items close.
    assess_file(runner, hermetic, answers_file(tmp_path, FIRST, date="2026-11-25"))
    for args in (["planning-policy", "--owner", "Lt. Ames", "--due", "2027-03-01"], ["2", "--status", "done"]):
        assert runner.invoke(app, ["plan", "set", *args, "--store", store]).exit_code == 0
    assess_file(runner, hermetic, answers_file(tmp_path, {**SECOND, "planning-policy": 2}, date="2027-11-20"))
    # Agency B: no plan; its critical policy gap counts, without an owner.
    assess_file(runner, hermetic, answers_file(tmp_path, FIRST, date="2026-11-25", agency="Other PD"))
    result = runner.invoke(app, ["rollup", "--json", "--store", store])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["plan"] == {
        "agencies_with_plan": 1,
        "critical_gaps": 2,
        "critical_gaps_planned": 1,
        "share_planned": 0.5,
        "verified_since_previous": 1,  # planning-review; the policy is still a gap (2 of 3)
    }
    text = runner.invoke(app, ["rollup", "--store", store])
    assert (
        "Improvement plans: 1 of 2 agencies; 50% of critical gaps (1 of 2) have an owner and a due date; "
        "1 items verified closed since the previous cycle" in " ".join(text.stdout.split())
    )
