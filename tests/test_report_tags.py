"""The PDF's structure for screen readers: /Scope on every table header cell, and PDF/A that is PDF/UA too."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from prepkit.report import write_report
from test_report import mini_result


def _elements(node: object, kind: str) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(item)
        elif isinstance(item, pikepdf.Dictionary):
            if item.get("/S") == kind:
                found.append(item)
            if "/K" in item and item.get("/S") not in ("/MCR", "/OBJR"):
                stack.append(item.K)
    return found


def _scope(cell: pikepdf.Dictionary) -> str | None:
    attributes = cell.get("/A")
    entries = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    for entry in entries:
        if isinstance(entry, pikepdf.Dictionary) and entry.get("/O") == "/Table" and "/Scope" in entry:
            return str(entry.Scope)
    return None


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(mini_result(), tmp_path_factory.mktemp("tags") / "mini.pdf")


def test_every_table_header_cell_has_a_scope(tagged: Path) -> None:
    with pikepdf.open(tagged) as pdf:
        cells = _elements(pdf.Root.StructTreeRoot.K, "/TH")
        assert len(cells) > 20
        scopes = [_scope(cell) for cell in cells]
        assert None not in scopes
        assert {"/Column", "/Row"} == set(scopes)
        for head in _elements(pdf.Root.StructTreeRoot.K, "/THead"):
            assert {_scope(c) for c in _elements(head.K, "/TH")} == {"/Column"}


def test_pdfa_claims_pdfa_and_pdfua_in_one_file(tmp_path: Path) -> None:
    out = write_report(mini_result(), tmp_path / "archive.pdf", pdfa=True)
    with pikepdf.open(out) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status.startswith("3")  # PDF/A-3
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root and "/Lang" in pdf.Root
        assert all(_scope(c) for c in _elements(pdf.Root.StructTreeRoot.K, "/TH"))
    plain = write_report(mini_result(), tmp_path / "plain.pdf")
    with pikepdf.open(plain) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1" and not meta.pdfa_status
