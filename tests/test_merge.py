"""Team merges: the consensus rule, disagreements, refusals, and the `prepkit merge` command."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PACK, run_prepkit
from prepkit.content.answers import resolve_answers
from prepkit.content.models import AnswerDetail, Questionnaire
from prepkit.content.questionnaire import load_questionnaire
from prepkit.content.sources import Assessment
from prepkit.errors import UsageError
from prepkit.results.gate import questionnaire_of
from prepkit.results.store import Store
from prepkit.team.merge import TeamMember, discussion_items, merge_team

MINI = load_questionnaire(PACK / "mini.yaml")


def member(
    raw: dict[str, Any],
    respondent: str | None = None,
    agency: str = "Test Town PD",
    q: Questionnaire = MINI,
    day: int = 1,
) -> TeamMember:
    answers = resolve_answers(q, raw)
    return TeamMember(f"{respondent}.yaml", Assessment(q, agency, respondent, dt.date(2026, 11, day), answers))


def full(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "has-schools": "yes",
        "planning-policy": 2,
        "planning-review": 1,
        "schools-maps": 2,
        "schools-drills": 1,
    }
    raw.update(overrides)
    return {k: v for k, v in raw.items() if v is not None}


def consensus_of(*policy_answers: Any, question: str = "planning-policy") -> tuple[Any, list[str]]:
    merged = merge_team([member(full(**{question: a}), f"r{i}") for i, a in enumerate(policy_answers)])
    answer = merged.answers.get(question)
    reasons = [d.reason for d in merged.team.disagreements if d.question == question] if merged.team else []
    return (None if answer is None else answer.value if answer.kind == "value" else answer.kind), reasons


def test_the_median_takes_the_lower_middle_value_on_an_even_count() -> None:
    assert consensus_of(0, 3, 1, 2) == (1, ["spread"])
    assert consensus_of(1, 3, 3) == (3, ["spread"])
    assert consensus_of(2, 3) == (2, [])


def test_unknown_is_left_out_of_the_median_unless_nobody_gave_a_value() -> None:
    assert consensus_of("unknown", 3, 2) == (2, [])
    assert consensus_of("unknown", "unknown") == ("unknown", [])


def test_na_only_when_every_respondent_says_na() -> None:
    na = "planning-review"
    assert consensus_of("na", "na", question=na) == ("na", [])
    assert consensus_of("na", 1, question=na) == (1, ["na"])
    assert consensus_of("na", "unknown", question=na) == ("unknown", ["na"])


def test_disagreement_starts_at_half_the_scale_range(tmp_path: Path) -> None:
    text = (
        (PACK / "mini.yaml")
        .read_text()
        .replace(
            "    - {value: 3, label: Fully in place}",
            "    - {value: 3, label: Fully in place}\n    - {value: 4, label: Tested}",
        )
    )
    (tmp_path / "five.yaml").write_text(text)
    (tmp_path / "resources.yaml").write_text((PACK / "resources.yaml").read_text())
    five = load_questionnaire(tmp_path / "five.yaml")

    def flagged(a: int, b: int) -> bool:
        merged = merge_team(
            [member(full(**{"planning-policy": a}), "x", q=five), member(full(**{"planning-policy": b}), "y", q=five)]
        )
        return any(d.question == "planning-policy" for d in merged.team.disagreements)  # type: ignore[union-attr]

    assert not flagged(1, 2)  # range 4: a spread of 1 is below half
    assert flagged(1, 3)  # a spread of exactly half is flagged
    assert flagged(0, 4)


def test_profile_takes_the_most_common_choice_with_ties_toward_choice_order() -> None:
    def profile(*choices: str) -> str | None:
        merged = merge_team(
            [
                member(full(**{"has-schools": c, "schools-maps": None, "schools-drills": None}), f"r{i}")
                for i, c in enumerate(choices)
            ]
        )
        return merged.answers["has-schools"].choice

    assert profile("no", "unsure", "unsure") == "unsure"
    assert profile("no", "yes") == "yes"  # choices are [yes, no, unsure]
    assert profile("unsure", "no") == "no"


def test_the_consensus_profile_decides_what_applies_and_respondents_keep_their_answers() -> None:
    a = member(full(**{"has-schools": "no", "schools-maps": None, "schools-drills": None}), "Lt A")
    b = member(full(**{"has-schools": "no", "schools-maps": None, "schools-drills": None}), "Sgt B")
    c = member(full(**{"has-schools": "yes", "schools-maps": 3, "schools-drills": None}), "Fire C")
    merged = merge_team([a, b, c])
    assert merged.answers["has-schools"].choice == "no"
    assert "schools-maps" not in merged.answers
    assert merged.team is not None
    assert merged.team.respondents[2].answers["schools-maps"].value == 3
    assert [d.question for d in merged.team.disagreements] == ["has-schools"]
    assert merged.status == "complete"


def test_status_is_in_progress_when_an_applicable_question_has_no_answer() -> None:
    unanswered = full(**{"planning-review": None})
    merged = merge_team([member(unanswered, "a"), member(unanswered, "b")])
    assert merged.status == "in-progress"
    assert "planning-review" not in merged.answers


def test_notes_and_evidence_keep_who_said_them() -> None:
    merged = merge_team(
        [
            member(full(**{"planning-policy": AnswerDetail(value=2, note="draft signed")}), "Lt A"),
            member(full(**{"planning-policy": AnswerDetail(value=2, evidence="binder")}), "Sgt B"),
        ]
    )
    answer = merged.answers["planning-policy"]
    assert (answer.note, answer.evidence) == ("Lt A: draft signed", "Sgt B: binder")


def test_respondents_without_names_or_with_the_same_name_stay_apart() -> None:
    merged = merge_team([member(full(), None), member(full(), "Lee"), member(full(), "Lee")])
    assert [r.respondent for r in merged.team.respondents] == ["respondent 1", "Lee", "Lee (2)"]  # type: ignore[union-attr]
    assert merged.respondent == "team of 3: respondent 1, Lee, Lee (2)"


def test_refuses_a_single_result_other_agencies_and_other_questionnaire_versions(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least two"):
        merge_team([member(full(), "a")])
    with pytest.raises(UsageError, match="different agencies"):
        merge_team([member(full(), "a"), member(full(), "b", agency="Other PD")])
    renamed = merge_team([member(full(), "a"), member(full(), "b", agency="Other PD")], agency="County Team")
    assert renamed.agency == "County Team"
    assert merge_team([member(full(), "a"), member(full(), "b", agency=" test  town pd")]).agency == "Test Town PD"
    (tmp_path / "mini.yaml").write_text((PACK / "mini.yaml").read_text().replace('version: "1.0"', 'version: "1.1"'))
    (tmp_path / "resources.yaml").write_text((PACK / "resources.yaml").read_text())
    newer = load_questionnaire(tmp_path / "mini.yaml")
    with pytest.raises(UsageError, match=r"version 1\.1"):
        merge_team([member(full(), "a"), member(full(), "b", q=newer)])


def test_discussion_items_show_each_respondents_label() -> None:
    merged = merge_team(
        [member(full(**{"planning-policy": 0}), "Lt A"), member(full(**{"planning-policy": 3}), "Sgt B")]
    )
    items = discussion_items(questionnaire_of(merged), merged)
    assert [(i.question, i.consensus, i.answers) for i in items] == [
        ("planning-policy", "Not in place", {"Lt A": "Not in place", "Sgt B": "Fully in place"})
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2, 3, "unknown"]), min_size=2, max_size=7))
def test_the_consensus_value_is_a_median_of_the_values_given(answers: list[Any]) -> None:
    value, _ = consensus_of(*answers)
    values = sorted(a for a in answers if a != "unknown")
    if not values:
        assert value == "unknown"
        return
    assert value in values
    assert sum(v <= value for v in values) >= len(values) / 2
    assert sum(v >= value for v in values) > len(values) / 2 - 1


def write_answers(folder: Path, name: str, raw: dict[str, Any], agency: str = "Test Town PD") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "questionnaire": str(PACK / "mini.yaml"),
                "agency": agency,
                "respondent": name,
                "date": "2026-11-20",
                "answers": raw,
            }
        )
    )
    return path


def test_merge_command_saves_a_normal_result_that_keeps_every_respondent(tmp_path: Path, hermetic: Path) -> None:
    a = write_answers(tmp_path, "Lt A", full(**{"planning-policy": 0}))
    b = write_answers(tmp_path, "Sgt B", full(**{"planning-policy": 3}))
    proc = run_prepkit("merge", str(a), str(b), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["respondents"] == ["Lt A", "Sgt B"]
    assert [d["question"] for d in report["disagreements"]] == ["planning-policy"]
    saved = Path(report["saved"])
    assert saved.parent == hermetic / "results"
    result = Store(hermetic).load(saved)
    assert result.team is not None and result.status == "complete"
    assert result.answers["planning-policy"].value == 0
    scored = run_prepkit("score", result.id, "--json")
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["agency"] == "Test Town PD"


def test_merge_output_is_private_and_not_overwritten_without_force(tmp_path: Path) -> None:
    a = write_answers(tmp_path, "a", full())
    b = write_answers(tmp_path, "b", full())
    target = tmp_path / "team.json"
    assert run_prepkit("merge", str(a), str(b), "-o", str(target), "--no-save").returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = target.read_bytes()
    again = run_prepkit("merge", str(a), str(b), "-o", str(target), "--no-save")
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert target.read_bytes() == before
    assert run_prepkit("merge", str(a), str(b), "-o", str(target), "--no-save", "--force").returncode == 0
    assert json.loads(target.read_text())["team"]["rule"].startswith("median-low")


def test_merge_command_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    a = write_answers(tmp_path, "a", full())
    b = write_answers(tmp_path, "b", full(), agency="Elsewhere PD")
    proc = run_prepkit("merge", str(a), str(b))
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: the results name different agencies") and "Traceback" not in proc.stderr


def test_the_report_of_a_team_result_lists_the_disagreements_to_discuss() -> None:
    from prepkit.report import render_report_html

    merged = merge_team(
        [member(full(**{"planning-policy": 0}), "Lt <A>"), member(full(**{"planning-policy": 3}), "Sgt B")]
    )
    html = render_report_html(merged)
    assert 'href="#team"' in html
    section = html[html.index('id="team"') :]
    section = section[: section.index("</section>")]
    assert "Lt &lt;A&gt;, Sgt B" in section and "<A>" not in section
    assert "Is there a written active assailant policy?" in section
    assert "Consensus: Not in place" in section and "Lt &lt;A&gt;: Not in place; Sgt B: Fully in place" in section
    alone = render_report_html(merge_team([member(full(), "a"), member(full(), "b")]))
    assert "No question showed a wide disagreement." in alone
    single = merge_team([member(full(), "a"), member(full(), "b")]).model_copy(update={"team": None})
    assert 'id="team"' not in render_report_html(single)


def test_the_same_answers_file_given_twice_is_refused(tmp_path: Path) -> None:
    a = write_answers(tmp_path, "a", full(**{"planning-policy": 0}))
    b = write_answers(tmp_path, "b", full(**{"planning-policy": 3}))
    proc = run_prepkit("merge", str(a), str(b), str(tmp_path / "." / a.name), "--no-save")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "is given more than once" in proc.stderr and str(a.resolve()) in proc.stderr


def test_disagreements_on_questions_that_no_longer_apply_are_dropped() -> None:
    # Three say there are no schools; two who say there are disagree wildly on the floor plans. The
    # consensus (no schools) makes the floor-plan question not apply: nothing to discuss about it.
    no_schools = full(**{"has-schools": "no", "schools-maps": None, "schools-drills": None})
    members = [member(no_schools, name) for name in ("A", "B", "C")]
    members += [
        member(full(**{"schools-maps": 0, "schools-drills": None}), "D"),
        member(full(**{"schools-maps": 3, "schools-drills": 0}), "E"),
    ]
    merged = merge_team(members)
    assert merged.team is not None
    assert merged.answers["has-schools"].choice == "no"
    assert [d.question for d in merged.team.disagreements] == ["has-schools"]
    assert [i.question for i in discussion_items(MINI, merged)] == ["has-schools"]
