"""Small inline SVG line charts with round ticks and a limit line; no scripts, no inline styles
(CSP-safe).

The chart is drawn in a 320-unit-wide box that fills the column (336 px at a 360 px phone), so
one unit is at least one CSS pixel there and the 14-unit text reads as 14.7 px. The y-axis labels get
the room their widest label needs; the limit is named in a legend above the plot, never on top
of the data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from generator.pages.ticks import Ticks, nice_ticks

WIDTH, HEIGHT = 320, 200
RIGHT, TOP, BOTTOM = 10, 30, 30
#: Text size in chart units (about CSS px at 360 px), and a digit's width as a share of it.
FONT = 14
DIGIT_WIDTH = 0.62
TEXT = f'font-size="{FONT}" fill="#222"'
LIMIT_COLOUR = "#b00020"

Point = tuple[dt.date, float]


def label_room(labels: Sequence[str]) -> int:
    """The left margin that shows the widest y-axis label whole, plus a gap to the axis."""
    return math.ceil(max(len(t) for t in labels) * FONT * DIGIT_WIDTH) + 10


class Frame:
    """The chart's scales: dates to x, values to y, over round ticks."""

    def __init__(self, points: Sequence[Point], limits: Sequence[float]) -> None:
        values = [v for _, v in points] + list(limits)
        self.ticks: Ticks = nice_ticks(min(0.0, min(values)), max(values))
        self.left = label_room(self.ticks.labels())
        self.first = min(d for d, _ in points)
        self.last = max(d for d, _ in points)
        self.span = max((self.last - self.first).days, 1)

    def x(self, day: dt.date) -> float:
        """Horizontal position of ``day``."""
        return self.left + (WIDTH - self.left - RIGHT) * (day - self.first).days / self.span

    def y(self, value: float) -> float:
        """Vertical position of ``value``."""
        low, high = self.ticks.low, self.ticks.high
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low)


def _axis(frame: Frame) -> list[str]:
    """Grid lines and labels at each round tick, and the baseline."""
    parts = []
    for value, text in zip(frame.ticks.values, frame.ticks.labels(), strict=True):
        y = frame.y(value)
        parts.append(
            f'<line class="grid" x1="{frame.left}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>'
            f'<text class="tick" x="{frame.left - 6}" y="{y + FONT * 0.35:.1f}" '
            f'text-anchor="end" {TEXT}>{text}</text>'
        )
    base = frame.y(frame.ticks.low)
    parts.append(
        f'<line class="axis" x1="{frame.left}" y1="{base:.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{base:.1f}" stroke="#555" stroke-width="1"/>'
    )
    return parts


def _limits(frame: Frame, limits: Sequence[float]) -> list[str]:
    """A dashed line at each limit and one legend above the plot naming them."""
    if not limits:
        return []
    dash = f'stroke="{LIMIT_COLOUR}" stroke-width="1.5" stroke-dasharray="6 3"'
    parts = [
        f'<line class="limit" x1="{frame.left}" y1="{frame.y(v):.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{frame.y(v):.1f}" {dash}/>'
        for v in limits
    ]
    text = "–".join(f"{v:g}" for v in sorted(limits))
    parts.append(
        f'<line class="legend" x1="{frame.left}" y1="13" x2="{frame.left + 24}" y2="13" {dash}/>'
        f'<text class="legend" x="{frame.left + 30}" y="18" font-size="{FONT}" '
        f'fill="{LIMIT_COLOUR}">限值 {escape(text)}</text>'
    )
    return parts


def _marks(
    frame: Frame, points: Sequence[Point], exceeded: Sequence[bool], nd: Sequence[Point]
) -> list[str]:
    """The line, a dot per result (a dark-red square when over the limit), and hollow
    triangles at the detection limit of results below it."""
    x, y = frame.x, frame.y
    parts = []
    if points:
        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        parts.append(
            f'<polyline class="series" points="{coords}" fill="none" stroke="#0b5394" '
            f'stroke-width="2"/>'
        )
    for (day, value), bad in zip(points, list(exceeded) or [False] * len(points), strict=True):
        parts.append(_mark(x(day), y(value), bad))
    for day, limit in nd:
        cx, cy = x(day), y(limit)
        parts.append(
            f'<polygon class="nd" points="{cx - 5:.1f},{cy - 4:.1f} {cx + 5:.1f},{cy - 4:.1f} '
            f'{cx:.1f},{cy + 5:.1f}" fill="none" stroke="#0b5394" stroke-width="1.5"/>'
        )
    return parts


def _mark(cx: float, cy: float, bad: bool) -> str:
    """One result: a dot, or a larger dark-red square when it exceeds the limit."""
    if bad:
        return (
            f'<rect class="exceed" x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" '
            f'fill="{LIMIT_COLOUR}"/>'
        )
    return f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="#0b5394"/>'


def _dates(frame: Frame) -> list[str]:
    """The first and last date under the plot."""
    y = HEIGHT - 8
    return [
        f'<text class="date" x="{frame.left}" y="{y}" {TEXT}>{frame.first.isoformat()}</text>',
        f'<text class="date" x="{WIDTH - RIGHT}" y="{y}" text-anchor="end" {TEXT}>'
        f"{frame.last.isoformat()}</text>",
    ]


def line_chart(
    points: Sequence[Point],
    limits: Sequence[float],
    label: str,
    chart_id: str,
    exceeded: Sequence[bool] = (),
    not_detected: Sequence[Point] = (),
) -> Markup:
    """An accessible SVG chart of ``points`` with a dashed line at each limit.

    ``chart_id`` must be unique within the page (it names the <title> for aria-labelledby).
    Points that exceed a limit are drawn as larger dark-red squares, so colour is not the
    only sign; the same data is also in a table next to the chart. Results below the
    detection limit (``not_detected``: date and detection limit) are hollow downward
    triangles at the detection limit, outside the line: their true value is below it.
    """
    if not points and not not_detected:
        return Markup("")
    frame = Frame([*points, *not_detected], limits)
    title_id = escape(f"{chart_id}-t")
    layers: list[Callable[[], list[str]]] = [
        lambda: _axis(frame),
        lambda: _limits(frame, limits),
        lambda: _marks(frame, points, exceeded, not_detected),
        lambda: _dates(frame),
    ]
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(label)}</title>',
        *(part for layer in layers for part in layer()),
        "</svg>",
    ]
    return Markup("".join(parts))
