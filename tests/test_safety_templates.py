"""Templates from `--template-dir` are code from outside: sandboxed, kept inside their folder, and the
links they put in a report limited to http, https, mailto and the document's own anchors."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner, Result

from conftest import PACK
from prepkit.cli import app
from prepkit.report.links import allowed_link, safe_links

ANSWERS = str(PACK / "answers.yaml")
PAGE = "<!DOCTYPE html><html><head><style>{{ stylesheet }}</style></head><body>{body}</body></html>"


def brand(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "brand"
    folder.mkdir(exist_ok=True)
    (folder / "report.html.j2").write_text(PAGE.replace("{body}", body))
    return folder


def report(folder: Path, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(app, ["report", ANSWERS, "--template-dir", str(folder), "-o", str(out), *extra])


@pytest.mark.parametrize(
    "attack",
    [
        "{{ cycler.__init__.__globals__.os.system('touch {marker}') }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch {marker}') }}",
        "{{ r.__class__.__init__.__globals__ }}",
    ],
)
def test_a_template_cannot_reach_python(tmp_path: Path, attack: str) -> None:
    marker = tmp_path / "ran"
    folder = brand(tmp_path, attack.replace("{marker}", str(marker)))
    result = report(folder, tmp_path / "out.html")
    assert result.exit_code == 1, result.output
    assert "template" in result.stderr and "Traceback" not in result.output
    assert not marker.exists() and not (tmp_path / "out.html").exists()


def test_a_template_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "report.html.j2").symlink_to(secret)
    result = report(folder, tmp_path / "out.html")
    assert result.exit_code == 1 and "may not be symbolic links" in result.stderr
    assert "TOP-SECRET" not in result.output


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "sub/../../secret.txt"])
def test_a_template_cannot_include_files_outside_its_folder(tmp_path: Path, name: str) -> None:
    (tmp_path / "secret.txt").write_text("TOP-SECRET")
    folder = brand(tmp_path, "{% include '" + name + "' %}")
    (folder / "sub").mkdir()
    result = report(folder, tmp_path / "out.html")
    assert result.exit_code == 1, result.output
    assert "TOP-SECRET" not in result.output and not (tmp_path / "out.html").exists()


def test_a_symlinked_template_folder_is_refused(tmp_path: Path) -> None:
    folder = brand(tmp_path, "hello")
    link = tmp_path / "link"
    link.symlink_to(folder)
    result = report(link, tmp_path / "out.html")
    assert result.exit_code == 2 and "is not a folder" in result.stderr


LINKS = (
    '<a href="file:///etc/passwd">file</a> <a href="javascript:alert(1)">js</a> '
    "<a href=' JaVa\tScRiPt:alert(2)'>js2</a> <a href=\"relative/page.html\">rel</a> "
    '<a href="https://example.org/ok">web</a> <a href="mailto:chief@example.org">mail</a> '
    '<a id="top" href="#top">anchor</a> <svg><a xlink:href="file:///etc/shadow">svg</a></svg> '
    '<p style="link: url(file:///etc/hosts)">css link</p>'
)


def test_only_allowed_links_reach_the_html(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    result = report(brand(tmp_path, LINKS), out)
    assert result.exit_code == 0, result.output
    html = out.read_text()
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "ScRiPt:alert(2)", "relative/page.html", "/etc/shadow"):
        assert bad not in html, bad
    for good in ('href="https://example.org/ok"', 'href="mailto:chief@example.org"', 'href="#top"'):
        assert good in html, good
    assert ">file</a>" in html and ">rel</a>" in html  # the text stays, only the link goes


def test_only_allowed_links_reach_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = report(brand(tmp_path, LINKS), out)
    assert result.exit_code == 0, result.output
    assert sorted(pdf_uris(out.read_bytes())) == ["https://example.org/ok", "mailto:chief@example.org"]


def pdf_uris(pdf: bytes) -> list[str]:
    uris = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://x.org", True),
        ("HTTP://x.org", True),
        ("mailto:a@b", True),
        ("#anchor", True),
        ("file:///etc/passwd", False),
        ("javascript:x", False),
        ("java&#115;cript:x", False),
        ("data:text/html,x", False),
        ("//evil.example/x", False),
        ("page.html", False),
        ("", False),
    ],
)
def test_the_link_rule(url: str, ok: bool) -> None:
    assert allowed_link(url) is ok


def test_safe_links_keeps_a_document_without_bad_links_as_it_is() -> None:
    page = '<p>a <a href="https://x.org">b</a></p>\n<link rel="stylesheet" href="report.css">'
    assert safe_links(page) == page


def test_the_pdf_renderer_drops_links_that_are_not_allowed_even_without_safe_links() -> None:
    from prepkit.paths import bundled_templates
    from prepkit.report.pdf import render_pdf

    html = (
        '<html><body><a href="file:///etc/passwd">f</a> <a href="https://example.org/">w</a>'
        '<p style="-weasy-link: url(file:///etc/hosts); link: url(file:///etc/hosts)">css</p></body></html>'
    )
    pdf = render_pdf(html, [bundled_templates()])
    assert pdf_uris(pdf) == ["https://example.org/"]
