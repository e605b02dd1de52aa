"""The improvement plan (spec 7): created from the latest complete result, moved forward, set, shown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plankit import FIRST, SECOND, V2, answers_file, assess_file
from prepkit.cli import app
from prepkit.plan.changelog import now_local
from prepkit.plan.model import COLUMNS, Item, flags, plan_json
from prepkit.plan.planfile import open_plan
from prepkit.results.store import Store

TODAY = dt.date(2027, 6, 1)


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def show_json(runner: CliRunner, store: Path, *extra: str) -> dict[str, object]:
    code, out, err = invoke(runner, "plan", "show", "--json", "--store", str(store), *extra)
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def items(data: dict[str, object]) -> dict[str, dict[str, object]]:
    listed = data["items"]
    assert isinstance(listed, list)
    return {item["item"]: item for item in listed}


@pytest.fixture
def first(runner: CliRunner, tmp_path: Path, hermetic: Path) -> Path:
    assess_file(runner, hermetic, answers_file(tmp_path, FIRST, date="2026-11-25"))
    return hermetic


def test_created_on_first_use_one_open_item_per_gap_in_gap_order(runner: CliRunner, first: Path) -> None:
    data = show_json(runner, first)
    assert list(data) == ["agency", "questionnaire", "result", "items"]
    assert data["agency"] == "Test Town Police Department"
    assert data["questionnaire"] == "mini"
    listed = data["items"]
    assert isinstance(listed, list)
    assert [i["item"] for i in listed] == ["planning-policy", "planning-review", "schools-maps"]
    policy = listed[0]
    assert list(policy) == list(COLUMNS)
    assert policy == {
        "item": "planning-policy",
        "domain": "Planning",
        "capability": "Is there a written active assailant policy?",
        "finding": "Planned",
        "priority": 5.333,
        "critical": "yes",
        "action": "",
        "element": "",
        "owner": "",
        "start": "",
        "due": "",
        "status": "open",
        "status_date": "2026-11-25",
        "note": "",
        "resources": "mini-guide",
        "flags": [],
    }
    assert listed[1]["finding"] == "No" and listed[1]["critical"] == "no"
    assert listed[2]["resources"] == "school-maps"
    assert (first / "plans").is_dir()
    plan_files = list((first / "plans").glob("*.json"))
    assert len(plan_files) == 1 and plan_files[0].stat().st_mode & 0o777 == 0o600


def test_set_changes_one_item_by_id_or_number_and_logs_it(runner: CliRunner, first: Path) -> None:
    store = str(first)
    code, out, err = invoke(
        runner, "plan", "set", "2", "--owner", "Lt. Ames", "--due", "2027-03-01", "--status", "done",
        "--element", "planning", "--action", "Review the policy", "--by", "Lt. Ames", "--store", store,
    )  # fmt: skip
    assert code == 0, err
    assert "planning-review: owner '' -> 'Lt. Ames'" in err and out == ""  # messages on standard error
    review = items(show_json(runner, first))["planning-review"]
    assert (review["owner"], review["due"], review["status"], review["element"]) == (
        "Lt. Ames", "2027-03-01", "done", "planning",
    )  # fmt: skip
    assert review["status_date"] == now_local().date().isoformat()
    code, out, _ = invoke(runner, "plan", "show", "planning-review", "--store", store)
    assert code == 0
    assert "plan set by Lt. Ames: " in out and "status 'open' -> 'done'" in out
    assert "plan created from the result of 2026-11-25" not in out  # the plan's own entry is not the item's


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--owner", "x"], "no item 'nope' in the plan"),
        (["9", "--owner", "x"], "a number from 1 to 3"),
        (["1", "--due", "2027-3-1"], "'2027-3-1' is not a date: write YYYY-MM-DD"),
        (["1", "--start", "2027-02-30"], "'2027-02-30' is not a date"),
        (["1", "--status", "finished"], "status 'finished' is not one of: open, in-progress, done"),
        (["1", "--element", "money"], "element 'money' is not one of"),
        (["1", "--status", "verified"], "only prepkit sets 'verified'"),
        (["1"], "nothing to change"),
    ],
)
def test_set_refuses_bad_values_with_exit_2_and_changes_nothing(
    runner: CliRunner, first: Path, args: list[str], message: str
) -> None:
    before = show_json(runner, first)
    plan_file = next((first / "plans").glob("*.json"))
    saved = plan_file.read_bytes()
    code, _, err = invoke(runner, "plan", "set", *args, "--store", str(first))
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert plan_file.read_bytes() == saved
    assert show_json(runner, first) == before


def test_moving_forward_verifies_flags_not_effective_and_opens_new_gaps(
    runner: CliRunner, first: Path, tmp_path: Path
) -> None:
    store = str(first)
    before = show_json(runner, first)["result"]
    for item in ("planning-policy", "planning-review", "schools-maps"):
        assert invoke(runner, "plan", "set", item, "--status", "done", "--owner", "Lt. Ames", "--store", store)[0] == 0
    assess_file(runner, first, answers_file(tmp_path, SECOND, date="2027-11-20"))
    data = show_json(runner, first)
    assert data["result"] != before  # moved to the newer result
    got = items(data)
    assert [i for i in got] == ["schools-drills", "schools-maps", "planning-policy", "planning-review"]
    assert (got["planning-policy"]["status"], got["planning-policy"]["status_date"]) == ("verified", "2027-11-20")
    assert got["planning-review"]["status"] == "verified"
    assert got["schools-maps"]["status"] == "done"
    assert got["schools-maps"]["flags"] == ["not-effective"]
    assert got["schools-maps"]["finding"] == "Partially in place"
    assert got["schools-drills"]["status"] == "open" and got["schools-drills"]["owner"] == ""
    assert got["planning-policy"]["owner"] == "Lt. Ames"
    _code, out, _ = invoke(runner, "plan", "show", "planning-policy", "--store", store)
    assert "status 'done' -> 'verified'" in out and "no longer a gap" in out
    # moving forward again with the same results changes nothing
    assert show_json(runner, first) == data


def test_follows_replaces_and_keeps_removed_items(runner: CliRunner, first: Path, tmp_path: Path) -> None:
    # mini 2.0 renames planning-review to planning-annual-review, drops schools-drills, adds planning-training
    v1 = {"has-schools": "yes", "planning-policy": 3, "planning-review": '"No"', "schools-maps": 3, "schools-drills": 0}
    assess_file(runner, first, answers_file(tmp_path, v1, date="2026-12-01"))
    store = str(first)
    assert invoke(runner, "plan", "set", "planning-review", "--owner", "Sgt. Cole", "--store", store)[0] == 0
    assert invoke(runner, "plan", "set", "schools-drills", "--owner", "Sgt. Vale", "--store", store)[0] == 0
    v2 = {"has-schools": "yes", "planning-policy": 3, "planning-annual-review": '"No"', "planning-training": 1,
          "schools-maps": 3}  # fmt: skip
    assess_file(runner, first, answers_file(tmp_path, v2, date="2027-12-01", questionnaire=V2), V2)
    got = items(show_json(runner, first))
    assert "planning-review" not in got
    renamed = got["planning-annual-review"]
    assert (renamed["owner"], renamed["status"], renamed["flags"]) == ("Sgt. Cole", "open", [])
    assert renamed["capability"] == "Was the policy reviewed in the last twelve months?"
    removed = got["schools-drills"]
    assert (removed["owner"], removed["status"], removed["flags"]) == ("Sgt. Vale", "open", ["removed"])
    assert got["planning-training"]["status"] == "open"
    _code, out, _ = invoke(runner, "plan", "show", "planning-annual-review", "--store", store)
    assert "the question planning-review is now planning-annual-review" in out
    assert "plan set by" in out  # the log before the rename stays with the item


def test_overdue_is_a_due_date_before_today_unless_done_verified_or_dropped() -> None:
    item = Item(item="x", domain="d", capability="c", priority=1, critical=False, status_date=TODAY)
    assert flags(item, TODAY) == []
    item.due = TODAY
    assert flags(item, TODAY) == []
    item.due = TODAY - dt.timedelta(days=1)
    for status, overdue in [
        ("open", True), ("in-progress", True), ("deferred", True),
        ("done", False), ("verified", False), ("dropped", False),
    ]:  # fmt: skip
        item.status = status  # type: ignore[assignment]
        assert ("overdue" in flags(item, TODAY)) is overdue, status
    item.status, item.not_effective, item.removed = "done", True, True
    assert flags(item, TODAY) == ["not-effective", "removed"]
    item.status = "in-progress"
    assert flags(item, TODAY) == ["overdue", "removed"]


def test_plan_json_shows_flags_for_the_day_given(first: Path) -> None:
    opened = open_plan(Store(first), None, None, at=now_local())
    opened.plan.items[0].due = dt.date(2027, 3, 1)
    assert plan_json(opened.plan, dt.date(2027, 3, 1))["items"][0]["flags"] == []  # type: ignore[index]
    assert plan_json(opened.plan, dt.date(2027, 3, 2))["items"][0]["flags"] == ["overdue"]  # type: ignore[index]


def test_text_show_has_a_summary_line(runner: CliRunner, first: Path) -> None:
    assert invoke(runner, "plan", "set", "1", "--due", "2020-01-01", "--store", str(first))[0] == 0
    code, out, _ = invoke(runner, "plan", "show", "--store", str(first))
    assert code == 0
    assert "3 items: 3 open, 0 in progress, 0 done, 0 verified, 1 overdue" in out
    assert "planning-policy" in out


def test_agency_and_questionnaire_needed_only_when_the_store_holds_several(
    runner: CliRunner, first: Path, tmp_path: Path
) -> None:
    assert invoke(runner, "plan", "show", "--store", str(first))[0] == 0
    assess_file(runner, first, answers_file(tmp_path, FIRST, date="2026-11-26", agency="Other PD"))
    code, _, err = invoke(runner, "plan", "show", "--store", str(first))
    assert code == 2
    assert "more than one agency or questionnaire" in err
    assert "--agency 'Other PD' --questionnaire mini" in err and "Test Town Police Department" in err
    data = show_json(runner, first, "--agency", "other pd")
    assert data["agency"] == "Other PD"
    assert len(list((first / "plans").glob("*.json"))) == 2


def test_no_complete_result_is_a_usage_error(runner: CliRunner, hermetic: Path) -> None:
    code, _, err = invoke(runner, "plan", "show", "--store", str(hermetic))
    assert code == 2
    assert "no complete result" in err


def test_a_damaged_plan_file_is_named_with_exit_1(runner: CliRunner, first: Path) -> None:
    show_json(runner, first)
    plan_file = next((first / "plans").glob("*.json"))
    plan_file.write_text('{"format": 1, "agency": 3}')
    code, _, err = invoke(runner, "plan", "show", "--store", str(first))
    assert code == 1
    assert err.startswith(f"{plan_file}:1:1: not a prepkit plan")


def test_a_team_result_moves_the_plan_not_the_results_it_was_merged_from(
    runner: CliRunner, first: Path, tmp_path: Path
) -> None:
    store = str(first)
    show_json(runner, first)  # the plan, from the first result
    # Two respondents a year later: one says the policy is fully in place, the other partially.
    assess_file(runner, first, answers_file(tmp_path, {**FIRST, "planning-policy": 3}, date="2027-11-20"))
    assess_file(runner, first, answers_file(tmp_path, {**FIRST, "planning-policy": 2}, date="2027-11-20"))
    code, out, err = invoke(runner, "history", "--json", "--store", store)
    ids = [r["id"] for r in json.loads(out)][1:]
    code, out, err = invoke(runner, "merge", *ids, "--store", store)
    assert code == 0, err
    data = show_json(runner, first)
    merged = data["result"]
    assert merged not in ids
    policy = items(data)["planning-policy"]
    assert policy["status"] == "open" and policy["finding"] == "Partially in place"  # the consensus: the lower one
    plan_file = next((first / "plans").glob("*.json"))
    log_sources = {entry["source"] for entry in json.loads(plan_file.read_text())["log"]}
    assert not any(i in source for i in ids for source in log_sources)
