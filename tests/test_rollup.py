"""Roll-ups: choosing results, the statistics, privacy of names, bad files, outputs and the fast scorer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PACK, run_prepkit
from prepkit.content.answers import parse_answer, resolve_answers
from prepkit.content.models import Answer, Questionnaire
from prepkit.content.questionnaire import load_questionnaire
from prepkit.content.sources import Assessment
from prepkit.errors import UsageError
from prepkit.results.model import Result, new_result, result_json
from prepkit.results.store import Store
from prepkit.scoring import Scorer, score
from prepkit.team.merge import TeamMember, merge_team
from prepkit.team.rollup import collect
from prepkit.team.summary import build_rollup, rollup_csv, rollup_json

MINI = load_questionnaire(PACK / "mini.yaml")


def answers(policy: int, review: int, **extra: Any) -> dict[str, Any]:
    return {"has-schools": "no", "planning-policy": policy, "planning-review": review, **extra}


def save(
    store: Path, agency: str, raw: dict[str, Any], day: int, *, complete: bool = True, q: Questionnaire = MINI
) -> Result:
    result = new_result(q, agency, None, resolve_answers(q, raw), complete=complete, date=dt.date(2026, 1, day))
    saved, _ = Store(store).save_new(result)  # ids are agency and date: a second one that day gets '-2'
    return saved


@pytest.fixture
def region(tmp_path: Path) -> Path:
    """Four agencies whose planning scores are 0, 33.3, 66.7 and 100; three with an earlier result."""
    store = tmp_path / "region"
    save(store, "Alpha PD", answers(0, 0), 10)
    save(store, "Alpha PD", answers(3, 1), 12, complete=False)  # newer but in progress: not used
    save(store, "Bravo PD", answers(0, 0), 1)
    save(store, "Bravo PD", answers(0, 1), 10)
    save(store, "Charlie SO", answers(3, 1), 2)
    save(store, "Charlie SO", answers(3, 0), 10)
    save(store, "Delta PD", answers(3, 1), 3)
    save(store, "Delta PD", answers(3, 1), 11)
    return store


def test_rollup_takes_the_latest_complete_result_per_agency(region: Path) -> None:
    rollup = build_rollup(collect([region]))
    assert (rollup.files, rollup.agencies, rollup.skipped) == (8, 4, 0)
    assert [(level.id, level.agencies) for level in rollup.levels] == [
        ("foundational", 2),
        ("developing", 1),
        ("established", 1),
    ]
    planning, schools = rollup.domains
    assert (planning.agencies, planning.min, planning.q1, planning.median, planning.q3, planning.max) == (
        4,
        0.0,
        25.0,
        50.0,
        75.0,
        100.0,
    )
    assert (schools.agencies, schools.median) == (0, None)
    assert [(g.question, g.agencies, g.share) for g in rollup.critical_gaps] == [("planning-policy", 2, 0.5)]
    assert [(g.question, g.agencies) for g in rollup.common_gaps] == [("planning-policy", 2), ("planning-review", 2)]
    assert rollup.critical_gaps[0].resources[0].title == "A Mini Guide & Checklist"
    m = rollup.movement
    assert (m.improved, m.slipped, m.unchanged, m.no_previous) == (1, 1, 1, 1)
    assert [(x.agency, x.delta) for x in m.moves] == [("Bravo PD", 33.3), ("Delta PD", 0.0), ("Charlie SO", -33.3)]


def test_agencies_are_named_only_when_asked(region: Path) -> None:
    rollup = build_rollup(collect([region]))
    hidden = json.dumps(rollup_json(rollup)) + rollup_csv(rollup)
    assert not any(name in hidden for name in ("Alpha", "Bravo", "Charlie", "Delta"))
    assert "Bravo PD" in json.dumps(rollup_json(rollup, named=True))
    assert "Bravo PD" in rollup_csv(rollup, named=True)


def test_csv_is_tidy_and_defuses_spreadsheet_formulas(tmp_path: Path) -> None:
    save(tmp_path / "s", '=HYPERLINK("http://x")', answers(0, 0), 1)
    save(tmp_path / "s", '=HYPERLINK("http://x")', answers(3, 1), 2)
    rows = list(csv.reader(io.StringIO(rollup_csv(build_rollup(collect([tmp_path / "s"])), named=True))))
    assert rows[0] == ["section", "id", "label", "measure", "value"]
    assert ["domain", "planning", "Planning", "median", "100.0"] in rows
    assert ["movement", "improved", "", "agencies", "1"] in rows
    assert ["agency", '\'=HYPERLINK("http://x")', "established", "delta", "100.0"] in rows


def test_a_corrupt_file_is_named_and_skipped(region: Path) -> None:
    bad = region / "results" / "broken.json"
    bad.write_text('{"format": 1, "id": ')
    wrong = region / "results" / "wrong.json"
    wrong.write_text(json.dumps({"format": 1, "id": "x", "status": "complete"}))
    proc = run_prepkit("rollup", str(region), "--json")
    assert proc.returncode == 0, proc.stderr
    assert f"{bad}:1:" in proc.stderr and f"{wrong}:1:" in proc.stderr and "(skipped)" in proc.stderr
    data = json.loads(proc.stdout)
    assert (data["files"], data["skipped"], data["agencies"]) == (10, 2, 4)
    assert "moves" not in data["movement"]


def test_results_merged_into_a_team_result_are_left_out(tmp_path: Path) -> None:
    store = tmp_path / "s"
    members = [save(store, "Echo PD", answers(p, 1), 5) for p in (0, 3, 3)]
    team = merge_team(
        [
            TeamMember(m.id, Assessment(MINI, m.agency, f"r{i}", m.date, dict(m.answers), m))
            for i, m in enumerate(members)
        ]
    )
    Store(store).save_new(team)
    rollup = build_rollup(collect([store]))
    assert (rollup.agencies, rollup.merged_sources) == (1, 3)
    assert rollup.movement.no_previous == 1  # a member's own result is not taken as the team's previous one


def _path_of(store: Path, agency: str, date: dt.date) -> Path:
    (path,) = [
        path
        for path, r in Store(store).scan()
        if isinstance(r, Result) and r.agency == agency and r.date == date and r.status == "complete"
    ]
    return path


def test_folders_of_exported_results_and_duplicates(tmp_path: Path, region: Path) -> None:
    exported = tmp_path / "exported"
    exported.mkdir()
    result = save(tmp_path / "elsewhere", "Foxtrot PD", answers(3, 1), 4)
    (exported / "foxtrot.json").write_bytes(result_json(result))  # embeds its snapshot
    # Bravo's latest complete result, by name: a glob's first file could be Alpha's in-progress one
    copy = _path_of(region, "Bravo PD", dt.date(2026, 1, 10))
    (exported / "copy.json").write_bytes(result_json(Store(region).load(copy)))
    rollup = build_rollup(collect([region, exported]))
    assert rollup.agencies == 5 and rollup.files == 10
    assert sum(level.agencies for level in rollup.levels) == 5
    # the copy is the same result: counted once, and never Bravo's own previous result
    m = rollup.movement
    assert (m.improved, m.slipped, m.unchanged, m.no_previous) == (1, 1, 1, 2)
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "lonely.json").write_bytes(copy.read_bytes())  # no snapshot inside and none beside it
    collection = collect([bare])
    assert collection.agencies == []
    assert "snapshot" in collection.skipped[0].message and "lonely.json" in collection.skipped[0].message


def test_several_questionnaires_need_a_choice(tmp_path: Path, region: Path) -> None:
    (tmp_path / "two.yaml").write_text((PACK / "mini.yaml").read_text().replace("id: mini\n", "id: mini-two\n"))
    (tmp_path / "resources.yaml").write_text((PACK / "resources.yaml").read_text())
    save(region, "Golf PD", answers(1, 1), 5, q=load_questionnaire(tmp_path / "two.yaml"))
    with pytest.raises(UsageError, match=r"mini \(8\), mini-two \(1\)"):
        collect([region])
    assert collect([region], "mini-two").agencies[0].agency == "Golf PD"
    with pytest.raises(UsageError, match="no results for questionnaire 'nope'"):
        collect([region], "nope")
    proc = run_prepkit("rollup", str(region))
    assert proc.returncode == 2 and "--questionnaire" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_prepkit("rollup", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr


def test_report_files_name_agencies_only_when_asked(region: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    save(region, "<b>Hotel</b> PD", answers(1, 0), 1)
    save(region, "<b>Hotel</b> PD", answers(2, 0), 2)
    hidden, named, html = tmp_path / "r.pdf", tmp_path / "named.pdf", tmp_path / "r.html"
    assert run_prepkit("rollup", str(region), "-o", str(hidden)).returncode == 0
    assert run_prepkit("rollup", str(region), "-o", str(named), "--named").returncode == 0
    assert run_prepkit("rollup", str(region), "-o", str(html), "--named").returncode == 0
    text = "".join(page.extract_text() for page in PdfReader(hidden).pages)
    assert "Mini Readiness Check" in text and "Agencies per capacity level" in text and "Bravo" not in text
    assert "Bravo PD" in "".join(page.extract_text() for page in PdfReader(named).pages)
    page = html.read_text()
    assert "&lt;b&gt;Hotel&lt;/b&gt; PD" in page and "<b>Hotel" not in page
    assert oct(hidden.stat().st_mode & 0o777) == "0o600"


def test_the_pdf_renderer_fetches_nothing_outside_the_templates(tmp_path: Path) -> None:
    from prepkit.paths import bundled_templates
    from prepkit.report.pdf import render_pdf

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    pdf = render_pdf(
        f'<html><head><link rel="attachment" href="{secret.as_uri()}"></head>'
        f'<body><p>hello</p><img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
        "</body></html>",
        [bundled_templates()],
    )
    assert pdf.startswith(b"%PDF") and b"/EmbeddedFile" not in pdf and b"TOP-SECRET" not in pdf


answer_values = st.one_of(st.sampled_from([0, 1, 2, 3, "na", "unknown", None]))


@settings(max_examples=150, deadline=None)
@given(
    profile=st.sampled_from(["yes", "no", "unsure", None]),
    policy=st.sampled_from([0, 1, 2, 3, "unknown", None]),
    review=st.sampled_from([0, 1, "na", "unknown", None]),
    maps=answer_values,
    drills=answer_values,
)
def test_the_fast_scorer_gives_the_numbers_of_scoring_score(
    profile: str | None, policy: Any, review: Any, maps: Any, drills: Any
) -> None:
    raw = {
        "has-schools": profile,
        "planning-policy": policy,
        "planning-review": review,
        "schools-maps": maps,
        "schools-drills": drills,
    }
    items = {p.id: p for p in MINI.profile} | {x.id: x for _, x in MINI.questions()}
    # answers to questions that do not apply are kept on purpose: both scorers must ignore them
    parsed: dict[str, Answer] = {
        qid: parse_answer(MINI, items[qid], value) for qid, value in raw.items() if value is not None
    }
    card = score(MINI, parsed)
    summary = Scorer(MINI).summarize(parsed)
    assert summary.score == card.score and summary.level == card.level
    assert summary.complete == card.complete
    assert summary.domains == tuple(d.score for d in card.domains)
    assert sorted(summary.gaps) == sorted(g.question for g in card.gaps)


def test_movement_is_measured_from_the_previous_result_not_the_oldest(tmp_path: Path) -> None:
    store = tmp_path / "s"
    save(store, "Golf PD", answers(0, 0), 1)  # oldest: 0
    save(store, "Golf PD", answers(3, 1), 5)  # previous: 100
    save(store, "Golf PD", answers(2, 0), 10)  # latest: 44.4
    (move,) = build_rollup(collect([store])).movement.moves
    assert (move.before, move.after, move.date_before) == (100.0, 44.4, "2026-01-05")
    assert move.delta == -55.6


def test_csv_defuses_every_formula_start_in_any_column(tmp_path: Path) -> None:
    from prepkit.spreadsheet import FORMULA_START, spreadsheet_cell

    assert sorted(FORMULA_START) == sorted(["=", "+", "-", "@", "\t", "\r"])
    # a carriage return never gets this far (the gate refuses control characters); the rest can
    starts = ["=", "+", "-", "@", "\t"]
    for i, start in enumerate(starts):
        save(tmp_path / "s", f"{start}cmd|' /C calc'!A{i}", answers(0, 1), 1)
        save(tmp_path / "s", f"{start}cmd|' /C calc'!A{i}", answers(3, 1), 2)
    text = rollup_csv(build_rollup(collect([tmp_path / "s"])), named=True)
    agencies = [row[1] for row in csv.reader(io.StringIO(text)) if row[0] == "agency"]
    assert sorted(agencies) == sorted(f"'{start}cmd|' /C calc'!A{i}" for i, start in enumerate(starts))
    assert [spreadsheet_cell(v) for v in (-1.5, 0, True, None, "plain", "-x", "\rx")] == [
        -1.5,
        0,
        "yes",
        "",
        "plain",
        "'-x",
        "'\rx",
    ]


def test_rollup_json_of_a_folder_of_hostile_results_is_valid_json(tmp_path: Path) -> None:
    """Each hostile result of the corpus as the newest file of a roll-up folder: named on standard error,
    skipped, counted, and the output strict JSON (no NaN, no Infinity) whatever the file holds."""
    import shutil

    cases = Path(__file__).parent / "hostile" / "cases"
    hostile = [p for p in sorted(cases.glob("res-*.json")) if not p.stem.endswith("-ok")]
    assert len(hostile) > 20 and any("nan" in p.name for p in hostile)

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in rollup --json")

    for i, path in enumerate(hostile):
        store, folder = tmp_path / f"store-{i}", tmp_path / f"exported-{i}"
        save(store, "Hotel PD", answers(3, 1), 1)
        folder.mkdir()
        shutil.copy(path, folder / path.name)
        proc = run_prepkit("rollup", str(store), str(folder), "--json", "--named", "--questionnaire", "mini")
        assert proc.returncode == 0, (path.name, proc.stderr)
        data = json.loads(proc.stdout, parse_constant=refuse)
        assert (data["files"], data["skipped"], data["agencies"]) == (2, 1, 1), (path.name, proc.stderr)
        assert proc.stderr.startswith(str(folder / path.name)) and "(skipped)" in proc.stderr
        assert "Traceback" not in proc.stderr
