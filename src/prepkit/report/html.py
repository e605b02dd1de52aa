"""The report as HTML: one Jinja environment, autoescaped, with user text only ever passed as data."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from prepkit.errors import UsageError, file_problem
from prepkit.paths import bundled_templates
from prepkit.report.context import ReportContext

MAIN_TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"


def template_dirs(template_dir: Path | None = None) -> list[Path]:
    """The folders templates come from: the agency's first (it may override any file), then ours."""
    bundled = bundled_templates()
    if template_dir is None:
        return [bundled]
    if not template_dir.is_dir():
        raise UsageError(f"--template-dir {template_dir} is not a folder")
    return [template_dir.resolve(), bundled]


# Break opportunities in a URL: after the scheme's "//" and after each later "/", and before "?" and "&".
_URL_BREAKS = re.compile(r"(?<=//)|(?<=[^/:]/)(?=.)|(?=[?&])")


def breakable_url(url: str) -> Markup:
    """url escaped, with <wbr> where a line may break: after the scheme, the host and each '/'.

    Each piece between is a nowrap span, so that a line never breaks at a hyphen or mid-word inside it.
    """
    parts = _URL_BREAKS.split(str(url))
    return Markup("<wbr>").join(Markup('<span class="nobr">{}</span>').format(part) for part in parts if part)


def render_html(context: ReportContext, template_dir: Path | None = None) -> str:
    import jinja2

    folders = template_dirs(template_dir)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,  # every template, whatever its file name; user text is data, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["breakable_url"] = breakable_url
    # The stylesheet is ours or the agency's own file, so it goes in as it is (not as a template).
    css_source, _, _ = env.loader.get_source(env, STYLESHEET)  # type: ignore[union-attr]
    try:
        return env.get_template(MAIN_TEMPLATE).render(r=context, stylesheet=Markup(css_source))
    except jinja2.TemplateSyntaxError as err:
        raise file_problem(
            err.filename or err.name or MAIN_TEMPLATE, f"template error: {err.message}", err.lineno
        ) from None
    except jinja2.TemplateError as err:  # e.g. an agency template naming a field that does not exist
        raise file_problem(MAIN_TEMPLATE, f"template error: {err.message}") from None
