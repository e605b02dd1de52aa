"""The contract's own example questionnaire validates and scores as the contract says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, run_prepkit

SPEC = REPO.parent / "shared" / "spec" / "questionnaire-format.md"


@pytest.mark.skipif(not SPEC.is_file(), reason="the shared spec is not beside the project")
def test_spec_example_questionnaire_validates_and_scores(tmp_path: Path) -> None:
    example = re.search(r"```yaml\n(format: 1[^\n]*\nid: active-assailant.*?)```", SPEC.read_text(), flags=re.S)
    assert example is not None
    (tmp_path / "spec-example.yaml").write_text(example.group(1))
    proc = run_prepkit("validate", str(tmp_path / "spec-example.yaml"))
    assert proc.returncode == 0, proc.stderr
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "questionnaire: spec-example.yaml\nagency: Example County Sheriff's Office\n"
        "answers:\n  has-k12-schools: yes\n  planning-written-policy: Partially in place\n"
    )
    proc = run_prepkit("score", str(answers), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["overall"] == {"score": 66.7, "level": "developing"}
    assert data["gaps"] == [
        {
            "question": "planning-written-policy",
            "domain": "planning",
            "credit": 0.667,
            "priority": 1.333,
            "critical": True,
            "answer": "Partially in place",
            "resources": ["elements-active-shooter-course"],
        }
    ]
    no_schools = tmp_path / "no-schools.yaml"
    no_schools.write_text("questionnaire: spec-example.yaml\nagency: X\nanswers:\n  has-k12-schools: no\n")
    data = json.loads(run_prepkit("score", str(no_schools), "--json").stdout)
    assert data["domains"][0] == {
        "id": "planning",
        "score": None,
        "level": None,
        "counted": 0,
        "na": 0,
        "not_applicable": 1,
    }
    assert data["complete"] is True
