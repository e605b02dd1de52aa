"""The fast paths of a large store (issue 15) give what the slow paths give, and trust no index over a file."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from conftest import PACK, run_prepkit
from prepkit.assess.interview import Interview
from prepkit.content.answers import parse_answer
from prepkit.content.models import Answer
from prepkit.content.questionnaire import load_questionnaire
from prepkit.errors import ContentError
from prepkit.history.compare import shown_score
from prepkit.history.timeline import entry_of, history_json, history_rows, load_history, relative_result
from prepkit.results import gate
from prepkit.results.index import INDEX_NAME
from prepkit.results.model import new_result, result_json
from prepkit.results.store import Store

MINI = load_questionnaire(PACK / "mini.yaml")
RAW_CHOICES: dict[str, list[Any]] = {
    "has-schools": ["yes", "no", "unsure", None],
    "planning-policy": [0, 1, 2, 3, "unknown", None],
    "planning-review": [0, 1, "na", "unknown", None],
    "schools-maps": [0, 1, 2, 3, "na", "unknown", None],
    "schools-drills": [0, 3, "na", None],
}


def _answers(rng: random.Random) -> dict[str, Answer]:
    """Random answers that the gate accepts: only to questions that apply."""
    from prepkit.content.applicability import applicability

    items = {item.id: item for item in MINI.items()}
    answers: dict[str, Answer] = {}
    for qid, choices in RAW_CHOICES.items():
        raw = rng.choice(choices)
        if raw is not None:
            answers[qid] = parse_answer(MINI, items[qid], raw)
            if not applicability(MINI, answers)[qid]:
                del answers[qid]
    return answers


def _generated_store(root: Path, count: int = 40, seed: int = 15) -> Store:
    rng = random.Random(seed)
    store = Store(root)
    for n in range(count):
        agency = rng.choice(["Test Town PD", "test  town pd", "Other PD", "Third County"])
        answers = _answers(rng)
        result = new_result(
            MINI, agency, None, answers, complete=rng.random() < 0.8, date=dt.date(2020, 1, 1) + dt.timedelta(n % 9)
        )
        if rng.random() < 0.2:
            result = result.model_copy(update={"provenance": dict.fromkeys(answers, "carried")})
        store.save_new(result)  # ids are agency and date: the same again gets '-2', '-3', ...
    return store


def _slow_history(store: Store, monkeypatch: pytest.MonkeyPatch, agency: str | None = None) -> list[dict[str, object]]:
    """history --json as it was computed before issue 15: every file through the gate's slow path, scored in full."""
    with monkeypatch.context() as patched:
        patched.setattr(gate, "_read_fast", lambda *args: None)
        entries = []
        for path in store.paths():
            try:
                entry = entry_of(path, store.load(path))
            except ContentError:
                continue
            if agency is None or " ".join(entry.result.agency.split()).casefold() == agency.casefold():
                entries.append(entry)
    entries.sort(key=lambda e: e.order)
    return [
        {
            "id": e.result.id,
            "path": str(e.path),
            "agency": e.result.agency,
            "questionnaire": e.result.questionnaire.id,
            "version": e.result.questionnaire.version,
            "date": e.result.date.isoformat(),
            "complete": e.card.complete,
            "overall": {"score": shown_score(e.card.score), "level": e.card.level},
        }
        for e in entries
    ]


def test_history_rows_are_those_of_the_slow_path(hermetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _generated_store(hermetic)
    rows, skipped = history_rows(store)
    assert skipped == []
    assert history_json(rows) == _slow_history(store, monkeypatch)
    assert len(rows) == 40
    picked, _ = history_rows(store, agency="TEST TOWN PD")  # through the header index
    assert history_json(picked) == _slow_history(store, monkeypatch, agency="test town pd")
    entries, _ = load_history(store, agency="test town pd")  # full entries (the plan's), by headers too
    assert [(e.result.id, e.card.score) for e in entries] == [(row.id, row.score) for row in picked]
    assert {row.carried for row in rows} - {0}  # some were reruns with carried answers


def test_the_gate_fast_path_gives_the_slow_paths_result(hermetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _generated_store(hermetic, count=25)
    fast = [store.load(path) for path in store.paths()]
    with monkeypatch.context() as patched:
        patched.setattr(gate, "_read_fast", lambda *args: None)
        slow = [Store(hermetic).load(path) for path in store.paths()]
    assert [r.model_dump() for r in fast] == [r.model_dump() for r in slow]


def _edit(path: Path, **changes: Any) -> None:
    data = json.loads(path.read_text())
    for key, value in changes.items():
        if key == "answer":
            data["answers"].update(value)
        else:
            data[key] = value
    path.write_text(json.dumps(data, indent=1))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer": {"planning-policy": {"kind": "value", "value": 99}}}, "99 is not on the scale"),
        ({"answer": {"planning-policy": {"kind": "na"}}}, "na is not an answer"),
        ({"answer": {"no-such-question": {"kind": "unknown"}}}, "unknown question"),
        ({"answer": {"planning-review": {"kind": "value", "value": 1e999}}}, "numbers must be finite"),
        ({"answer": {"has-schools": {"kind": "choice", "choice": "maybe"}}}, "not a choice"),
        ({"questionnaire": {"id": "mini", "version": "1.0", "hash": "sha256r:" + "0" * 64}}, "missing or damaged"),
        ({"agency": "Evil\u001b[2J PD"}, "control character"),
        ({"format": 1.0}, "unsupported result format 1.0"),
        ({"format": True}, "unsupported result format True"),
    ],
)
def test_a_forged_file_among_many_is_skipped_and_counted(hermetic: Path, change: dict[str, Any], message: str) -> None:
    store = _generated_store(hermetic, count=12)
    victim = store.paths()[5]
    _edit(victim, **change)
    with pytest.raises(ContentError, match=message):
        Store(hermetic).load(victim)
    rows, skipped = history_rows(Store(hermetic))
    assert len(rows) == 11 and str(victim) not in {str(row.path) for row in rows}
    assert [str(error.problems[0]).split(":")[0] for error in skipped] == [str(victim)]
    proc = run_prepkit("history", "--json")
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 11
    assert f"skipped {victim}" in proc.stderr


def test_the_index_is_rebuilt_when_a_file_changes_and_never_trusted_over_it(hermetic: Path) -> None:
    store = _generated_store(hermetic, count=10)
    headers, failed = store.headers()
    assert failed == [] and len(headers) == 10
    index = hermetic / INDEX_NAME
    assert index.is_file() and oct(index.stat().st_mode & 0o777) == "0o600"
    name, _ = headers[3]
    path = store.results_dir / name
    _edit(path, agency="Renamed PD")  # same size or not, the inode or times change
    again = dict(store.headers()[0])
    assert again[name].agency == "Renamed PD"
    assert json.loads(index.read_text())["columns"]["agency"][3] == "Renamed PD"  # written back
    # a file replaced by one with the very same size and times but another inode is read again
    data = path.read_bytes().replace(b"Renamed PD", b"Renamed XY")
    stat = path.stat()
    other = path.with_name("tmp.part")
    other.write_bytes(data)
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(other, path)
    assert dict(store.headers()[0])[name].agency == "Renamed XY"
    # removed files leave the index; a result picked by its header is still judged by the gate
    store.delete(headers[0][1].id)
    assert len(store.headers()[0]) == 9


@pytest.mark.parametrize("damage", [b"not json", b'{"format": 2, "columns": {"name": [1]}}', b""])
def test_a_damaged_or_deleted_index_costs_one_slower_run(hermetic: Path, damage: bytes) -> None:
    store = _generated_store(hermetic, count=8)
    expected = store.headers()
    index = hermetic / INDEX_NAME
    index.write_bytes(damage)
    assert store.headers() == expected
    assert json.loads(index.read_text())["format"] == 3  # rewritten
    index.unlink()
    assert store.headers() == expected and index.is_file()


def test_a_forged_index_entry_chooses_but_the_gate_decides(hermetic: Path) -> None:
    """An index edited by hand keeps its stat keys: it can make a command look at a file, never show
    it as something it is not."""
    store = _generated_store(hermetic, count=10)
    store.headers()
    index = hermetic / INDEX_NAME
    data = json.loads(index.read_text())
    data["columns"]["agency"] = ["Forged PD"] * len(data["columns"]["agency"])
    index.write_text(json.dumps(data))
    rows, _ = history_rows(store, agency="Forged PD")
    assert rows == []  # chosen by the forged headers, then refused: the files say otherwise
    data["columns"]["agency"][0] = "Evil\u001b[2J"
    index.write_text(json.dumps(data, ensure_ascii=True))
    assert all(h.agency != "Evil\u001b[2J" for _, h in store.headers()[0])  # a control character: not used


def test_latest_and_previous_read_only_one_series(hermetic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _generated_store(hermetic, count=30)
    read: list[Path] = []
    real = Store.load

    def counting(self: Store, path: Path) -> Any:
        read.append(path)
        return real(self, path)

    monkeypatch.setattr(Store, "load", counting)
    latest = relative_result(store, "latest", agency="Other PD")
    series = [h for _, h in store.headers()[0] if h.agency == "Other PD"]
    assert latest.result.agency == "Other PD" and 0 < len(read) <= len(series)
    with monkeypatch.context() as patched:
        patched.setattr(gate, "_read_fast", lambda *args: None)
        complete = [e for e in (entry_of(p, real(store, p)) for p in store.paths()) if e.card.complete]
    other = sorted((e for e in complete if e.result.agency == "Other PD"), key=lambda e: e.order)
    assert latest.result.id == other[-1].result.id


def test_the_resume_list_and_the_default_agency_come_from_the_index(hermetic: Path) -> None:
    from prepkit.assess.autosave import read_store

    store = _generated_store(hermetic, count=15)
    path = store.paths()[2]
    _edit(path, status="in-progress", updated="2031-01-01T00:00:00Z", agency="Latest PD")
    contents = read_store(store)
    ongoing = [p for p in store.paths() if json.loads(p.read_text())["status"] == "in-progress"]
    assert sorted(p for p, _ in contents.in_progress()) == ongoing and len(ongoing) > 1
    assert contents.in_progress()[0][0] == path  # the most recently saved first
    assert contents.last_agency("mini") == "Latest PD"
    _edit(path, answer={"planning-policy": {"kind": "value", "value": 99}})  # now damaged: set aside
    contents = read_store(Store(hermetic))
    assert path not in [p for p, _ in contents.in_progress()] and contents.damaged[0].moved_to is not None


def test_interview_progress_and_positions_match_a_recount() -> None:
    rng = random.Random(3)
    for _ in range(30):
        interview = Interview(MINI)
        for _ in range(60):
            if interview.current is None:
                break
            item = interview.current
            options = interview.options(item)
            keys = (
                [o.key for o in options] + (["/n"] if item.na_allowed else []) + ["/s", "/b", "/z"]
            )  # skip, back, undo
            interview.handle(rng.choice(keys))
            if interview.mode.value == "na-reason":
                interview.handle("")
            applicable = [i for i in interview.items if interview._applies[i.id]]
            scored = [i for i in applicable if not i.is_profile]  # the profile is counted on its own
            assert interview.progress() == (sum(i.id in interview.answers for i in scored), len(scored))
            assert list(interview.saved_answers()) == [i.id for i in interview.items if i.id in interview.answers]
            for each in interview.items:
                same = [o for o in applicable if o.domain is each.domain]
                number = next((n for n, o in enumerate(same, 1) if o.index == each.index), len(same) + 1)
                assert interview.section_position(each) == (number, len(same))


def test_result_files_written_by_prepkit_keep_taking_the_fast_path(hermetic: Path) -> None:
    """A guard for the speed: an ordinary saved result must not fall to the slow path."""
    store = _generated_store(hermetic, count=5)
    for path in store.paths():
        assert gate._read_fast(path, path.read_text(), store._lookup) is not None
    assert result_json  # the format prepkit writes (model_dump_json) is what the fast path parses


@pytest.mark.parametrize("width", [40, 80, 100, 200])
def test_a_long_table_prints_exactly_as_rich_prints_it(width: int) -> None:
    import io

    from rich.console import Console
    from rich.table import Table

    from prepkit.cli.long_table import LONG, print_long_table

    rng = random.Random(width)
    words = ["Agency", "Town", "PD", "Sheriff's Office", "Ünïcödé", "東京都", ":smile:", "tab\there", "a  b", "—", ""]
    columns = ["date", "agency", "score", "level", "id", "carried, unchecked"]
    rows = [
        [
            f"2020-01-{n % 28 + 1:02d}",
            " ".join(rng.choice(words) for _ in range(rng.randint(1, 4))),
            rng.choice(["—", "49.3", "100.0"]),
            rng.choice(["Developing", "Not assessed at all, really", "x"]),
            f"20200101-000000-agency-{n}-bench-{n:06x}" + "-long" * rng.randint(0, 3),
            rng.choice(["", "3", "140"]),
        ]
        for n in range(LONG + 20)
    ]
    rows[7][1] = "Superintendency-of-the-Metropolitan-Police"  # the longest word of its column
    rows[9][1] = "a b " * 14  # the widest cell of its column, in short words

    def console() -> Console:
        return Console(file=io.StringIO(), width=width, no_color=True, highlight=False, markup=False)

    ours, theirs = console(), console()
    print_long_table(ours, "History (many results, oldest first)", columns, rows)
    table = Table(title="History (many results, oldest first)")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    theirs.print(table)
    assert ours.file.getvalue() == theirs.file.getvalue()  # type: ignore[attr-defined]


def _applicability_as_specified(q: Any, answers: dict[str, Answer]) -> dict[str, bool]:
    """Spec 1.2 read literally: in asking order, a question applies when each condition holds; a
    condition on an unanswered, N/A, unknown or not-applicable (or not yet asked) question does not."""
    from prepkit.content.applicability import conditions_of

    applies: dict[str, bool] = {}
    for item in conditions_of(q):
        ok = True
        for c in item.conditions:
            answer = answers.get(c.ref)
            if answer is None or not applies.get(c.ref, False):
                ok = False
            elif c.choices is not None:
                ok = answer.kind == "choice" and answer.choice in c.choices
            else:
                ok = answer.kind == "value" and answer.value is not None and float(answer.value) in (c.values or ())
            if not ok:
                break
        applies[item.id] = ok
    return applies


CHAIN = """
format: 1
id: chain
version: "1"
title: A chain of conditions
scales:
  capacity: [{value: 0, label: No}, {value: 1, label: Partly}, {value: 2, label: Yes}]
levels: [{id: low, label: Low, min: 0}]
profile:
  - {id: kind, text: Kind?, choices: [city, county]}
domains:
  - id: d
    title: D
    questions:
      - {id: a, text: A?}
      - {id: b, text: B?, when: {a: [1, 2]}}
      - {id: c, text: C?, when: {b: [Yes]}}
      - {id: e, text: E?, when: {kind: [county], c: [2]}}
      - {id: f, text: F?, when: {kind: [city]}}
"""


@pytest.mark.parametrize("source", [PACK / "mini.yaml", PACK.parent / "assess" / "drill.yaml", None])
def test_the_compiled_skip_logic_is_the_specified_one(source: Path | None, tmp_path: Path) -> None:
    from prepkit.content.applicability import applicability

    if source is None:
        source = tmp_path / "chain.yaml"
        source.write_text(CHAIN)
    q = load_questionnaire(source)
    rng = random.Random(12)
    items = q.items()
    for _ in range(300):
        answers: dict[str, Answer] = {}
        for item in items:
            roll = rng.random()
            if roll < 0.2:
                continue
            if hasattr(item, "choices"):
                answers[item.id] = Answer(kind="choice", choice=rng.choice(item.choices).id)
            elif roll < 0.3:
                answers[item.id] = Answer(kind=rng.choice(["na", "unknown"]))
            else:
                answers[item.id] = Answer(kind="value", value=rng.choice(q.scale_of(item)).value)
        assert applicability(q, answers) == _applicability_as_specified(q, answers)
        assert list(applicability(q, answers)) == [item.id for item in items]


def test_the_skip_logic_the_gate_shares_is_the_scorers_own(hermetic: Path) -> None:
    """history and rollup score with the applicability the gate worked out while reading: it is the one
    applicability() gives, handed out once, and only for the answers it was computed for."""
    from prepkit.content.applicability import applicability
    from prepkit.scoring import Scorer

    store = _generated_store(hermetic)
    scorer = Scorer(MINI)
    shared: list[Path] = []
    for path in store.paths():
        result = store.load(path)
        q = gate.questionnaire_of(result)
        applies = gate.applicability_read(q, result)
        assert gate.applicability_read(q, result) is None  # handed out once
        if applies is None:
            continue
        shared.append(path)
        assert applies == applicability(q, result.answers)
        assert Scorer(q).summarize(result.answers, applies) == scorer.summarize(result.answers)
    assert shared  # some results answer a conditional question: the gate worked their skip logic out
    result = store.load(shared[0])
    copied = result.model_copy(update={"answers": dict(result.answers)})
    assert gate.applicability_read(gate.questionnaire_of(result), copied) is None  # not for other answers


@pytest.mark.parametrize("told", [0, 10, 99])
def test_a_file_that_grew_after_its_size_was_read_is_read_whole_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, told: int
) -> None:
    """read_text reads as much as fstat said plus one byte; a file that grew meanwhile is read on, and
    one grown past the limit is still refused."""
    from prepkit.content import yamlio

    real = yamlio._open_regular
    monkeypatch.setattr(yamlio, "_open_regular", lambda path: (real(path)[0], told))
    path = tmp_path / "grown.json"
    path.write_text("x" * 100)
    assert yamlio.read_text(path) == "x" * 100
    monkeypatch.setattr(yamlio, "MAX_BYTES", 50)
    with pytest.raises(ContentError, match=r"larger than|the limit"):
        yamlio.read_text(path)
