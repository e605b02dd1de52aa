"""Spec section 2: answers files, with every error naming its line and what is allowed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import PACK, run_prepkit
from prepkit.content.answers import load_answers
from prepkit.errors import ContentError


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    shutil.copytree(PACK, tmp_path / "pack")
    return tmp_path / "pack"


def write_answers(pack: Path, body: str, head: str = "questionnaire: mini\nagency: Town PD\n") -> Path:
    path = pack / "a.yaml"
    path.write_text(head + "answers:\n" + body)
    return path


def errors(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_answers(path)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def test_values_labels_na_unknown_and_details(pack: Path) -> None:
    path = write_answers(
        pack,
        "  has-schools: YES\n  planning-policy: fully in place\n"
        "  planning-review: N/A\n  schools-maps: {value: 2, note: n, evidence: [a, b]}\n"
        "  schools-drills: Unknown\n",
    )
    sheet = load_answers(path)
    a = sheet.answers
    assert a["has-schools"].choice == "yes"
    assert a["planning-policy"].value == 3
    assert a["planning-review"].kind == "na"
    assert (a["schools-maps"].value, a["schools-maps"].note, a["schools-maps"].evidence) == (2, "n", "a; b")
    assert a["schools-drills"].kind == "unknown"


def test_questionnaire_by_path_relative_to_the_answers_file(pack: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "answers"
    elsewhere.mkdir()
    path = elsewhere / "a.yaml"
    path.write_text("questionnaire: ../pack/mini.yaml\nagency: X\nanswers: {planning-policy: 1}\n")
    assert load_answers(path).questionnaire.id == "mini"


def test_unknown_question_id_with_suggestion(pack: Path) -> None:
    path = write_answers(pack, "  planing-policy: 3\n")
    assert errors(path) == ["4:3: unknown question 'planing-policy' (did you mean 'planning-policy'?)"]


def test_value_outside_the_scale(pack: Path) -> None:
    path = write_answers(pack, "  planning-policy: 4\n")
    assert errors(path) == [
        "4:20: 4 is not on the scale of 'planning-policy'; allowed: 0 (Not in place), 1 (Planned), "
        "2 (Partially in place), 3 (Fully in place), unknown"
    ]


def test_label_not_on_the_scale(pack: Path) -> None:
    path = write_answers(pack, "  planning-review: maybe\n")
    assert errors(path) == [
        "4:20: 'maybe' is not on the scale of 'planning-review'; allowed: 0 (No), 1 (Yes), na, unknown"
    ]


def test_na_refused_where_not_allowed(pack: Path) -> None:
    path = write_answers(pack, "  planning-policy: na\n")
    (line,) = errors(path)
    assert line.startswith("4:20: 'planning-policy' cannot be answered N/A")


def test_profile_takes_a_choice_id(pack: Path) -> None:
    path = write_answers(pack, "  has-schools: 2\n")
    assert errors(path) == ["4:16: '2' is not a choice of 'has-schools'; allowed: yes, no, unsure"]


def test_answer_to_a_question_whose_condition_does_not_hold(pack: Path) -> None:
    path = write_answers(pack, "  has-schools: no\n  schools-maps: 3\n")
    (line,) = errors(path)
    assert line.startswith("5:3: 'schools-maps' does not apply here: its condition (has-schools: yes, unsure)")


def test_all_errors_reported_in_line_order(pack: Path) -> None:
    path = write_answers(pack, "  nope: 1\n  planning-policy: 9\n  has-schools: maybe\n")
    assert [e.split(":")[0] for e in errors(path)] == ["4", "5", "6"]


def test_unknown_top_level_key(pack: Path) -> None:
    path = write_answers(pack, "  planning-policy: 1\n", head="questionnaire: mini\nagency: X\nagnecy: Y\n")
    (line,) = errors(path)
    assert line.startswith("3:1: unknown key 'agnecy' (did you mean 'agency'?)")


def test_unknown_questionnaire_named_in_the_file(pack: Path) -> None:
    path = write_answers(pack, "  planning-policy: 1\n", head="questionnaire: minni\nagency: X\n")
    (line,) = errors(path)
    assert line.startswith("1:16: unknown questionnaire 'minni' (did you mean 'mini'?)")


def test_incomplete_answers_are_valid_but_not_complete(pack: Path) -> None:
    proc = run_prepkit("score", str(write_answers(pack, "  planning-policy: 1\n")), "--json")
    assert proc.returncode == 0, proc.stderr
    assert '"complete": false' in proc.stdout


def test_questionnaire_option_overrides_the_file(pack: Path) -> None:
    path = write_answers(pack, "  planning-policy: 1\n", head="questionnaire: does-not-exist\nagency: X\n")
    proc = run_prepkit("score", str(path), "--questionnaire", str(pack / "mini.yaml"), "--json")
    assert proc.returncode == 0, proc.stderr


def test_validate_reports_answers_errors_with_exit_1(pack: Path) -> None:
    path = write_answers(pack, "  planning-policy: 9\n")
    proc = run_prepkit("validate", str(path))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"{path}:4:20: 9 is not on the scale")
    assert "Traceback" not in proc.stderr
