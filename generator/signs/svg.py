"""Write a sign as SVG: true size in millimetres, viewBox in millimetres with the trim at 0,0.

The PDF is the print master. The SVG is for previews and sign makers' tools: its text is
live text in a 黑体 family list, each line pinned to the width measured with the embedded
font (``textLength``), so a fallback font can never push a line past its box.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from generator.signs.fonts import SVG_FONT_FAMILY
from generator.signs.layout import (
    MARK_WIDTH_MM,
    QR,
    REGISTRATION,
    Circle,
    Rect,
    Shape,
    Sign,
    Text,
    crop_marks,
    module_runs,
)
from generator.signs.layout import Path as PathShape


def n(value: float) -> str:
    """A coordinate with at most three decimals and no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _paint(fill: str | None, stroke: str | None, width: float) -> str:
    attrs = f' fill="{fill or "none"}"'
    if stroke:
        attrs += f' stroke="{stroke}" stroke-width="{n(width)}"'
    return attrs


def _path_data(commands: tuple) -> str:
    parts = []
    for op, *coords in commands:
        parts.append(op + " ".join(n(c) for c in coords))
    return "".join(parts)


def _qr(shape: QR) -> str:
    m = shape.module_mm
    ox, oy = shape.x + shape.border * m, shape.y + shape.border * m
    d = "".join(
        f"M{n(ox + c * m)} {n(oy + r * m)}h{n(length * m)}v{n(m)}h{n(-length * m)}z"
        for r, c, length in module_runs(shape)
    )
    return (
        f'<g class="qr" data-url={quoteattr(shape.url)} data-version="{shape.version}" '
        f'data-error="{shape.error}"><path fill="#000000" d="{d}"/></g>'
    )


def shape_svg(shape: Shape) -> str:
    """One shape as an SVG element."""
    if isinstance(shape, Rect):
        radius = f' rx="{n(shape.radius)}"' if shape.radius else ""
        return (
            f'<rect x="{n(shape.x)}" y="{n(shape.y)}" width="{n(shape.w)}" '
            f'height="{n(shape.h)}"{radius}{_paint(shape.fill, shape.stroke, shape.stroke_width)}/>'
        )
    if isinstance(shape, Circle):
        return (
            f'<circle cx="{n(shape.cx)}" cy="{n(shape.cy)}" r="{n(shape.r)}"'
            f"{_paint(shape.fill, shape.stroke, shape.stroke_width)}/>"
        )
    if isinstance(shape, PathShape):
        return (
            f'<path d="{_path_data(shape.commands)}"'
            f"{_paint(shape.fill, shape.stroke, shape.stroke_width)}/>"
        )
    if isinstance(shape, Text):
        return (
            f'<text x="{n(shape.x)}" y="{n(shape.y)}" font-size="{n(shape.size)}" '
            f'fill="{shape.fill}" text-anchor="{shape.anchor}" textLength="{n(shape.width)}" '
            f'lengthAdjust="spacingAndGlyphs">{escape(shape.text)}</text>'
        )
    return _qr(shape)


def render_svg(sign: Sign) -> str:
    """The whole sign, with crop marks in the slug, as an SVG document."""
    pw, ph = sign.page_size
    m = sign.margin
    marks = "".join(
        f'<line x1="{n(a)}" y1="{n(b)}" x2="{n(c)}" y2="{n(d)}"/>'
        for a, b, c, d in crop_marks(sign)
    )
    body = "\n".join(shape_svg(s) for s in sign.shapes)
    title = escape(f"{sign.unit_code} {sign.name} {n(sign.width)}×{n(sign.height)} mm")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{n(pw)}mm" height="{n(ph)}mm" '
        f'viewBox="{n(-m)} {n(-m)} {n(pw)} {n(ph)}" font-family="{SVG_FONT_FAMILY}">\n'
        f"<title>{title}</title>\n"
        f'<g id="sign">\n{body}\n</g>\n'
        f'<g id="crop-marks" stroke="{REGISTRATION}" stroke-width="{n(MARK_WIDTH_MM)}">{marks}</g>\n'
        "</svg>\n"
    )


def write_svg(sign: Sign, path: Path) -> None:
    """Write ``sign`` to ``path`` as SVG."""
    path.write_text(render_svg(sign), encoding="utf-8")
