"""`prepkit import`: results from another machine, checked, never overwriting a different result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_prepkit
from prepkit.errors import ContentError
from prepkit.results.model import result_json
from prepkit.results.store import Store
from resultkit import HISTORY, make_result, save_result


def _exported(tmp_path: Path, name: str = "exported.json", **kwargs: object) -> tuple[Path, str]:
    """A result exported on 'another machine' (its own store) with `export --what result`."""
    other = tmp_path / "other-machine"
    result, _ = save_result(Store(other), **kwargs)  # type: ignore[arg-type]
    target = tmp_path / name
    proc = run_prepkit(
        "export", result.id, "--format", "json", "--what", "result", "-o", str(target), "--store", str(other)
    )
    assert proc.returncode == 0, proc.stderr
    return target, result.id


def test_import_brings_an_exported_result_with_its_snapshot(hermetic: Path, tmp_path: Path) -> None:
    exported, rid = _exported(tmp_path)
    proc = run_prepkit("import", str(exported))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(f"Imported {rid}") and proc.stdout == ""
    history = json.loads(run_prepkit("history", "--json").stdout)
    assert [(h["id"], h["overall"]) for h in history] == [(rid, {"score": 68.5, "level": "developing"})]
    again = run_prepkit("import", str(exported))
    assert again.returncode == 0 and again.stderr.startswith("Already in the store:")
    as_json = run_prepkit("import", str(exported), "--json")
    assert json.loads(as_json.stdout) == [
        {
            "file": str(exported),
            "id": rid,
            "path": str(hermetic / "results" / f"{rid}.json"),
            "added": False,
            "agency": history[0]["agency"],
            "questionnaire": history[0]["questionnaire"],
            "version": history[0]["version"],
            "date": history[0]["date"],
        }
    ]


def test_import_never_overwrites_a_different_result_with_the_same_id(hermetic: Path, tmp_path: Path) -> None:
    exported, rid = _exported(tmp_path)
    mine = make_result(agency="My Own Agency").model_copy(update={"id": rid})
    path = Store(hermetic).save(mine)
    before = path.read_bytes()
    proc = run_prepkit("import", str(exported))
    assert proc.returncode == 1
    assert "already holds a different result" in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("damage", ["answer", "unknown-question", "snapshot-hash", "no-snapshot", "truncate"])
def test_import_refuses_a_damaged_or_edited_file(hermetic: Path, tmp_path: Path, damage: str) -> None:
    exported, _ = _exported(tmp_path)
    data = json.loads(exported.read_text())
    if damage == "answer":
        data["answers"]["planning-policy"]["value"] = 7
    elif damage == "unknown-question":
        data["answers"]["made-up"] = {"kind": "unknown"}
    elif damage == "snapshot-hash":
        data["snapshot"]["questionnaire"]["domains"][0]["questions"][0]["weight"] = 50
    elif damage == "no-snapshot":
        data["snapshot"] = None
    text = json.dumps(data)
    exported.write_text(text[: len(text) // 2] if damage == "truncate" else text)
    proc = run_prepkit("import", str(exported))
    assert proc.returncode == 1, proc.stdout
    assert proc.stderr.startswith(f"{exported}:") and "Traceback" not in proc.stderr
    assert Store(hermetic).paths() == []


def test_a_forged_snapshot_does_not_poison_the_store_for_others(hermetic: Path, tmp_path: Path) -> None:
    store = Store(hermetic)
    result = make_result()
    forged = json.loads(result_json(result))
    forged["snapshot"]["questionnaire"]["title"] = "Forged"
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    with pytest.raises(ContentError, match="does not match"):
        store.import_file(path)
    assert not store.snapshots_dir.exists() or list(store.snapshots_dir.iterdir()) == []


def test_import_of_a_format_0_file_saves_it_in_the_current_format(hermetic: Path, tmp_path: Path) -> None:
    result = make_result()
    old = json.loads((HISTORY / "format0-result.json").read_text().replace("@MINI_HASH@", result.questionnaire.hash))
    old["snapshot"] = json.loads(result_json(result))["snapshot"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    imported, stored, added = Store(hermetic).import_file(path)
    assert added and imported.status == "complete"
    assert json.loads(stored.read_text())["format"] == 1
