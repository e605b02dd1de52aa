"""The capacity report: a result (with an earlier one and a trend, when there are) as PDF or HTML.

`write_report` is the one entry point; `prepkit report` and `prepkit assess` both call it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from prepkit.errors import UsageError
from prepkit.fsutil import write_private
from prepkit.report.context import AUDIENCES, Audience, build_context
from prepkit.report.html import render_html, template_dirs
from prepkit.report.pdf import RendererUnavailable
from prepkit.report.series import History, history_for
from prepkit.results.model import Result

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
    "history_for",
    "render_report_html",
    "render_report_pdf",
    "write_report",
]


def default_report_name(result: Result, fmt: str = "pdf", audience: str = "full") -> str:
    """agency_questionnaire_date.pdf (…_public.pdf for the public summary), safe as a file name everywhere."""
    agency = re.sub(r"[^a-z0-9]+", "-", result.agency.lower()).strip("-")[:60] or "agency"
    suffix = "_public" if audience == "public" else ""
    return f"{agency}_{result.questionnaire.id}_{result.date.isoformat()}{suffix}.{fmt}"


def _generator() -> str:
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
    return render_pdf(html, template_dirs(template_dir), messages=messages)


def write_report(
    result: Result,
    output: Path,
    *,
    fmt: str = "pdf",
    compare_to: Result | None = None,
    history: list[Result] | None = None,
    marking: str | None = None,
    template_dir: Path | None = None,
    pdfa: bool = False,
    on_warning: Callable[[str], None] | None = None,
    audience: Audience = "full",
    plan_counts: Mapping[str, int] | None = None,
    plan: Plan | None = None,
) -> Path:
    """Write the report for result to output (atomically, owner-only) and return its path.

    compare_to: the earlier result to compare with; history: earlier results of the same agency and
    questionnaire (with result itself they make the trend when there are three or more).
    audience: "full" (the technical report) or "public" (levels and plain words only, for a council);
    plan_counts: improvement-plan items by status when the agency has a plan; plan: the agency's
    improvement plan (prepkit plan), shown item by item when it stands at this result.
    Raises RendererUnavailable (exit 1) after writing the HTML report beside output when WeasyPrint's
    system libraries are missing.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format '{fmt}'; allowed: {', '.join(FORMATS)}")
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
    if fmt == "html":
        write_private(output, html.encode())
        return output
    from prepkit.report.pdf import render_pdf

    messages: list[str] = []
    try:
        pdf = render_pdf(html, template_dirs(template_dir), pdfa=pdfa, messages=messages)
    except RendererUnavailable as err:
        fallback = output.with_suffix(".html")
        write_private(fallback, html.encode())
        raise RendererUnavailable(f"{err}\nThe report was written as HTML instead: {fallback}") from None
    for message in messages:
        if on_warning is not None:
            on_warning(message)
    write_private(output, pdf)
    return output
