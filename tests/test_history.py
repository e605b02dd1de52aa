"""`prepkit history` and `delete`, and the results `previous`/`latest` name (spec 5)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import PACK, run_prepkit
from prepkit.errors import UsageError
from prepkit.history.timeline import load_history, previous_of, relative_result, sparkline
from prepkit.results.store import Store
from resultkit import V2_ANSWERS, V2_QUESTIONNAIRE, save_result


@pytest.fixture
def store(hermetic: Path) -> Store:
    return Store(hermetic)


def test_history_json_is_the_spec_list_oldest_first(store: Store) -> None:
    newer, newer_path = save_result(store, V2_ANSWERS)  # saved first, dated later
    older, older_path = save_result(store, date=dt.date(2026, 1, 15))
    partial, partial_path = save_result(store, agency="Other PD", drop=("planning-policy",))
    proc = run_prepkit("history", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [
        {
            "id": older.id,
            "path": str(older_path),
            "agency": "Test Town Police Department",
            "questionnaire": "mini",
            "version": "1.0",
            "date": "2026-01-15",
            "complete": True,
            "overall": {"score": 68.5, "level": "developing"},
        },
        {
            "id": partial.id,
            "path": str(partial_path),
            "agency": "Other PD",
            "questionnaire": "mini",
            "version": "1.0",
            "date": "2026-11-25",
            "complete": False,
            "overall": {"score": 38.9, "level": "foundational"},
        },
        {
            "id": newer.id,
            "path": str(newer_path),
            "agency": "Test Town Police Department",
            "questionnaire": "mini",
            "version": "2.0",
            "date": "2027-11-20",
            "complete": True,
            "overall": {"score": 77.8, "level": "established"},
        },
    ]


def test_history_filters_by_agency_and_questionnaire(store: Store) -> None:
    save_result(store)
    save_result(store, agency="Other PD")
    ids = lambda *args: [h["agency"] for h in json.loads(run_prepkit("history", "--json", *args).stdout)]  # noqa: E731
    assert ids("--agency", "other  pd") == ["Other PD"]
    assert ids("--questionnaire", "mini") == ["Test Town Police Department", "Other PD"]
    assert ids("--questionnaire", str(PACK / "mini.yaml"), "--agency", "Other PD") == ["Other PD"]
    assert ids("--questionnaire", "something-else") == []


def test_history_warns_about_damaged_files_and_lists_the_rest(store: Store) -> None:
    result, _ = save_result(store)
    damaged = {
        "truncated.json": b'{"format": 1, "id": "tr',
        "foreign.json": b'{"hello": "world"}',
        "binary.json": b"\x00\x01\x02",
    }
    for name, content in damaged.items():
        (store.results_dir / name).write_bytes(content)
    for args in (["--json"], []):
        proc = run_prepkit("history", *args)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        for name in damaged:
            assert f"Warning: skipped {store.results_dir / name}:" in proc.stderr
    assert [h["id"] for h in json.loads(run_prepkit("history", "--json").stdout)] == [result.id]
    assert "(1 result, 3 skipped as unreadable, oldest first)" in run_prepkit("history").stdout
    for name, content in damaged.items():
        assert (store.results_dir / name).read_bytes() == content


def test_a_result_whose_snapshot_is_gone_is_skipped_with_a_warning(store: Store) -> None:
    save_result(store)
    save_result(store, V2_ANSWERS)
    v2_hash = json.loads(next(p for p in store.paths() if "2.0" in p.read_text()).read_text())["questionnaire"]
    (store.snapshots_dir / f"{v2_hash['hash'].replace(':', '-')}.json").unlink()
    proc = run_prepkit("history", "--json")
    assert proc.returncode == 0
    assert [h["version"] for h in json.loads(proc.stdout)] == ["1.0"]
    assert "snapshot" in proc.stderr and "missing or damaged" in proc.stderr


def test_history_in_the_terminal_shows_a_table_and_domain_trends(store: Store) -> None:
    save_result(store)
    save_result(store, V2_ANSWERS)
    proc = run_prepkit("history")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "History of Test Town Police Department (2 results, oldest first)" in out
    assert "68.5" in out and "77.8" in out and "Established" in out
    assert "trend by domain" in out
    trend = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 4}
    assert sparkline([68.5, 77.8]) in trend["Overall"] and "+9.3" in trend["Overall"]
    assert sparkline([50.0, 66.7]) in trend["Schools"] and "+16.7" in trend["Schools"]
    save_result(store, agency="Other PD")
    assert "add --agency" in run_prepkit("history").stdout


def test_history_of_an_empty_store(hermetic: Path) -> None:
    proc = run_prepkit("history")
    assert proc.returncode == 0 and "No results" in proc.stdout
    assert json.loads(run_prepkit("history", "--json").stdout) == []


def test_sparkline_uses_a_fixed_scale() -> None:
    assert sparkline([0, 50, 100, None]) == "▁▅█·"
    assert sparkline([40.0, 41.0]) == "▄▄"


def test_previous_and_latest_are_the_last_two_complete_results(store: Store) -> None:
    first, _ = save_result(store, date=dt.date(2025, 1, 1))
    second, _ = save_result(store, V2_ANSWERS)
    save_result(store, V2_ANSWERS, drop=("planning-policy",), date=dt.date(2028, 1, 1))  # incomplete: ignored
    assert relative_result(store, "latest").result.id == second.id
    assert relative_result(store, "previous").result.id == first.id
    assert previous_of(store, second).result.id == first.id  # what a report of `second` compares to
    assert previous_of(store, first) is None
    save_result(store, agency="Other PD")
    with pytest.raises(UsageError, match="ambiguous"):
        relative_result(store, "latest")
    assert relative_result(store, "latest", agency="other pd").result.agency == "Other PD"


def test_load_history_scores_each_result_with_its_own_questionnaire(store: Store) -> None:
    save_result(store)
    save_result(store, V2_ANSWERS)
    entries, skipped = load_history(store)
    assert skipped == []
    assert [e.questionnaire.version for e in entries] == ["1.0", "2.0"]
    assert entries[1].questionnaire.title == "Mini Readiness Check"
    assert V2_QUESTIONNAIRE.exists()


def test_delete_without_a_terminal_needs_yes_and_takes_exact_ids_only(store: Store) -> None:
    result, path = save_result(store)
    for answer in ("n\n", "", "y\n"):
        proc = run_prepkit("delete", result.id, input=answer)
        assert proc.returncode == 2 and path.exists(), (answer, proc.stderr)
        assert "--yes" in proc.stderr
    proc = run_prepkit("delete", result.id[:-3], "--yes")  # the start of an id is not an id
    assert proc.returncode == 2 and path.exists(), proc.stderr
    proc = run_prepkit("delete", "2", "--yes")  # every id starts with 2
    assert proc.returncode == 2 and path.exists(), proc.stderr


def test_delete_with_yes_and_unknown_ids(store: Store) -> None:
    result, path = save_result(store)
    assert run_prepkit("delete", "no-such-id", "--yes").returncode == 2
    assert run_prepkit("delete", result.id, "--yes").returncode == 0
    assert not path.exists()


def test_delete_can_remove_a_damaged_file_by_name(store: Store) -> None:
    save_result(store)
    bad = store.results_dir / "broken-one.json"
    bad.write_text("{")
    proc = run_prepkit("delete", "broken-one", "--yes")
    assert proc.returncode == 0 and "unreadable" in proc.stderr and not bad.exists()


def test_latest_and_previous_name_a_result_for_score_report_export_and_compare(store: Store, tmp_path: Path) -> None:
    save_result(store, date=dt.date(2026, 1, 16), drop=("planning-review",))  # in progress: never named
    first, _ = save_result(store, date=dt.date(2026, 1, 15))
    second, _ = save_result(store, V2_ANSWERS)
    for ref, wanted in (("latest", second), ("previous", first)):
        named = run_prepkit("score", ref, "--json")
        by_id = run_prepkit("score", wanted.id, "--json")
        assert named.returncode == 0, named.stderr
        assert json.loads(named.stdout) == json.loads(by_id.stdout)
        exported = run_prepkit("export", ref, "--format", "json", "--what", "result")
        assert exported.returncode == 0, exported.stderr
        assert json.loads(exported.stdout)["id"] == wanted.id
    report = tmp_path / "latest.html"
    proc = run_prepkit("report", "latest", "-o", str(report), "--compare-to", "previous")
    assert proc.returncode == 0, proc.stderr
    assert "Change since 2026-01-15" in report.read_text()
    both = run_prepkit("compare", "previous", "latest", "--json")
    assert both.returncode == 0, both.stderr
    assert json.loads(both.stdout) == json.loads(run_prepkit("compare", first.id, second.id, "--json").stdout)


def test_a_result_that_fails_the_gate_is_named_skipped_and_counted(store: Store) -> None:
    _, path = save_result(store)
    data = json.loads(path.read_text())
    data["id"] += "-forged"
    data["answers"]["planning-policy"] = {"kind": "value", "value": 99}
    forged = path.with_name(f"{data['id']}.json")
    forged.write_text(json.dumps(data, indent=1))
    proc = run_prepkit("history")
    assert proc.returncode == 0, proc.stderr
    assert "(1 result, 1 skipped as unreadable, oldest first)" in " ".join(proc.stdout.split())
    assert f"Warning: skipped {forged}:" in proc.stderr and "99 is not on the scale" in proc.stderr
    rows = json.loads(run_prepkit("history", "--json").stdout)
    assert [row["id"] for row in rows] == [path.stem]
