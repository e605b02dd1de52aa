"""The result store: round trips, permissions, snapshots, damaged files, migrations."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest

from conftest import PACK
from prepkit.content.models import Answer
from prepkit.content.questionnaire import load_questionnaire
from prepkit.errors import ContentError, UsageError
from prepkit.results.gate import questionnaire_of, read_result
from prepkit.results.model import RESULT_FORMAT, result_json
from prepkit.results.store import Store
from prepkit.scoring import score
from resultkit import HISTORY, make_result, save_result


@pytest.fixture
def store(hermetic: Path) -> Store:
    return Store(hermetic)


def test_saved_result_loads_back_equal_and_scores_the_same(store: Store) -> None:
    result, path = save_result(store)
    loaded = Store(store.root).load(path)  # as another process would: snapshot read from disk
    assert loaded.model_dump() == result.model_dump()
    q = questionnaire_of(loaded)
    assert score(q, loaded.answers).score == pytest.approx(68.518, abs=1e-3)
    assert loaded.answers["schools-maps"] == Answer(
        kind="value", value=3, note="updated in May", evidence="binder in every car"
    )


def test_store_is_owner_only_and_leaves_no_temp_files(store: Store) -> None:
    _, path = save_result(store)
    for folder in (store.root, store.results_dir, store.snapshots_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for snapshot in store.snapshots_dir.iterdir():
        assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600
    leftovers = [p.name for p in store.root.rglob("*") if p.name.startswith(".")]
    assert leftovers == []


def test_an_existing_store_folder_keeps_its_mode(store: Store) -> None:
    store.root.mkdir(mode=0o755)
    store.root.chmod(0o755)
    save_result(store)
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o755  # not ours to change: it was there
    assert stat.S_IMODE(store.results_dir.stat().st_mode) == 0o700  # created by prepkit


def test_results_share_one_snapshot_and_stay_small(store: Store) -> None:
    for _ in range(3):
        save_result(store)
    assert len(list(store.snapshots_dir.iterdir())) == 1
    for path in store.paths():
        assert json.loads(path.read_text())["snapshot"] is None


def test_result_scores_after_the_questionnaire_file_is_gone(store: Store, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("mini.yaml", "resources.yaml", "answers.yaml"):
        (pack / name).write_text((HISTORY.parent / "pack" / name).read_text())
    result, path = save_result(store, pack / "answers.yaml")
    for name in ("mini.yaml", "resources.yaml"):
        (pack / name).unlink()
    fresh = Store(store.root)  # a new process: nothing cached
    q = questionnaire_of(fresh.load(path))
    assert q.library["mini-guide"].title == "A Mini Guide & Checklist"
    assert score(q, result.answers).level == "developing"


def test_save_new_never_replaces_another_result(store: Store) -> None:
    first, path = save_result(store)
    before = path.read_bytes()
    other = make_result(agency="Other Agency").model_copy(update={"id": first.id})
    saved, new_path = store.save_new(other)
    assert saved.id != first.id and new_path != path
    assert path.read_bytes() == before
    with pytest.raises(FileExistsError):
        store.save(other, replace=False)


def test_damaged_snapshot_is_reported_then_repaired_by_the_next_save(store: Store) -> None:
    result, path = save_result(store)
    (snapshot,) = store.snapshots_dir.iterdir()
    snapshot.write_text('{"questionnaire": ')
    with pytest.raises(ContentError, match=r"snapshot .* missing or damaged"):
        Store(store.root).load(path)
    Store(store.root).save(make_result())
    assert Store(store.root).load(path).snapshot.model_dump() == result.snapshot.model_dump()


def test_a_snapshot_that_does_not_match_its_hash_is_refused(store: Store) -> None:
    result = make_result()
    other_q = load_questionnaire(HISTORY / "v2" / "mini.yaml")
    forged = result.model_copy(update={"snapshot": result.snapshot.model_copy(update={"questionnaire": other_q})})
    with pytest.raises(ContentError, match="does not match its hash"):
        store.save(forged)
    assert store.paths() == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"format": 1, "id": "x", "status": "compl',
        b"\xff\xfe garbage",
        b"[1, 2, 3]",
        b'{"name": "some other tool"}',
        b'{"format": 99, "id": "x"}',
        b'{"format": 1, "id": "x"}',
    ],
)
def test_scan_names_a_damaged_or_foreign_file_and_reads_the_rest(store: Store, content: bytes) -> None:
    result, _ = save_result(store)
    bad = store.results_dir / "zz-bad.json"
    bad.write_bytes(content)
    seen = list(store.scan())
    assert [p for p, item in seen if not isinstance(item, ContentError)] == [store.path_of(result.id)]
    errors = [item for p, item in seen if isinstance(item, ContentError)]
    assert len(errors) == 1 and str(bad) in str(errors[0])
    assert bad.read_bytes() == content


def test_newer_format_names_the_upgrade() -> None:
    with pytest.raises(ContentError, match="newer prepkit"):
        read_result(Path("r.json"), text=json.dumps({"format": RESULT_FORMAT + 1}))


def _format0_file(store: Store, tmp_path: Path) -> Path:
    """The hand-written format-0 fixture, pointing at the mini questionnaire's snapshot in store."""
    current = make_result()
    store.save(current)
    text = (HISTORY / "format0-result.json").read_text().replace("@MINI_HASH@", current.questionnaire.hash)
    path = store.results_dir / "20251120-091500-test-town-police-department-mini-0a0b0c.json"
    path.write_text(text)
    return path


def test_format_0_result_is_migrated_on_load_without_rewriting_the_file(store: Store, tmp_path: Path) -> None:
    path = _format0_file(store, tmp_path)
    before = path.read_bytes()
    result = store.load(path)
    assert result.format == RESULT_FORMAT
    assert result.status == "complete"
    assert result.created.isoformat() == "2025-11-20T09:15:00+00:00" == result.updated.isoformat()
    assert result.answers["has-schools"] == Answer(kind="choice", choice="yes")
    assert result.answers["planning-policy"] == Answer(kind="value", value=1, note="draft with legal")
    assert result.answers["schools-drills"] == Answer(kind="unknown")
    card = score(questionnaire_of(result), result.answers)
    assert card.complete
    assert [d.score for d in card.domains] == pytest.approx([200 / 9, 50.0])
    assert path.read_bytes() == before
    # saving it again writes the current format
    store.save(result)
    assert json.loads(path.read_text())["format"] == RESULT_FORMAT


def test_a_bad_answer_in_a_format_0_file_is_reported_not_crashed(tmp_path: Path) -> None:
    data = json.loads((HISTORY / "format0-result.json").read_text())
    data["answers"]["planning-policy"] = {"value": [1, 2]}
    with pytest.raises(ContentError):
        read_result(tmp_path / "r.json", text=json.dumps(data))


def test_find_by_id_start_and_ambiguity(store: Store) -> None:
    first, path = save_result(store, agency="Alpha Police")
    save_result(store, agency="Alphaville Police")
    _, beta_path = save_result(store, agency="Beta Sheriff")
    assert first.id == "alpha-police-2026-11-25"
    assert store.find(first.id) == path
    assert store.find("alpha-p") == path
    with pytest.raises(UsageError, match="is the start of 2 results: alphaville-police-2026-11-25"):
        store.find("alpha")
    assert store.find("BETA sher") == beta_path  # an agency's name, any case
    assert store.find("alpha", choose=lambda matches: 0) in (path, store.path_of("alphaville-police-2026-11-25"))
    with pytest.raises(UsageError, match="names the agency of 2 results"):
        store.find("Alpha")  # a capital is no id: the name matches both agencies
    with pytest.raises(UsageError, match="no result"):
        store.find("nothing-like-this")
    with pytest.raises(UsageError):
        store.find("../no-such-folder/../../secret")  # an id never walks out of the store


def test_delete_only_touches_results_in_the_store(store: Store, tmp_path: Path) -> None:
    result, path = save_result(store)
    outside = tmp_path / "copy.json"
    outside.write_bytes(result_json(result))
    with pytest.raises(UsageError, match="no result with the id"):
        store.delete(str(outside))
    store.delete(result.id)
    assert not path.exists() and outside.exists()
    assert len(list(store.snapshots_dir.iterdir())) == 1


def _edit_stored(path: Path, edit: object) -> str:
    """Rewrite a stored result as a hand edit would (the edit function changes the parsed data)."""
    data = json.loads(path.read_text())
    edit(data)  # type: ignore[operator]
    text = json.dumps(data, indent=1)
    path.write_text(text)
    return text


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_saved_na_where_the_question_takes_none_is_refused_on_reading(store: Store) -> None:
    from conftest import run_prepkit

    _, path = save_result(store)

    def na_policy(data: dict) -> None:  # planning-policy has `na: false`
        data["answers"]["planning-policy"] = {"kind": "na"}

    text = _edit_stored(path, na_policy)
    with pytest.raises(ContentError, match="planning-policy") as refused:
        Store(store.root).load(path)
    (problem,) = refused.value.problems
    assert (problem.file, problem.line) == (str(path), _line_of(text, '"planning-policy"'))
    proc = run_prepkit("score", str(path), "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith(f"{path}:{problem.line}:") and "Traceback" not in proc.stderr


def test_a_stored_answer_off_the_scale_is_refused_by_score(store: Store) -> None:
    """A result in the store (not an exported file) hand-edited to the value 99: no score of 1505.6."""
    from conftest import run_prepkit

    result, path = save_result(store)

    def ninety_nine(data: dict) -> None:
        data["answers"]["planning-policy"]["value"] = 99

    text = _edit_stored(path, ninety_nine)
    for ref in (result.id, str(path), "latest"):
        proc = run_prepkit("score", ref, "--json")
        assert proc.returncode == 1, (ref, proc.stdout)
        assert proc.stdout == ""
        line = _line_of(text, '"planning-policy"')
        assert re.match(rf"{re.escape(str(path))}:{line}:\d+: .*99 is not on the scale", proc.stderr), proc.stderr
    assert run_prepkit("validate", str(path)).returncode == 1


def test_an_edited_embedded_snapshot_is_checked_against_the_hash(store: Store) -> None:
    """A hand-edited result that carries its own snapshot, with the level thresholds lowered: refused."""
    from conftest import run_prepkit

    result, path = save_result(store)

    def forge(data: dict) -> None:
        snapshot = json.loads(result_json(result))["snapshot"]
        for level in snapshot["questionnaire"]["levels"][1:]:
            level["min"] = 1  # every agency "established"
        data["snapshot"] = snapshot

    text = _edit_stored(path, forge)
    with pytest.raises(ContentError, match="does not match the questionnaire snapshot in this file") as refused:
        Store(store.root).load(path)
    assert refused.value.problems[0].line == _line_of(text, '"hash"')
    proc = run_prepkit("score", result.id)
    assert proc.returncode == 1 and "does not match" in proc.stderr
    assert "Established" not in proc.stdout


def test_ids_from_names_are_short_readable_and_transliterated() -> None:
    import datetime as dt

    from prepkit.results.model import agency_slug, new_result_id

    day = dt.date(2026, 12, 1)
    assert new_result_id("Riverbend County Sheriff's Office", day) == "riverbend-sheriff-2026-12-01"
    assert agency_slug("Jérôme") == "jerome"
    assert agency_slug("Ünïversity Police") == "university-police"
    cyrillic = agency_slug("Полиция города")
    assert cyrillic.startswith("cyrillic-") and cyrillic != agency_slug("Полиция области")
    assert agency_slug("警察署").startswith("cjk-")
    assert len(new_result_id("The Metropolitan Police Department of the District of Columbia", day)) <= 40


def test_a_taken_id_gets_a_short_suffix(tmp_path: Path) -> None:
    from prepkit.content.questionnaire import load_questionnaire
    from prepkit.results.model import new_result

    q = load_questionnaire(PACK / "mini.yaml")
    store = Store(tmp_path / "store")
    first, _ = store.save_new(new_result(q, "Test Town PD", None, {}, complete=False))
    second, _ = store.save_new(new_result(q, "Test Town PD", None, {}, complete=False))
    assert second.id == f"{first.id}-2"
    assert first.timezone is not None  # recorded with every new result


def test_a_hostile_time_zone_is_refused_and_an_old_result_without_one_reads(store: Store) -> None:
    result, path = save_result(store)
    assert result.timezone is not None

    for value, message in (("\u001b[2J", "control character"), ("x" * 200, "timezone"), ("a b", "timezone")):

        def hostile(data: dict, value: str = value) -> None:
            data["timezone"] = value

        _edit_stored(path, hostile)
        with pytest.raises(ContentError, match=message):
            Store(store.root).load(path)

    def old(data: dict) -> None:
        del data["timezone"]

    _edit_stored(path, old)
    assert Store(store.root).load(path).timezone is None


def test_drafts_are_kept_and_checked_like_answers(store: Store) -> None:
    """Notes typed for questions without an answer are saved with the result; a file whose drafts name
    no question of its questionnaire, or hold control characters, is refused with the place."""
    from prepkit.results.model import Draft

    plain, path = save_result(store)
    assert b'"drafts"' not in path.read_bytes()  # none: the file is as it was before drafts existed
    question = next(iter(plain.answers))
    with_drafts = plain.model_copy(update={"answers": {}, "drafts": {question: Draft(note="ask the chief")}})
    store.save(with_drafts)
    assert store.load(path).drafts == {question: Draft(note="ask the chief")}
    text = path.read_text()
    for edited, message in (
        (text.replace(f'"{question}": {{\n   "note"', '"no-such-question": {\n   "note"'), "unknown question"),
        (text.replace("ask the chief", "ask\\u001b[2Jthe chief"), "control character"),
    ):
        assert edited != text
        path.write_text(edited)
        with pytest.raises(ContentError) as refused:
            store.load(path)
        assert message in str(refused.value.problems[0])
        assert refused.value.problems[0].line > 1
