"""HTML to PDF with WeasyPrint, locked down: it may read files in the template folders and nothing else.

WeasyPrint is imported here, on first use, so that commands which render nothing start fast.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import mimetypes
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from prepkit.errors import PrepkitError
from prepkit.report.links import allowed_link

MAX_ASSET_BYTES = 20 * 2**20
ACCESSIBLE_VARIANT = "pdf/ua-1"  # tagged, with a structure tree, title and language
ARCHIVAL_VARIANT = "pdf/a-3a"  # PDF/A level A: archival and tagged as well

INSTALL_HINT = (
    "WeasyPrint needs the Pango text libraries to write PDF. Install them, then run the command again:\n"
    "  Debian/Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0\n"
    "  Fedora/RHEL:   sudo dnf install pango\n"
    "  macOS:         brew install pango\n"
    "  Windows:       see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#windows"
)


class RendererUnavailable(PrepkitError):
    """WeasyPrint or the system libraries it needs cannot be loaded on this machine."""


def load_weasyprint() -> ModuleType:
    # WeasyPrint prints its own banner to stdout when a library is missing; ours says what to do.
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            weasyprint = importlib.import_module("weasyprint")
    except (OSError, ImportError) as err:
        raise RendererUnavailable(f"cannot load WeasyPrint ({err}).\n{INSTALL_HINT}") from None
    return weasyprint


def _file_url_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(os.path.normpath(url2pathname(unquote(parts.path))))


def local_path(url: str, roots: list[Path]) -> Path | None:
    """The file a file: URL names, if it is a regular file inside one of roots; else None."""
    named = _file_url_path(url)
    if named is None:
        return None
    try:
        path = named.resolve(strict=True)  # follows symbolic links, so a link cannot lead outside
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_file() or not any(path.is_relative_to(root) for root in roots):
        return None
    return path


def asset_path(url: str, roots: list[Path]) -> Path | None:
    """Like local_path; a file missing from the first folder (an agency's) is taken from the next ones."""
    found = local_path(url, roots)
    named = _file_url_path(url)
    if found is not None or named is None or not named.is_relative_to(roots[0]):
        return found
    relative = named.relative_to(roots[0])
    for root in roots[1:]:
        found = local_path((root / relative).as_uri(), [root])
        if found is not None:
            return found
    return None


def make_fetcher(roots: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that serves files inside roots only; refused URLs are recorded."""
    load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class TemplateOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
            self.roots = [root.resolve() for root in roots]
            self.served: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            path = asset_path(url, self.roots)
            if path is None or path.stat().st_size > MAX_ASSET_BYTES:
                self.refused.append(url)
                raise ValueError(f"reports may only use files in the template folder, not {url}")
            self.served.append(url)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return TemplateOnlyFetcher()


@contextlib.contextmanager
def _captured_logs(into: list[str]) -> Iterator[None]:
    """WeasyPrint's warnings (a missing glyph, a refused URL) as messages instead of stderr noise."""
    logger = logging.getLogger("weasyprint")

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            into.append(record.getMessage())

    handler = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def render_pdf(
    html: str, roots: list[Path], *, pdfa: bool = False, messages: list[str] | None = None, fetcher: Any = None
) -> bytes:
    """The PDF of html; relative URLs resolve against roots[0] and only files under roots are read.

    The same html gives the same bytes. Python's cyclic collector is paused meanwhile (WeasyPrint's
    import, its boxes and its PDF objects): its collections over hundreds of thousands of live objects
    took about a tenth of the time and freed little.
    """
    from prepkit.gcpause import paused

    with paused():
        return _render_pdf(html, roots, pdfa=pdfa, messages=messages, fetcher=fetcher)


def _render_pdf(html: str, roots: list[Path], *, pdfa: bool, messages: list[str] | None, fetcher: Any) -> bytes:
    weasyprint = load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    from prepkit.report.pdftags import finisher, with_file_identifier

    fetcher = fetcher or make_fetcher(roots)
    log: list[str] = [] if messages is None else messages
    # WeasyPrint 70 leaves its sRGB profile file for the garbage collector when writing PDF/A.
    with _captured_logs(log), warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        document = weasyprint.HTML(string=html, base_url=roots[0].resolve().as_uri() + "/", url_fetcher=fetcher)
        options = {
            **weasyprint.DEFAULT_OPTIONS,
            "pdf_variant": ARCHIVAL_VARIANT if pdfa else ACCESSIBLE_VARIANT,
            "presentational_hints": False,
            "pdf_identifier": False,  # with_file_identifier adds one, without serializing the PDF twice
        }
        rendered = document.render(FontConfiguration(), **options)
        for page in rendered.pages:  # a stylesheet can make links too (`link: url(...)`): same rule
            page.links = [link for link in page.links if link[0] != "external" or allowed_link(link[1])]
        # The table header scopes and the PDF/A file's PDF/UA claim go in before WeasyPrint writes a byte.
        pdf: bytes = rendered.write_pdf(finisher=finisher(claim_ua=pdfa), **options)
    return with_file_identifier(pdf)
