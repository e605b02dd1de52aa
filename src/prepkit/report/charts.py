"""Chart geometry for the report's SVG charts: numbers only; the templates draw and style them.

Coordinates are SVG user units (CSS pixels); the charts scale to the page width. Text widths are
estimated from the bundled font's average glyph width, so labels wrap instead of being cut off, value
labels get a white backing that dashed threshold lines pass behind, and threshold labels that would
overlap go on separate rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from prepkit.scoring import format_score

WIDTH = 640
LABEL_WIDTH = 250  # left column for domain titles
PLOT_LEFT = LABEL_WIDTH + 10
PLOT_RIGHT = WIDTH - 50  # room for the value after the longest bar
CHAR_WIDTH = 0.62  # DejaVu Sans: average advance per character, in ems (a little generous)
LABEL_SIZE = 10.0
VALUE_SIZE = 9.5
THRESHOLD_SIZE = 8.0
LINE_GAP = 10.0  # extra height per wrapped label line
MAX_LINES = 3
TICKS = (0, 20, 40, 60, 80, 100)


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def wrap(text: str, width: float = LABEL_WIDTH, size: float = LABEL_SIZE, max_lines: int = MAX_LINES) -> list[str]:
    """text in lines that fit width at size; words are never cut (the last line ends in … only when a
    title needs more than max_lines lines)."""
    limit = max(8, int(width / (size * CHAR_WIDTH)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    lines = [line if len(line) <= limit else line[: limit - 1].rstrip() + "…" for line in lines]
    return lines or [""]


def x_of(value: float) -> float:
    return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * max(0.0, min(value, 100.0)) / 100, 2)


def _value_text(value: float | None) -> str:
    return format_score(value, missing="not assessed")


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Threshold:
    x: float  # where the line is
    label: str
    label_x: float  # where its label is centred (kept inside the chart)
    label_y: float


@dataclass(frozen=True)
class Bar:
    label: str
    lines: list[str]  # the label, wrapped
    label_y: float  # baseline of the first label line
    y: float
    width: float
    value: str
    value_x: float
    value_width: float  # of the white backing behind the value


@dataclass(frozen=True)
class Bars:
    height: float
    plot_left: float
    plot_top: float
    plot_bottom: float
    bar_height: float
    bars: list[Bar]
    ticks: list[Tick]
    thresholds: list[Threshold]
    line_gap: float = LINE_GAP


def _ticks() -> list[Tick]:
    return [Tick(x_of(t), str(t)) for t in TICKS]


def _threshold_rows(items: list[tuple[str, float]]) -> tuple[list[tuple[str, float, float, int]], int]:
    """(label, line x, label x, row) per threshold, rows chosen so that no two labels overlap."""
    placed: list[tuple[str, float, float, int]] = []
    row_ends: list[float] = []  # right edge of the last label in each row
    for label, minimum in sorted(items, key=lambda item: item[1]):
        x = x_of(minimum)
        half = text_width(label, THRESHOLD_SIZE) / 2 + 2
        centre = min(max(x, PLOT_LEFT - 10 + half), WIDTH - half)
        for row, end in enumerate(row_ends):
            if centre - half >= end + 4:
                row_ends[row] = centre + half
                break
        else:
            row = len(row_ends)
            row_ends.append(centre + half)
        placed.append((label, x, round(centre, 2), row))
    return placed, len(row_ends)


def domain_bars(rows: list[tuple[str, float | None]], thresholds: list[tuple[str, float]]) -> Bars:
    """One horizontal bar per domain, with the level thresholds as vertical lines."""
    placed, label_rows = _threshold_rows([(f"{label} {minimum:g}", minimum) for label, minimum in thresholds])
    top = 12.0 + 10.0 * max(1, label_rows) + 6
    step, bar_height = 16.0, 10.0
    bars = []
    y_cursor = top
    for label, value in rows:
        lines = wrap(label)
        row_height = step + LINE_GAP * (len(lines) - 1)
        y = y_cursor + (row_height - bar_height) / 2
        width = 0.0 if value is None else x_of(value) - PLOT_LEFT
        text = _value_text(value)
        bars.append(
            Bar(
                label=label,
                lines=lines,
                label_y=round(y + bar_height - 3 - LINE_GAP * (len(lines) - 1) / 2, 2),
                y=round(y, 2),
                width=round(width, 2),
                value=text,
                value_x=round(PLOT_LEFT + width + 5, 2),
                value_width=round(text_width(text, VALUE_SIZE) + 4, 2),
            )
        )
        y_cursor += row_height
    bottom = y_cursor
    return Bars(
        height=bottom + 24,
        plot_left=PLOT_LEFT,
        plot_top=top,
        plot_bottom=bottom,
        bar_height=bar_height,
        bars=bars,
        ticks=_ticks(),
        thresholds=[Threshold(x, label, label_x, round(top - 8 - row * 10, 2)) for label, x, label_x, row in placed],
    )


@dataclass(frozen=True)
class Pair:
    label: str
    lines: list[str]
    label_y: float
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
    line_gap: float = LINE_GAP


def paired_bars(
    rows: list[tuple[str, float | None, float | None]], *, before_label: str, after_label: str
) -> PairedBars:
    """Before and after bars per domain, for the comparison section."""
    top, step, bar_height = 26.0, 24.0, 9.0
    pairs = []
    y_cursor = top
    for label, before, after in rows:
        lines = wrap(label)
        row_height = step + LINE_GAP * (len(lines) - 1)
        y = y_cursor + (row_height - 2 * bar_height) / 2
        pairs.append(
            Pair(
                label,
                lines,
                round(y + bar_height + 3 - LINE_GAP * (len(lines) - 1) / 2, 2),
                round(y, 2),
                0.0 if before is None else round(x_of(before) - PLOT_LEFT, 2),
                0.0 if after is None else round(x_of(after) - PLOT_LEFT, 2),
                _value_text(before),
                _value_text(after),
            )
        )
        y_cursor += row_height
    bottom = y_cursor
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
