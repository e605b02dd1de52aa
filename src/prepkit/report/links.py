"""Which links may reach a report: http, https, mailto and the document's own anchors, nothing else.

A template from `--template-dir` could otherwise put `file:`, `javascript:` or relative links (which
resolve to files beside the template) into the HTML or the PDF. `safe_links` removes such `href`s from
the HTML; `allowed_link` is the same rule for the links WeasyPrint gathers from the laid-out PDF.
"""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside a scheme ("java\tscript:")
_HREF = re.compile(r"""(\s)((?:xlink:)?href)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_LINK_ATTRIBUTES = ("href", "xlink:href")


def allowed_link(url: str) -> bool:
    """Whether url may be a link in a report: an in-document anchor, or http, https or mailto."""
    cleaned = _INVISIBLE.sub("", htmllib.unescape(url)).lower()
    return cleaned.startswith("#") or cleaned.startswith(ALLOWED_SCHEMES)


class _Finder(HTMLParser):
    """Start tags (other than <link>, whose files the PDF fetcher guards) with a link not allowed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            return
        if any(name in _LINK_ATTRIBUTES and not allowed_link(value or "") for name, value in attrs):
            raw = self.get_starttag_text()
            if raw is not None:
                line, column = self.getpos()
                self.found.append((line, column, raw))

    handle_startendtag = handle_starttag


def _without_bad_links(tag: str) -> str:
    def keep(match: re.Match[str]) -> str:
        value = match.group(3).strip("\"'")
        return match.group(0) if allowed_link(value) else match.group(1) + "data-removed-link"

    return _HREF.sub(keep, tag)


def safe_links(document: str) -> str:
    """document with every link that is not allowed removed (the element and its text stay)."""
    if "href" not in document.lower():
        return document
    finder = _Finder()
    finder.feed(document)
    finder.close()
    if not finder.found:
        return document
    starts = [0, *(match.end() for match in re.finditer("\n", document))]
    pieces: list[str] = []
    last = 0
    for line, column, raw in finder.found:
        offset = starts[line - 1] + column
        if document[offset : offset + len(raw)] != raw:  # should not happen; never leave a bad link
            return _HREF.sub(lambda m: m.group(0) if allowed_link(m.group(3).strip("\"'")) else m.group(1), document)
        pieces.append(document[last:offset])
        pieces.append(_without_bad_links(raw))
        last = offset + len(raw)
    pieces.append(document[last:])
    return "".join(pieces)
