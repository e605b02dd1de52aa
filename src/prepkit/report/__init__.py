"""The capacity report: a result (with an earlier one and a trend, when there are) as PDF or HTML.

`write_report` is the one entry point; `prepkit report` and `prepkit assess` both call it, and
`deliver` is the one writing step (the roll-up report uses it too), with `report_format` the one rule
for the format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from prepkit.errors import UsageError
from prepkit.fsutil import STDOUT, write_output
from prepkit.gcpause import paused
from prepkit.report.context import AUDIENCES, Audience, build_context
from prepkit.report.html import render_html, template_dirs
from prepkit.report.links import safe_links
from prepkit.report.pdf import RendererUnavailable
from prepkit.report.series import History, history_for
from prepkit.results.model import Result, agency_slug, slug

if TYPE_CHECKING:
    from prepkit.plan.model import Plan

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "Audience",
    "History",
    "RendererUnavailable",
    "default_report_name",
    "deliver",
    "history_for",
    "render_report_html",
    "render_report_pdf",
    "report_format",
    "write_report",
]


def default_report_name(result: Result, fmt: str = "pdf", audience: str = "full") -> str:
    """agency_questionnaire_date.pdf (…_public.pdf for the public summary), safe as a file name everywhere."""
    # accents transliterated ("Jérôme" -> "jerome"); a name in another script gets the id's readable stand-in
    agency = slug(result.agency, "")[:60].strip("-") or agency_slug(result.agency)
    suffix = "_public" if audience == "public" else ""
    return f"{agency}_{result.questionnaire.id}_{result.date.isoformat()}{suffix}.{fmt}"


def _generator() -> str:
    from importlib.metadata import PackageNotFoundError, version  # imported only when a report is written

    try:
        return f"prepkit {version('prepkit')}"
    except PackageNotFoundError:
        return "prepkit"


def render_report_html(
    result: Result,
    *,
    compare_to: Result | None = None,
    history: list[Result] | None = None,
    marking: str | None = None,
    template_dir: Path | None = None,
    audience: Audience = "full",
    plan_counts: Mapping[str, int] | None = None,
    plan: Plan | None = None,
) -> str:
    if audience not in AUDIENCES:
        raise UsageError(f"unknown audience '{audience}'; allowed: {', '.join(AUDIENCES)}")
    context = build_context(
        result,
        compare_to=compare_to,
        history=history,
        marking=marking,
        generator=_generator(),
        audience=audience,
        plan_counts=plan_counts,
        plan=plan,
    )
    return render_html(context, template_dir)


def render_report_pdf(
    result: Result,
    *,
    audience: Audience = "full",
    marking: str | None = None,
    template_dir: Path | None = None,
    plan_counts: Mapping[str, int] | None = None,
    messages: list[str] | None = None,
) -> bytes:
    """The PDF report as bytes, without comparison or trend (for the packet's public summary)."""
    from prepkit.report.pdf import render_pdf

    html = render_report_html(
        result, marking=marking, template_dir=template_dir, audience=audience, plan_counts=plan_counts
    )
    return render_pdf(safe_links(html), template_dirs(template_dir), messages=messages)


def report_format(output: Path | None, fmt: str | None = None) -> Format:
    """The one rule for a report's format: --format wins; else the output's name.

    `.html`/`.htm` is HTML, `.pdf` or no suffix is PDF, `-` (standard output) is HTML; any other suffix
    is a usage error rather than a guess. PDF is never written to standard output.
    """
    if fmt is not None:
        chosen = fmt.lower()
        if chosen not in FORMATS:
            raise UsageError(f"--format: '{fmt}' is not one of: {', '.join(FORMATS)}")
    elif output is None:
        chosen = "pdf"
    elif str(output) == STDOUT:
        chosen = "html"
    else:
        suffix = output.suffix.lower()
        by_suffix = {".html": "html", ".htm": "html", ".pdf": "pdf", "": "pdf"}
        if suffix not in by_suffix:
            raise UsageError(
                f"cannot tell the report format from '{output.name}': name it .pdf or .html, or pass --format"
            )
        chosen = by_suffix[suffix]
    if chosen == "pdf" and output is not None and str(output) == STDOUT:
        raise UsageError("a PDF report is not written to standard output; give a file name, or use --format html")
    return "html" if chosen == "html" else "pdf"


def deliver(
    html: str,
    target: Path,
    fmt: Format,
    *,
    roots: list[Path],
    force: bool = False,
    fresh: bool = False,
    pdfa: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> Path:
    """The one report-writing step (capacity report and roll-up): HTML as it is or rendered to PDF,
    written by `fsutil.write_output` (owner-only, atomic, never replacing a file without force).

    Links that leave the document are limited to http, https and mailto (`links.safe_links`).
    Raises RendererUnavailable after writing the HTML beside target when WeasyPrint cannot load.
    """
    html = safe_links(html)
    if fmt == "html":
        return write_output(target, html.encode(), force=force, fresh=fresh)
    from prepkit.report.pdf import render_pdf

    messages: list[str] = []
    try:
        pdf = render_pdf(html, roots, pdfa=pdfa, messages=messages)
    except RendererUnavailable as err:
        fallback = write_output(target.with_suffix(".html"), html.encode(), force=force, fresh=True)
        raise RendererUnavailable(f"{err}\nThe report was written as HTML instead: {fallback}") from None
    for message in messages:
        if on_warning is not None:
            on_warning(message)
    return write_output(target, pdf, force=force, fresh=fresh)


def write_report(
    result: Result,
    output: Path | None,
    *,
    fmt: str | None = None,
    compare_to: Result | None = None,
    history: list[Result] | None = None,
    marking: str | None = None,
    template_dir: Path | None = None,
    pdfa: bool = False,
    force: bool = False,
    on_warning: Callable[[str], None] | None = None,
    audience: Audience = "full",
    plan_counts: Mapping[str, int] | None = None,
    plan: Plan | None = None,
) -> Path:
    """Write the report for result to output and return its path.

    output None: AGENCY_QUESTIONNAIRE_DATE.pdf in the current folder, under a fresh name if that is
    taken. compare_to: the earlier result to compare with; history: earlier results of the same agency
    and questionnaire (with result itself they make the trend when there are three or more).
    audience: "full" (the technical report) or "public" (levels and plain words only, for a council);
    plan_counts: improvement-plan items by status when the agency has a plan; plan: the agency's
    improvement plan (prepkit plan), shown item by item when it stands at this result.
    Raises RendererUnavailable (exit 1) after writing the HTML report beside output when WeasyPrint's
    system libraries are missing.
    """
    chosen = report_format(output, fmt)
    if pdfa and chosen != "pdf":
        raise UsageError("--pdfa applies to PDF reports only")
    with paused():  # the templates' compilation and the view-model make many objects and no garbage cycles
        html = render_report_html(
            result,
            compare_to=compare_to,
            history=history,
            marking=marking,
            template_dir=template_dir,
            audience=audience,
            plan_counts=plan_counts,
            plan=plan,
        )
    target = output if output is not None else Path.cwd() / default_report_name(result, chosen, audience)
    return deliver(
        html,
        target,
        chosen,
        roots=template_dirs(template_dir),
        force=force,
        fresh=output is None,
        pdfa=pdfa,
        on_warning=on_warning,
    )
