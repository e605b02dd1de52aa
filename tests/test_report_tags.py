"""The PDF's structure for screen readers: /Scope on every table header cell, and PDF/A that is PDF/UA too.

Also what report/pdftags.py does to WeasyPrint's PDF before and after it is written: the same HTML gives
the same bytes, the file identifier leaves the file intact, and the finisher's rules cell by cell.
"""

from __future__ import annotations

import gc
import hashlib
import io
from pathlib import Path

import pikepdf
import pydyf
import pytest

from prepkit.report import render_report_html, write_report
from prepkit.report.html import template_dirs
from prepkit.report.links import safe_links
from prepkit.report.pdf import render_pdf
from prepkit.report.pdftags import FinishingError, add_scopes, claim_pdfua, with_file_identifier
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
    assert gc.isenabled()  # the collector paused while the report was built is running again
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


def test_header_cells_in_a_body_or_foot_are_row_headers(tagged: Path) -> None:
    with pikepdf.open(tagged) as pdf:
        bodies = _elements(pdf.Root.StructTreeRoot.K, "/TBody") + _elements(pdf.Root.StructTreeRoot.K, "/TFoot")
        row_headers = [cell for body in bodies for cell in _elements(body.K, "/TH")]
        assert len(row_headers) > 10
        assert {_scope(cell) for cell in row_headers} == {"/Row"}


@pytest.mark.parametrize("pdfa", [False, True], ids=["pdf-ua", "pdf-a"])
def test_the_same_html_gives_the_same_bytes_and_an_intact_file(pdfa: bool) -> None:
    html = safe_links(render_report_html(mini_result()))
    roots = template_dirs()
    first = render_pdf(html, roots, pdfa=pdfa)
    assert gc.isenabled()  # the collector paused for the render is running again
    assert render_pdf(html, roots, pdfa=pdfa) == first
    with pikepdf.open(io.BytesIO(first)) as pdf:
        identifier = [bytes(part) for part in pdf.trailer.ID]
        assert pdf.get_warnings() == [] and pdf.check_pdf_syntax() == []  # no cross-reference repaired
        meta = pdf.open_metadata()
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        assert bool(meta.pdfa_status) is pdfa
    assert identifier[0] == identifier[1] and len(identifier[0]) == 16


def _struct(pdf: pydyf.PDF, kind: str, parent: pydyf.Dictionary | None, **extra: object) -> pydyf.Dictionary:
    element = pydyf.Dictionary({"Type": "/StructElem", "S": kind, "K": pydyf.Array(), **extra})
    if parent is not None:
        element["P"] = parent.reference
    pdf.add_object(element)
    return element


def test_add_scopes_by_section_and_whatever_attributes_a_cell_has() -> None:
    pdf = pydyf.PDF()
    root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
    pdf.add_object(root)
    table = _struct(pdf, "/Table", root)
    head_row = _struct(pdf, "/TR", _struct(pdf, "/THead", table))
    body_row = _struct(pdf, "/TR", _struct(pdf, "/TBody", table))
    foot_row = _struct(pdf, "/TR", _struct(pdf, "/TFoot", table))
    bare_row = _struct(pdf, "/TR", table)  # a row straight in the table: no section
    column = _struct(pdf, "/TH", head_row, A=pydyf.Dictionary({"O": "/Table", "ColSpan": 2}))
    no_attributes = _struct(pdf, "/TH", head_row)
    layout_only = _struct(pdf, "/TH", body_row, A=pydyf.Dictionary({"O": "/Layout"}))
    listed = _struct(pdf, "/TH", foot_row, A=pydyf.Array([pydyf.Dictionary({"O": "/Table"})]))
    kept = _struct(pdf, "/TH", bare_row, A=pydyf.Dictionary({"O": "/Table", "Scope": "/Both"}))
    nested_row = _struct(pdf, "/TR", _struct(pdf, "/Table", _struct(pdf, "/TD", head_row)))
    nested = _struct(pdf, "/TH", nested_row)  # a table inside a head cell starts afresh
    data_cell = _struct(pdf, "/TD", body_row, A=pydyf.Dictionary({"O": "/Table"}))

    assert add_scopes(pdf) == 6
    assert column["A"] == {"O": "/Table", "ColSpan": 2, "Scope": "/Column"}
    assert no_attributes["A"] == {"O": "/Table", "Scope": "/Column"}
    assert layout_only["A"] == [{"O": "/Layout"}, {"O": "/Table", "Scope": "/Row"}]
    assert listed["A"] == [{"O": "/Table", "Scope": "/Row"}]
    assert kept["A"]["Scope"] == "/Both"
    assert nested["A"]["Scope"] == "/Row"
    assert "Scope" not in data_cell["A"]


def _metadata_pdf(xmp: bytes) -> pydyf.PDF:
    pdf = pydyf.PDF()
    stream = pydyf.Stream([xmp], {"Type": "/Metadata", "Subtype": "/XML"})
    pdf.add_object(stream)
    pdf.catalog["Metadata"] = stream.reference
    return pdf


def test_claim_pdfua_goes_inside_the_one_rdf_element() -> None:
    pdf = _metadata_pdf(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="r"><a/></rdf:RDF></x:xmpmeta>')
    claim_pdfua(pdf)
    content = pdf.objects[-1].stream[0]
    assert content.index(b'pdfuaid:part="1"') < content.index(b"</rdf:RDF>")
    claim_pdfua(pdf)  # claimed once only
    assert pdf.objects[-1].stream[0] == content
    with pytest.raises(FinishingError):
        claim_pdfua(_metadata_pdf(b"<x:xmpmeta/>"))
    with pytest.raises(FinishingError):
        claim_pdfua(pydyf.PDF())


def test_file_identifier_in_a_classic_trailer_and_never_twice() -> None:
    pdf = pydyf.PDF()
    output = io.BytesIO()
    pdf.write(output)  # uncompressed: a cross-reference table and a `trailer` dictionary
    plain = output.getvalue()
    marked = with_file_identifier(plain)
    digest = hashlib.md5(plain).digest()
    with pikepdf.open(io.BytesIO(marked)) as reopened:
        assert [bytes(part) for part in reopened.trailer.ID] == [digest, digest]
        assert reopened.get_warnings() == []
    assert with_file_identifier(marked) == marked
    assert with_file_identifier(b"%PDF-1.7 not a whole file") == b"%PDF-1.7 not a whole file"
