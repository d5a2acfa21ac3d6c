"""Small inline SVG line charts with a limit line; no scripts, no inline styles (CSP-safe)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 8, 20


def _num(value: float) -> str:
    return f"{value:g}"


def _scale(points: Sequence[tuple[dt.date, float]], limits: Sequence[float]):
    values = [v for _, v in points] + list(limits)
    low, high = min(0.0, min(values)), max(values)
    if high == low:
        high = low + 1
    high *= 1.1 if high > 0 else 1
    first, last = min(d for d, _ in points), max(d for d, _ in points)
    span = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low)

    return x, y, low, high


def line_chart(
    points: Sequence[tuple[dt.date, float]],
    limits: Sequence[float],
    label: str,
    chart_id: str,
    exceeded: Sequence[bool] = (),
    not_detected: Sequence[tuple[dt.date, float]] = (),
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
    x, y, low, high = _scale([*points, *not_detected], limits)
    first = min(d for d, _ in [*points, *not_detected])
    last = max(d for d, _ in [*points, *not_detected])
    title_id = escape(f"{chart_id}-t")
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(label)}</title>',
        f'<line class="axis" x1="{LEFT}" y1="{y(low):.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{y(low):.1f}" stroke="#555" stroke-width="1"/>',
        f'<text x="{LEFT - 4}" y="{y(high) + 8:.1f}" text-anchor="end" font-size="10" '
        f'fill="#333">{_num(round(high, 3))}</text>',
        f'<text x="{LEFT - 4}" y="{y(low):.1f}" text-anchor="end" font-size="10" '
        f'fill="#333">{_num(low)}</text>',
    ]
    for limit in limits:
        parts.append(
            f'<line class="limit" x1="{LEFT}" y1="{y(limit):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y(limit):.1f}" stroke="#b00020" stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<text x="{WIDTH - RIGHT}" y="{y(limit) - 3:.1f}" text-anchor="end" font-size="10" '
            f'fill="#b00020">限值 {_num(limit)}</text>'
        )
    coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    if points:
        parts.append(
            f'<polyline class="series" points="{coords}" fill="none" stroke="#0b5394" '
            f'stroke-width="2"/>'
        )
    flags = list(exceeded) or [False] * len(points)
    for (day, value), bad in zip(points, flags, strict=True):
        if bad:
            parts.append(
                f'<rect class="exceed" x="{x(day) - 4:.1f}" y="{y(value) - 4:.1f}" '
                f'width="8" height="8" fill="#b00020"/>'
            )
        else:
            parts.append(
                f'<circle class="point" cx="{x(day):.1f}" cy="{y(value):.1f}" r="2.5" '
                f'fill="#0b5394"/>'
            )
    for day, limit in not_detected:
        cx, cy = x(day), y(limit)
        parts.append(
            f'<polygon class="nd" points="{cx - 4:.1f},{cy - 3:.1f} {cx + 4:.1f},{cy - 3:.1f} '
            f'{cx:.1f},{cy + 4:.1f}" fill="none" stroke="#0b5394" stroke-width="1.5"/>'
        )
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 6}" font-size="10" fill="#333">{first.isoformat()}</text>'
    )
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end" font-size="10" '
        f'fill="#333">{last.isoformat()}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
