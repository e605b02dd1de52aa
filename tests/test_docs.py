"""docs/authoring.md's example pack must stay valid and score as the page says."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import REPO, run_prepkit


def extract_pack(target: Path) -> list[Path]:
    text = (REPO / "docs" / "authoring.md").read_text()
    blocks = re.findall(r"`my-pack/([\w.-]+)`[^\n]*\n\n```yaml\n(.*?)```", text, flags=re.S)
    assert [name for name, _ in blocks] == ["campus-lockdown.yaml", "resources.yaml", "answers-2026.yaml"]
    paths = []
    for name, body in blocks:
        path = target / name
        path.write_text(body)
        paths.append(path)
    return paths


def test_authoring_example_validates(tmp_path: Path) -> None:
    paths = extract_pack(tmp_path)
    proc = run_prepkit("validate", *map(str, paths))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok,") == 3


def test_authoring_example_scores(tmp_path: Path) -> None:
    paths = extract_pack(tmp_path)
    proc = run_prepkit("score", str(paths[2]), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["complete"] is True
    # lockdown (w2): remote locks w3 2/3, drills 1, classroom locks 0 -> (2 + 1 + 0) / 5 = 60.0
    # alerts: 1, 2/3, unknown 0, 1/3, 2/3 -> (1 + 2/3 + 0 + 1/3 + 2/3) / 5 = 53.3
    assert [d["score"] for d in data["domains"]] == [60.0, 53.3]
    assert data["overall"]["score"] == round((2 * 60 + 160 / 3) / 3, 1)
    assert data["gaps"][0]["question"] == "lockdown-remote-locks"


def test_listed_through_prepkit_questionnaires(tmp_path: Path) -> None:
    extract_pack(tmp_path)
    proc = run_prepkit("list", "--json", env={"PREPKIT_QUESTIONNAIRES": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert {
        "id": "campus-lockdown",
        "version": "2026.1",
        "title": "Campus Lockdown Readiness",
        "questions": 8,
        "path": str(tmp_path / "campus-lockdown.yaml"),
    } in json.loads(proc.stdout)
