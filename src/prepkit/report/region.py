"""The roll-up report: Jinja2 HTML (autoescaped), and a PDF by a WeasyPrint that may read nothing else.

Jinja2 and WeasyPrint are imported inside the functions: they are slow to import and most commands
never need them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prepkit.fsutil import write_private
from prepkit.paths import bundled_templates
from prepkit.scoring import format_score
from prepkit.team.summary import Rollup, rollup_json

TEMPLATE = "rollup.html.j2"


def render_html(rollup: Rollup, *, named: bool = False) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(bundled_templates()),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["num"] = format_score
    return env.get_template(TEMPLATE).render(
        rollup=rollup_json(rollup, named=named), named=named, generated=dt.date.today().isoformat()
    )


def render_pdf(html: str) -> bytes:
    """The same locked-down, tagged render as the capacity report: only template files may be read."""
    from prepkit.report.pdf import render_pdf as render

    return render(html, [bundled_templates()])


def write_report(rollup: Rollup, target: Path, kind: str, *, named: bool = False) -> None:
    """Write the report atomically with owner-only permissions (a named roll-up is sensitive)."""
    html = render_html(rollup, named=named)
    write_private(target, html.encode() if kind == "html" else render_pdf(html))
