"""Finishing WeasyPrint's tagged PDF: what WeasyPrint 70 leaves out of the structure tree and trailer.

- Table header cells (TH) get /Scope in their table attribute object (/Column in a table head, /Row in
  a table body), which WeasyPrint does not carry over from HTML's `scope`: screen readers need it to
  announce the header of each cell (PDF/UA, ISO 14289-1 7.5).
- A PDF/A file (--pdfa) also claims PDF/UA-1 in its XMP metadata (pdfuaid:part), which WeasyPrint
  writes only for its pdf/ua variant, so that one file is both archival and accessible.
- Every file gets a file identifier (/ID) made from its own bytes, so the same report gives the same
  bytes (the packet's hashes stay reproducible).

The first two are done by `finisher`, which WeasyPrint's `write_pdf(finisher=...)` calls with the
pydyf PDF object after it has built the structure tree and the metadata and before it writes a byte:
the PDF is never parsed and written a second time. `with_file_identifier` adds the /ID to the written
bytes, which costs one MD5 of the file instead of WeasyPrint's own identifier (a second serialization
of every object).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SCOPE_OF_SECTION = {"/THead": "/Column", "/TBody": "/Row", "/TFoot": "/Row"}
_MAX_DEPTH = 512  # structure levels walked up from a cell (a guard against a cycle of parents)
# The PDF/UA claim, with its own namespace declarations so that it does not depend on WeasyPrint's prefixes.
_UA_CLAIM = f'<rdf:Description xmlns:rdf="{RDF_NS}" xmlns:pdfuaid="{PDFUA_NS}" rdf:about="" pdfuaid:part="1"/>'
_RDF_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?RDF\s*>")
_TAIL = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*\Z")


class FinishingError(RuntimeError):
    """WeasyPrint built something this module does not know how to finish (a WeasyPrint upgrade?)."""


def finisher(*, claim_ua: bool) -> Callable[[Any, Any], None]:
    """WeasyPrint's `write_pdf` finisher: /Scope on every table header cell, and (claim_ua) the PDF/UA claim."""

    def finish(document: Any, pdf: Any) -> None:
        add_scopes(pdf)
        if claim_ua:
            claim_pdfua(pdf)

    return finish


def add_scopes(pdf: Any) -> int:
    """/Scope on every TH structure element of pdf (a pydyf.PDF); returns the number of cells."""
    import pydyf

    objects = pdf.objects
    cells = 0
    for item in objects:
        if isinstance(item, dict) and item.get("S") == "/TH" and item.get("Type") == "/StructElem":
            _set_scope(item, _scope_of(item, objects), pydyf)
            cells += 1
    return cells


def _resolve(value: Any, objects: list[Any]) -> Any:
    """The object an indirect reference (b"12 0 R") names; a direct object as it is."""
    if isinstance(value, (bytes, str)):
        parts = value.split()
        if len(parts) == 3 and parts[0].isdigit() and int(parts[0]) < len(objects):
            return objects[int(parts[0])]
        return None
    return value


def _scope_of(cell: dict[str, Any], objects: list[Any]) -> str:
    """/Column for a header cell in a table head, else /Row (a table body or foot, or no section)."""
    node: Any = cell
    for _ in range(_MAX_DEPTH):
        node = _resolve(node.get("P"), objects)
        if not isinstance(node, dict):
            break
        kind = node.get("S")
        if kind in _SCOPE_OF_SECTION:
            return _SCOPE_OF_SECTION[kind]
        if kind is None or kind == "/Table":  # the structure root, or the table itself: no section
            break
    return "/Row"


def _set_scope(cell: dict[str, Any], scope: str, pydyf: Any) -> None:
    attributes = cell.get("A")
    table_attributes: dict[str, Any] | None = None
    if isinstance(attributes, dict):
        if attributes.get("O") == "/Table":
            table_attributes = attributes
    elif isinstance(attributes, list):
        for entry in attributes:
            if isinstance(entry, dict) and entry.get("O") == "/Table":
                table_attributes = entry
                break
    if table_attributes is None:
        table_attributes = pydyf.Dictionary({"O": "/Table"})
        if attributes is None:
            cell["A"] = table_attributes
        elif isinstance(attributes, list):
            attributes.append(table_attributes)
        else:
            cell["A"] = pydyf.Array([attributes, table_attributes])
    table_attributes.setdefault("Scope", scope)


def claim_pdfua(pdf: Any) -> None:
    """Add pdfuaid:part="1" to the XMP metadata stream WeasyPrint wrote (for a PDF/A file)."""
    stream = _resolve(pdf.catalog.get("Metadata"), pdf.objects)
    items = getattr(stream, "stream", None)
    if not isinstance(items, list):
        raise FinishingError("WeasyPrint wrote no XMP metadata stream to claim PDF/UA in")
    content = b"\n".join(item if isinstance(item, bytes) else str(item).encode() for item in items)
    if PDFUA_NS.encode() in content:
        return
    ends = list(_RDF_END.finditer(content))
    if len(ends) != 1:
        raise FinishingError("WeasyPrint's XMP metadata has no single rdf:RDF element to claim PDF/UA in")
    at = ends[0].start()
    stream.stream = [content[:at] + _UA_CLAIM.encode() + content[at:]]


def with_file_identifier(pdf: bytes) -> bytes:
    """pdf with /ID [<md5> <md5>] (the MD5 of its bytes) in its trailer, unless it has one.

    The trailer (a cross-reference stream's dictionary, or the `trailer` dictionary) comes after the
    offset `startxref` gives and before the end of the file, so inserting into it moves no object that
    an offset points to. A file of another shape is returned as it is.
    """
    tail = _TAIL.search(pdf, max(0, len(pdf) - 64))
    if tail is None:
        return pdf
    opening = pdf.find(b"<<", int(tail.group(1)), tail.start())
    closing = pdf.find(b">>", opening)
    if opening < 0 or closing < 0 or b"/ID" in pdf[opening:closing]:
        return pdf
    digest = hashlib.md5(pdf, usedforsecurity=False).hexdigest().encode()
    entry = b"/ID [<" + digest + b"> <" + digest + b">]"
    return pdf[: opening + 2] + entry + pdf[opening + 2 :]
