"""Chart geometry for the report's SVG charts: numbers only; the templates draw and style them.

Coordinates are SVG user units (CSS pixels); the charts scale to the page width.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 230  # left column for domain titles
PLOT_LEFT = LABEL_WIDTH + 10
PLOT_RIGHT = WIDTH - 50  # room for the value after the longest bar
MAX_LABEL = 36  # characters that fit LABEL_WIDTH at the chart's font size
TICKS = (0, 20, 40, 60, 80, 100)


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def x_of(value: float) -> float:
    return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * max(0.0, min(value, 100.0)) / 100, 2)


def _value_text(value: float | None) -> str:
    return "not assessed" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    value: str
    value_x: float


@dataclass(frozen=True)
class Bars:
    height: float
    plot_left: float
    plot_top: float
    plot_bottom: float
    bar_height: float
    bars: list[Bar]
    ticks: list[Tick]
    thresholds: list[Tick]


def _ticks() -> list[Tick]:
    return [Tick(x_of(t), str(t)) for t in TICKS]


def domain_bars(rows: list[tuple[str, float | None]], thresholds: list[tuple[str, float]]) -> Bars:
    """One horizontal bar per domain, with the level thresholds as vertical lines."""
    top, step, bar_height = 28.0, 19.0, 12.0
    bars = []
    for i, (label, value) in enumerate(rows):
        y = top + i * step + (step - bar_height) / 2
        width = 0.0 if value is None else x_of(value) - PLOT_LEFT
        bars.append(Bar(shorten(label), y, round(width, 2), _value_text(value), PLOT_LEFT + width + 5))
    bottom = top + len(rows) * step
    return Bars(
        height=bottom + 24,
        plot_left=PLOT_LEFT,
        plot_top=top,
        plot_bottom=bottom,
        bar_height=bar_height,
        bars=bars,
        ticks=_ticks(),
        thresholds=[Tick(x_of(minimum), f"{label} {minimum:g}") for label, minimum in thresholds],
    )


@dataclass(frozen=True)
class Pair:
    label: str
    y: float
    before_width: float
    after_width: float
    before: str
    after: str


@dataclass(frozen=True)
class PairedBars:
    height: float
    plot_left: float
    plot_top: float
    plot_bottom: float
    bar_height: float
    pairs: list[Pair]
    ticks: list[Tick]
    before_label: str
    after_label: str


def paired_bars(
    rows: list[tuple[str, float | None, float | None]], *, before_label: str, after_label: str
) -> PairedBars:
    """Before and after bars per domain, for the comparison section."""
    top, step, bar_height = 26.0, 24.0, 9.0
    pairs = []
    for i, (label, before, after) in enumerate(rows):
        y = top + i * step + (step - 2 * bar_height) / 2
        pairs.append(
            Pair(
                shorten(label),
                y,
                0.0 if before is None else round(x_of(before) - PLOT_LEFT, 2),
                0.0 if after is None else round(x_of(after) - PLOT_LEFT, 2),
                _value_text(before),
                _value_text(after),
            )
        )
    bottom = top + len(rows) * step
    return PairedBars(
        height=bottom + 24,
        plot_left=PLOT_LEFT,
        plot_top=top,
        plot_bottom=bottom,
        bar_height=bar_height,
        pairs=pairs,
        ticks=_ticks(),
        before_label=before_label,
        after_label=after_label,
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class LineChart:
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    points: list[Point]
    path: str  # SVG polyline points of the assessed results
    y_ticks: list[Tick]  # Tick.x holds the y coordinate here


def line_chart(series: list[tuple[str, float | None]]) -> LineChart:
    """Overall score over time; results without a score are shown as gaps in the labels only."""
    left, right, top, bottom = 50.0, WIDTH - 30.0, 20.0, 200.0
    step = (right - left) / max(1, len(series) - 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / 100, 2)

    points = [
        Point(round(left + i * step, 2), y_of(value if value is not None else 0), label, _value_text(value))
        for i, (label, value) in enumerate(series)
    ]
    path = " ".join(f"{p.x},{p.y}" for p, (_, v) in zip(points, series, strict=True) if v is not None)
    return LineChart(
        height=bottom + 40,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        points=points,
        path=path,
        y_ticks=[Tick(y_of(t), str(t)) for t in TICKS],
    )
