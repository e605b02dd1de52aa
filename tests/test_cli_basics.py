from __future__ import annotations

import json

from conftest import PACK
from conftest import run_process as run_prepkit


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    proc = run_prepkit("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"prepkit {version('prepkit')}"


def test_score_json_has_the_contract_shape() -> None:
    proc = run_prepkit("score", str(PACK / "answers.yaml"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"questionnaire", "agency", "complete", "overall", "domains", "gaps"}
    assert data["questionnaire"] == {"id": "mini", "version": "1.0"}
    assert data["overall"] == {"score": 68.5, "level": "developing"}
    assert [d["id"] for d in data["domains"]] == ["planning", "schools"]
    assert data["gaps"][0] == {
        "question": "planning-policy",
        "domain": "planning",
        "credit": 0.667,
        "priority": 2.667,
        "critical": True,
        "answer": "Partially in place",
        "resources": ["mini-guide"],
    }
