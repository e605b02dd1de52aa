"""Sign-off (`prepkit sign`), the public summary, and the state board's packet read back by `rollup`."""

from __future__ import annotations

import datetime as dt
import io
import json
import warnings
import zipfile
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from conftest import REPO
from prepkit.cli import app
from prepkit.content.answers import load_answers
from prepkit.errors import ContentError
from prepkit.report import write_report
from prepkit.report.context import build_context
from prepkit.results.approval import approval_state, fingerprint
from prepkit.results.model import Result, new_result
from prepkit.results.packet import MANIFEST, PUBLIC_SUMMARY, RESULT, build_packet, open_packet, read_packet
from prepkit.results.store import Store
from prepkit.scoring import score
from resultkit import save_result

EXAMPLE = REPO / "examples" / "county-sheriff-answers.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(app, list(args))
    return outcome.exit_code, outcome.stdout, outcome.stderr


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def signed_store_result(store: Store) -> tuple[Result, Path]:
    result, path = save_result(store)
    code, out, err = invoke(
        "sign", result.id, "--name", "Chief Ana Ruiz", "--title", "Chief of Police", "--date", "2026-11-30"
    )
    assert code == 0, err
    assert "sha256:" in err and out == ""  # messages go to standard error
    return store.load(path), path


def example_result() -> Result:
    sheet = load_answers(EXAMPLE)
    q = sheet.questionnaire
    complete = score(q, sheet.answers).complete
    return new_result(q, sheet.agency, sheet.respondent, sheet.answers, complete=complete, date=sheet.date)


# --- sign-off -------------------------------------------------------------------------------------------


def test_sign_records_an_approval_bound_to_the_answers(hermetic: Path) -> None:
    store = Store(hermetic)
    signed, _ = signed_store_result(store)
    assert signed.approval is not None
    assert signed.approval.name == "Chief Ana Ruiz" and signed.approval.date.isoformat() == "2026-11-30"
    assert signed.approval.fingerprint == fingerprint(signed)
    assert approval_state(signed) == "signed"
    changed = signed.model_copy(update={"answers": {**signed.answers, "schools-drills": signed.answers["has-schools"]}})
    assert approval_state(changed) == "changed"


def test_sign_refuses_bad_input(hermetic: Path) -> None:
    result, _ = save_result(Store(hermetic))
    assert invoke("sign", result.id, "--name", "A", "--title", "B", "--date", "30.11.2026")[0] == 2
    assert invoke("sign", result.id, "--name", "A\x1b[31m", "--title", "B")[0] == 2
    assert invoke("sign", result.id, "--name", "  ", "--title", "B")[0] == 2
    assert invoke("sign", "no-such-result", "--name", "A", "--title", "B")[0] == 2
    # a typo in the date: an approval cannot precede the assessment nor come from the future
    code, _, err = invoke("sign", result.id, "--name", "A", "--title", "B", "--date", "2026-11-24")
    assert code == 2 and f"is before the assessment it approves ({result.date})" in err
    tomorrow = (dt.datetime.now().astimezone().date() + dt.timedelta(days=1)).isoformat()
    code, _, err = invoke("sign", result.id, "--name", "A", "--title", "B", "--date", tomorrow)
    assert code == 2 and "is in the future" in err
    assert Store(hermetic).load(Store(hermetic).path_of(result.id)).approval is None


def test_old_results_without_approval_still_read(hermetic: Path) -> None:
    store = Store(hermetic)
    _, path = save_result(store)
    data = json.loads(path.read_text())
    del data["approval"]  # a result saved before sign-off existed
    path.write_text(json.dumps(data))
    assert store.load(path).approval is None


def test_unsigned_report_says_draft_on_every_page(tmp_path: Path, hermetic: Path) -> None:
    result, _ = save_result(Store(hermetic))
    out = write_report(result, tmp_path / "draft.pdf")
    pages = pdf_pages(out)
    assert all("Draft" in page for page in pages)
    assert "Fingerprint" not in "".join(pages)


def test_signed_report_shows_the_block_and_an_edited_answer_voids_it(tmp_path: Path, hermetic: Path) -> None:
    store = Store(hermetic)
    signed, path = signed_store_result(store)
    pages = pdf_pages(write_report(signed, tmp_path / "signed.pdf"))
    text = "\n".join(pages)
    assert "Approved by Chief Ana Ruiz, Chief of Police, on 2026-11-30" in " ".join(text.split())
    assert signed.approval is not None and signed.approval.fingerprint[:30] in text.replace("\n", "")
    assert not any("Draft" in page for page in pages)
    # Edit one answer in the file, to another value on its scale: the gate accepts it, the approval is void.
    data = json.loads(path.read_text())
    assert data["answers"]["planning-policy"]["value"] == 2
    data["answers"]["planning-policy"]["value"] = 1
    path.write_text(json.dumps(data, indent=1))
    edited = store.load(path)
    assert approval_state(edited) == "changed"
    pages = pdf_pages(write_report(edited, tmp_path / "edited.pdf"))
    assert "changed after approval" in " ".join(" ".join(pages).split())
    assert all("Draft" in page for page in pages)
    assert "Approved by" not in "".join(pages)
    code, out, _ = invoke("history")
    assert code == 0 and "changed" in out and "approval" in out


def test_history_shows_who_signed(hermetic: Path) -> None:
    signed_store_result(Store(hermetic))
    code, out, _ = invoke("history")
    assert code == 0 and "Chief Ana Ruiz" in out and "signed by" in out


# --- the public summary ----------------------------------------------------------------------------------


def test_public_summary_has_no_question_level_detail(tmp_path: Path) -> None:
    result = example_result()
    full = build_context(result)
    assert len(full.gaps) > 50
    out = write_report(result, tmp_path / "public.pdf", audience="public")
    text = " ".join(" ".join(pdf_pages(out)).split())
    for gap in full.gaps:
        assert gap.question not in text, gap.question
    notes = [a.note for a in result.answers.values() if a.note] + [
        a.evidence for a in result.answers.values() if a.evidence
    ]
    assert notes
    for note in notes:
        assert " ".join(note.split()) not in text, note
    assert result.respondent and result.respondent not in text
    for domain in full.domains:
        assert domain.title in text and domain.level in text
    assert "In plain words" in text and "Where to improve first" in text
    assert "Resources" not in text and "LAW ENFORCEMENT" not in text  # no marking unless asked for


def test_public_context_holds_no_question_data_for_any_template() -> None:
    public = build_context(example_result(), audience="public")
    assert public.gaps == public.lead == public.top == public.na_answers == []
    assert public.grouped == [] and public.resources == [] and public.respondent is None
    assert all(d.questions == [] for d in public.domains)
    assert public.plan_counts is None


def test_plan_counts_show_only_when_a_plan_exists() -> None:
    from prepkit.report import render_report_html

    result = example_result()
    assert "What the agency is doing about them" not in render_report_html(result, audience="public")
    html = render_report_html(result, audience="public", plan_counts={"open": 80, "in-progress": 15, "done": 7})
    assert "What the agency is doing about them" in html and "15 in progress" in html


def test_full_report_starts_with_a_plain_language_page(tmp_path: Path) -> None:
    pages = pdf_pages(write_report(example_result(), tmp_path / "full.pdf"))
    assert "In plain words" in pages[1] and "Where the agency is strongest" in pages[1]
    assert "Executive summary" in pages[2]


# --- the packet and the roll-up ---------------------------------------------------------------------------


@pytest.fixture
def packet_file(hermetic: Path, tmp_path: Path) -> Path:
    store = Store(hermetic)
    signed, _ = signed_store_result(store)
    target = tmp_path / "board" / "test-town.prepkit"
    target.parent.mkdir()
    code, _, err = invoke("packet", signed.id, "-o", str(target))
    assert code == 0, err
    return target


def test_packet_holds_result_summary_and_manifest(packet_file: Path) -> None:
    with zipfile.ZipFile(packet_file) as archive:
        assert sorted(archive.namelist()) == sorted([MANIFEST, RESULT, PUBLIC_SUMMARY])
        manifest = json.loads(archive.read(MANIFEST))
        summary = archive.read(PUBLIC_SUMMARY)
    assert manifest["result"]["agency"] == "Test Town Police Department"
    assert manifest["approval"]["name"] == "Chief Ana Ruiz"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(summary)).pages)
    assert "Public Summary" in text.title() and "Is there a written active assailant policy?" not in text
    result, state = read_packet(packet_file)
    assert state == "signed" and result.snapshot is not None


def test_packet_of_an_unsigned_result_is_refused(hermetic: Path, tmp_path: Path) -> None:
    result, _ = save_result(Store(hermetic))
    code, _, err = invoke("packet", result.id, "-o", str(tmp_path / "x.prepkit"))
    assert code == 2 and "not signed" in err
    assert not (tmp_path / "x.prepkit").exists()


def _rollup_json(*args: str) -> tuple[dict[str, object], str]:
    code, out, err = invoke("rollup", *args, "--json")
    assert code == 0, err
    return json.loads(out), err


def test_rollup_reads_packets_and_skips_one_with_a_byte_changed(packet_file: Path) -> None:
    data, _ = _rollup_json(str(packet_file.parent))
    assert data["agencies"] == 1 and data["skipped"] == 0
    intact = packet_file.with_name("intact-copy.prepkit")
    intact.write_bytes(packet_file.read_bytes())
    raw = bytearray(packet_file.read_bytes())
    with zipfile.ZipFile(packet_file) as archive:
        info = archive.getinfo(RESULT)
    raw[info.header_offset + 30 + len(RESULT) + 40] ^= 0x01  # one byte inside result.json's data
    packet_file.write_bytes(bytes(raw))
    data, err = _rollup_json(str(packet_file.parent))
    assert data["skipped"] == 1 and data["agencies"] == 1  # the intact copy still counts
    assert str(packet_file) in err and "packet refused" in err and "intact-copy" not in err


def _repack(packet: Path, change: dict[str, bytes], *, rehash: bool) -> None:
    """Rewrite a packet with parts changed; rehash: a tamperer who also fixes the manifest's hashes."""
    with zipfile.ZipFile(packet) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts.update(change)
    if rehash:
        import hashlib

        manifest = json.loads(parts[MANIFEST])
        for name in manifest["parts"]:
            manifest["parts"][name] = {"sha256": hashlib.sha256(parts[name]).hexdigest(), "bytes": len(parts[name])}
        parts[MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(packet, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_rehashed_packet_with_an_edited_answer_fails_the_signature(packet_file: Path) -> None:
    with zipfile.ZipFile(packet_file) as archive:
        result = json.loads(archive.read(RESULT))
    result["answers"]["planning-policy"]["value"] = 3
    _repack(packet_file, {RESULT: json.dumps(result).encode()}, rehash=True)
    with pytest.raises(ContentError, match="changed after approval"):
        read_packet(packet_file)
    data, err = _rollup_json(str(packet_file.parent))
    assert data["skipped"] == 1 and "changed after approval" in err


def test_signed_only_counts_signed_results(packet_file: Path, hermetic: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    unsigned, _ = save_result(Store(hermetic), agency="Other Town Police")
    (other / "unsigned.json").write_text(Store(hermetic).load(Store(hermetic).path_of(unsigned.id)).model_dump_json())
    data, _ = _rollup_json(str(packet_file.parent), str(other))
    assert data["agencies"] == 2
    data, err = _rollup_json(str(packet_file.parent), str(other), "--signed-only")
    assert data["agencies"] == 1 and "1 unsigned" in err


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"../evil.json": b"{}"}, "unexpected entry"),
        ({"/etc/passwd": b"x"}, "unexpected entry"),
        ({"folder/result.json": b"{}"}, "unexpected entry"),
        ({RESULT: b"0" * (6 * 2**20)}, "too large"),
        ({"extra.txt": b"hello"}, "unexpected entry"),
        ({RESULT: b" " * (3 * 2**20)}, "compressed suspiciously well"),  # a zip bomb in small
    ],
)
def test_hostile_packets_are_refused_without_touching_disk(
    packet_file: Path, tmp_path: Path, entries: dict[str, bytes], message: str
) -> None:
    with zipfile.ZipFile(packet_file) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts.update(entries)
    hostile = tmp_path / "hostile.prepkit"
    with zipfile.ZipFile(hostile, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ContentError, match=message):
        open_packet(hostile)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_not_a_zip_and_duplicate_entries_are_refused(packet_file: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.prepkit"
    junk.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ContentError, match="not a readable zip"):
        open_packet(junk)
    twice = tmp_path / "twice.prepkit"
    with (
        warnings.catch_warnings(),
        zipfile.ZipFile(packet_file) as source,
        zipfile.ZipFile(twice, "w") as archive,
    ):
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we write on purpose
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        archive.writestr(RESULT, b"{}")
    with pytest.raises(ContentError, match=r"appears twice|unexpected|entries"):
        open_packet(twice)


def test_build_packet_is_reproducible(hermetic: Path) -> None:
    signed, _ = signed_store_result(Store(hermetic))
    import datetime as dt

    when = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    first = build_packet(signed, public_summary=b"%PDF-1.7", now=when)
    assert first == build_packet(signed, public_summary=b"%PDF-1.7", now=when)
    with_plan = build_packet(signed, public_summary=b"%PDF-1.7", plan_csv=b"item,domain\r\n", now=when)
    with zipfile.ZipFile(io.BytesIO(with_plan)) as archive:
        assert "plan.csv" in archive.namelist()


def test_sign_and_packet_take_latest(hermetic: Path, tmp_path: Path) -> None:
    store = Store(hermetic)
    save_result(store, agency="Test Town Police Department")
    latest, path = save_result(store)
    code, out, err = invoke("sign", "latest", "--name", "Chief Ana Ruiz", "--title", "Chief of Police")
    assert code == 0, err
    assert f"Signed {latest.id}" in err and out == "" and store.load(path).approval is not None
    target = tmp_path / "board.prepkit"
    code, out, err = invoke("packet", "latest", "-o", str(target))
    assert code == 0, err
    assert target.is_file()
