"""Finishing WeasyPrint's tagged PDF with pikepdf: what WeasyPrint 70 leaves out of the structure tree.

- Table header cells (TH) get an attribute object with /Scope (/Column in a table head, /Row in a table
  body), which WeasyPrint does not carry over from HTML's `scope`: screen readers need it to announce
  the header of each cell (PDF/UA, ISO 14289-1 7.5).
- A PDF/A file (--pdfa) also claims PDF/UA-1 in its XMP metadata (pdfuaid:part), which WeasyPrint
  writes only for its pdf/ua variant, so that one file is both archival and accessible.
"""

from __future__ import annotations

import io
from typing import Any

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
_SCOPE_OF_SECTION = {"/THead": "/Column", "/TBody": "/Row", "/TFoot": "/Row"}


def finish_pdf(pdf: bytes, *, claim_ua: bool) -> bytes:
    """pdf with /Scope on every table header cell, and (claim_ua) the PDF/UA identifier in its XMP."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is not None:
            _add_scopes(tree.get("/K"), None, pikepdf)
        if claim_ua:
            with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                meta.register_xml_namespace(PDFUA_NS, "pdfuaid")
                meta["pdfuaid:part"] = "1"
        out = io.BytesIO()
        # deterministic_id: the same report gives the same bytes (the packet's hashes stay reproducible).
        document.save(out, deterministic_id=True)
    return out.getvalue()


def _add_scopes(node: Any, section: str | None, pikepdf: Any) -> None:
    stack: list[tuple[Any, str | None]] = [(node, section)]
    seen: set[tuple[int, int]] = set()
    while stack:
        item, where = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend((child, where) for child in item)
            continue
        if not isinstance(item, pikepdf.Dictionary):
            continue
        if item.is_indirect:
            key = item.objgen
            if key in seen:
                continue
            seen.add(key)
        kind = str(item.get("/S", ""))
        if kind == "/TH":
            _set_scope(item, _SCOPE_OF_SECTION.get(where or "", "/Row"), pikepdf)
        if kind in _SCOPE_OF_SECTION:
            where = kind
        elif kind == "/Table":
            where = None
        children = item.get("/K")
        if children is not None and kind not in ("/MCR", "/OBJR"):
            stack.append((children, where))


def _set_scope(cell: Any, scope: str, pikepdf: Any) -> None:
    attributes = cell.get("/A")
    table_attributes = None
    if isinstance(attributes, pikepdf.Dictionary):
        if str(attributes.get("/O", "")) == "/Table":
            table_attributes = attributes
    elif isinstance(attributes, pikepdf.Array):
        for entry in attributes:
            if isinstance(entry, pikepdf.Dictionary) and str(entry.get("/O", "")) == "/Table":
                table_attributes = entry
                break
    if table_attributes is None:
        table_attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
        if attributes is None:
            cell.A = table_attributes
        elif isinstance(attributes, pikepdf.Array):
            attributes.append(table_attributes)
        else:
            cell.A = pikepdf.Array([attributes, table_attributes])
    if "/Scope" not in table_attributes:
        table_attributes.Scope = pikepdf.Name(scope)
