"""The improvement plan in the capacity report: each gap's item, the appendix matrix, what was verified."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from plankit import FIRST, SECOND, answers_file, assess_file
from prepkit.cli import app
from prepkit.history.timeline import load_history
from prepkit.report import render_report_html
from prepkit.report.context import build_context
from prepkit.report.loading import plan_at
from prepkit.results.store import Store


def setup_store(runner: CliRunner, store: Path, tmp_path: Path) -> Store:
    assess_file(runner, store, answers_file(tmp_path, FIRST, date="2026-11-25"))
    for args in (
        ["1", "--status", "done", "--owner", "Lt. Ames", "--action", "Sign the policy", "--element", "planning"],
        ["2", "--status", "done", "--owner", "Sgt. Cole"],
        ["3", "--status", "done", "--owner", "Ofc. Diaz", "--due", "2027-01-01"],
    ):
        assert runner.invoke(app, ["plan", "set", *args, "--store", str(store)]).exit_code == 0
    assess_file(runner, store, answers_file(tmp_path, SECOND, date="2027-11-20"))
    assert runner.invoke(app, ["plan", "set", "schools-drills", "--due", "2026-01-01", "--owner", "Sgt. Vale",
                               "--store", str(store)]).exit_code == 0  # fmt: skip
    return Store(store)


def test_report_shows_the_plan_under_each_gap_and_as_an_appendix(
    runner: CliRunner, hermetic: Path, tmp_path: Path
) -> None:
    store = setup_store(runner, hermetic, tmp_path)
    entries, _ = load_history(store)
    earlier, latest = entries[0].result, entries[-1].result
    plan = plan_at(store, latest)
    assert plan is not None and plan_at(store, earlier) is None  # an earlier result's report shows no plan
    context = build_context(latest, compare_to=earlier, plan=plan, now=dt.datetime(2027, 12, 1, 12, tzinfo=dt.UTC))
    assert context.plan is not None
    assert [v.item for v in context.plan.verified_now] == ["planning-policy", "planning-review"]
    assert [v.item for v in context.plan.not_effective] == ["schools-maps"]
    assert context.plan.by_question["schools-drills"].overdue
    assert not context.plan.by_question["schools-maps"].overdue  # done: never overdue
    html = render_report_html(latest, compare_to=earlier, plan=plan)
    assert 'class="owner-due-label"' not in html  # the empty box gives way to the plan's owner and due date
    assert '<p class="gap-plan overdue"><span class="plan-status">open · overdue</span>' in html
    assert '<p class="owner-due-text overdue">Sgt. Vale<br>2026-01-01</p>' in html
    assert "done · not effective" in html
    assert 'id="improvement-plan"' in html and "Appendix: improvement plan" in html
    assert "2 items of the plan verified closed by this assessment; 1 marked done whose gap remains." in " ".join(
        html.split()
    )
    assert "Sign the policy" in html  # the verified item's action, in the appendix


def test_report_without_a_plan_keeps_the_owner_box(runner: CliRunner, hermetic: Path, tmp_path: Path) -> None:
    assess_file(runner, hermetic, answers_file(tmp_path, FIRST, date="2026-11-25"))
    store = Store(hermetic)
    [entry], _ = load_history(store)
    assert plan_at(store, entry.result) is None
    html = render_report_html(entry.result)
    assert 'class="owner-due-label"' in html and 'id="improvement-plan"' not in html


def test_the_board_packet_holds_the_plan_and_the_public_summary_its_counts(
    runner: CliRunner, hermetic: Path, tmp_path: Path
) -> None:
    import zipfile

    store = setup_store(runner, hermetic, tmp_path)
    entries, _ = load_history(store)
    latest = entries[-1].result
    signed = runner.invoke(
        app, ["sign", latest.id, "--name", "Chief Ana Ruiz", "--title", "Chief", "--store", str(hermetic)]
    )
    assert signed.exit_code == 0, signed.output
    target = tmp_path / "board.prepkit"
    made = runner.invoke(app, ["packet", latest.id, "-o", str(target), "--store", str(hermetic)])
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(target) as archive:
        plan_csv = archive.read("plan.csv").decode("utf-8-sig")
    assert plan_csv.startswith("item,domain,capability,finding,priority,critical,action,element,owner,")
    assert "schools-drills" in plan_csv and "Sgt. Vale" in plan_csv
    html = render_report_html(latest, audience="public", plan=plan_at(store, latest))
    text = " ".join(html.split())
    assert "improvement plan tracks 4 actions: 1 open, 1 done, 2 verified." in text
    assert "Sgt. Vale" not in html and 'id="improvement-plan"' not in html  # no item detail in public


def test_the_matrix_lists_the_items_acted_on_and_counts_the_rest(
    runner: CliRunner, hermetic: Path, tmp_path: Path
) -> None:
    assess_file(runner, hermetic, answers_file(tmp_path, FIRST, date="2026-11-25"))
    assert runner.invoke(app, ["plan", "set", "2", "--owner", "Sgt. Cole", "--store", str(hermetic)]).exit_code == 0
    store = Store(hermetic)
    [entry], _ = load_history(store)
    plan = plan_at(store, entry.result)
    assert plan is not None
    context = build_context(entry.result, plan=plan)
    assert context.plan is not None
    assert [[v.item for v in d.items] for d in context.plan.matrix] == [["planning-review"]]
    assert context.plan.untouched == 2
    html = " ".join(render_report_html(entry.result, plan=plan).split())
    assert "the 2 open items with nothing planned yet are in the" in html
