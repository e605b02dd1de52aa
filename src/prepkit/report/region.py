"""The roll-up report: Jinja2 HTML (autoescaped), and a PDF by a WeasyPrint that may read nothing else.

Jinja2 and WeasyPrint are imported inside the functions: they are slow to import and most commands
never need them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prepkit.paths import bundled_templates
from prepkit.scoring import format_score
from prepkit.team.summary import Rollup, rollup_json

TEMPLATE = "rollup.html.j2"


def render_html(rollup: Rollup, *, named: bool = False) -> str:
    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(bundled_templates()),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["num"] = format_score
    return env.get_template(TEMPLATE).render(
        rollup=rollup_json(rollup, named=named), named=named, generated=dt.date.today().isoformat()
    )


def write_report(
    rollup: Rollup, target: Path, fmt: str | None = None, *, named: bool = False, force: bool = False
) -> Path:
    """Write the roll-up report through the one report-writing step (a named roll-up is sensitive)."""
    from prepkit.report import deliver, report_format

    chosen = report_format(target, fmt)
    return deliver(render_html(rollup, named=named), target, chosen, roots=[bundled_templates()], force=force)
