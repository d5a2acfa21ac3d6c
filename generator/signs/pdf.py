"""Write signs as PDF, the print master: true size, CMYK colours, embedded font, crop marks.

Page = trim + bleed + slug on every side (see layout.SLUG_MM); the PDF TrimBox and BleedBox
tell the print shop's RIP where to cut. QR modules and crop marks use black (K) only, so
plate misregistration can never blur a module.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import CMYKColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from generator.signs.fonts import font_name
from generator.signs.layout import (
    MARK_WIDTH_MM,
    QR,
    Circle,
    Rect,
    Shape,
    Sign,
    Text,
    crop_marks,
    module_runs,
)
from generator.signs.layout import Path as PathShape

#: Print colours for the sign palette (green close to Pantone 348 C); others are converted.
CMYK = {
    "#00843D": (1.0, 0.0, 0.85, 0.24),
    "#FFFFFF": (0.0, 0.0, 0.0, 0.0),
    "#000000": (0.0, 0.0, 0.0, 1.0),
    "#1A1A1A": (0.0, 0.0, 0.0, 0.9),
    "#555555": (0.0, 0.0, 0.0, 0.67),
}


def cmyk(colour: str) -> CMYKColor:
    """The print colour of ``#rrggbb`` (table first, else a plain RGB→CMYK conversion)."""
    if colour.upper() in CMYK:
        return CMYKColor(*CMYK[colour.upper()])
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    k = 1 - max(r, g, b)
    if k >= 1:
        return CMYKColor(0, 0, 0, 1)
    return CMYKColor(*((1 - c - k) / (1 - k) for c in (r, g, b)), k)


def _paint(c: Canvas, fill: str | None, stroke: str | None, width: float) -> tuple[int, int]:
    if fill:
        c.setFillColor(cmyk(fill))
    if stroke:
        c.setStrokeColor(cmyk(stroke))
        c.setLineWidth(width)
    return (1 if stroke else 0), (1 if fill else 0)


def _path(c: Canvas, shape: PathShape) -> None:
    p = c.beginPath()
    for op, *xy in shape.commands:
        {"M": p.moveTo, "L": p.lineTo, "C": p.curveTo, "Z": p.close}[op](*xy)
    stroke, fill = _paint(c, shape.fill, shape.stroke, shape.stroke_width)
    c.drawPath(p, stroke=stroke, fill=fill)


def _text(c: Canvas, shape: Text) -> None:
    c.saveState()
    c.translate(shape.x, shape.y)
    c.scale(1, -1)  # the sign space is y-down; glyphs must stay upright
    c.setFillColor(cmyk(shape.fill))
    c.setFont(font_name(), shape.size)
    draw = {"start": c.drawString, "middle": c.drawCentredString, "end": c.drawRightString}
    draw[shape.anchor](0, 0, shape.text)
    c.restoreState()


def _qr(c: Canvas, shape: QR) -> None:
    m = shape.module_mm
    ox, oy = shape.x + shape.border * m, shape.y + shape.border * m
    c.setFillColor(cmyk("#000000"))
    p = c.beginPath()
    for r, col, length in module_runs(shape):
        p.rect(ox + col * m, oy + r * m, length * m, m)
    c.drawPath(p, stroke=0, fill=1)


def draw_shape(c: Canvas, shape: Shape) -> None:
    """Draw one shape in the sign's millimetre space."""
    if isinstance(shape, Rect):
        stroke, fill = _paint(c, shape.fill, shape.stroke, shape.stroke_width)
        c.rect(shape.x, shape.y, shape.w, shape.h, stroke=stroke, fill=fill)
    elif isinstance(shape, Circle):
        stroke, fill = _paint(c, shape.fill, shape.stroke, shape.stroke_width)
        c.circle(shape.cx, shape.cy, shape.r, stroke=stroke, fill=fill)
    elif isinstance(shape, PathShape):
        _path(c, shape)
    elif isinstance(shape, Text):
        _text(c, shape)
    else:
        _qr(c, shape)


def draw_page(c: Canvas, sign: Sign) -> None:
    """Draw ``sign`` on the current page, sized to it, with its boxes and crop marks."""
    pw, ph = sign.page_size
    m, b = sign.margin, sign.bleed
    c.setPageSize((pw * mm, ph * mm))
    c.setTrimBox((m * mm, m * mm, (m + sign.width) * mm, (m + sign.height) * mm))
    c.setBleedBox(
        ((m - b) * mm, (m - b) * mm, (m + sign.width + b) * mm, (m + sign.height + b) * mm)
    )
    c.saveState()
    c.translate(m * mm, (ph - m) * mm)
    c.scale(mm, -mm)  # from here on: millimetres, origin at the trim's top left, y down
    for shape in sign.shapes:
        draw_shape(c, shape)
    c.setStrokeColor(cmyk("#000000"))
    c.setLineWidth(MARK_WIDTH_MM)
    for x1, y1, x2, y2 in crop_marks(sign):
        c.line(x1, y1, x2, y2)
    c.restoreState()
    c.showPage()


def write_pdf(signs: list[Sign], path: Path, title: str) -> None:
    """Write ``signs`` to ``path``, one page each (deterministic: no dates, no random IDs)."""
    c = Canvas(str(path), invariant=1, pageCompression=1, initialFontName=font_name())
    c.setTitle(title)
    c.setAuthor("一码通 yimatong signs")
    c.setCreator("yimatong")
    for sign in signs:
        draw_page(c, sign)
    c.save()
