"""The square free-standing prompt sign (420×420) and the warning-style outlet sign.

Both carry what the landscape prompt sign carries (generator/signs/signboards.py), from the same pieces (pieces.py): the unit
name and code, the outlet code and its pollutants, the QR code, the typable fallback, the
hotline, the issuer and the sign's id and print date.
"""

from __future__ import annotations

from generator import urls
from generator.content.model import Outlet, Site, Unit
from generator.signs.layout import Path, Rect, Shape, Sign
from generator.signs.pieces import (
    GREEN,
    INK,
    WHITE,
    SignOptions,
    background,
    finish,
    labelled,
    qr_panel,
    short_address,
    text_box,
)
from generator.signs.symbols import glyph, symbol

#: GB 2893 safety yellow (warning signs), close to Pantone 116 C.
YELLOW = "#FFCC00"
#: Warning sign plate height as a multiple of the triangle side (triangle above, facts below).
WARNING_HEIGHT = 1.7


def _rows(unit: Unit, outlet: Outlet) -> list[tuple[str, str, int, float]]:
    """Label, value, lines and height share of the fact rows under the symbol."""
    pollutants = "、".join(p.name for p in outlet.pollutants) or "—"
    return [
        ("单位名称", unit.name, 2, 0.08),
        ("固定污染源编码", unit.code, 1, 0.045),
        ("排放口编号", outlet.code, 1, 0.045),
        ("污染物种类", pollutants, 2, 0.075),
    ]


def _facts(unit: Unit, outlet: Outlet, x: float, y: float, w: float, u: float, ink: str):
    """The fact rows, full width from ``y``; returns the shapes and the y below them."""
    shapes: list[Shape] = []
    for label, value, lines, share in _rows(unit, outlet):
        shapes += labelled(label, value, x, y, w, share * u, 0.04 * u, (ink, ink), lines)
        y += (share + 0.01) * u
    return shapes, y


def _fallback(opts: SignOptions, ident: str, x: float, y: float, w: float, u: float, ink: str):
    """Caption, address and identifier to type, one line each, from ``y``."""
    lines = [
        ("扫码查看排放口信息", 0.04, 0.034),
        (f"无法扫码请访问 {short_address(opts.base_url)}", 0.035, 0.028),
        (f"搜索 {ident}", 0.035, 0.028),
    ]
    shapes: list[Shape] = []
    for text, box, size in lines:
        shapes += text_box(text, x, y, w, box * u, size * u, ink, "middle")
        y += (box + 0.005) * u
    return shapes


def square_outlet_sign(site: Site, unit: Unit, outlet: Outlet, opts: SignOptions) -> Sign:
    """A prompt sign laid out for a square board: code at top right, facts across the width."""
    w, h = opts.outlet_mm
    u = min(w, h)
    url = urls.printed(opts.base_url, urls.outlet_path(unit.code, outlet.code))
    pad, q, side = 0.05 * u, 0.42 * u, 0.2 * u
    qr_x = w - pad - q
    left = qr_x - 0.03 * u - pad
    ident = unit.code + outlet.code
    shapes: list[Shape] = [
        background(w, h, opts.bleed_mm, GREEN),
        Rect(0.025 * u, 0.025 * u, w - 0.05 * u, h - 0.05 * u, stroke=WHITE, stroke_width=0.01 * u),
        *symbol(outlet.kind, pad, pad, side, WHITE, GREEN),
        *text_box(
            f"{outlet.kind_label}排放口",
            pad,
            pad + side + 0.02 * u,
            left,
            0.09 * u,
            0.075 * u,
            WHITE,
        ),
        *qr_panel(url, qr_x, pad, q, opts.border),
        *_fallback(opts, ident, qr_x, pad + q + 0.01 * u, q, u, WHITE),
    ]
    facts, _ = _facts(unit, outlet, pad, 0.61 * u, w - 2 * pad, u, WHITE)
    shapes += facts
    shapes += text_box(
        f"环保举报热线：{opts.hotline}　{site.issuer}",
        pad,
        0.895 * h,
        w - 2 * pad,
        0.035 * u,
        0.03 * u,
        WHITE,
        "middle",
    )
    return finish(unit, outlet, opts, url, shapes, ident)


def _triangle(cx: float, top: float, side: float) -> Path:
    """The warning triangle: yellow, black border (GB 15562.1 警告标志)."""
    base = top + side * 3**0.5 / 2
    return Path(
        (("M", cx, top), ("L", cx + side / 2, base), ("L", cx - side / 2, base), ("Z",)),
        fill=YELLOW,
        stroke=INK,
        stroke_width=0.05 * side,
    )


def warning_sign(site: Site, unit: Unit, outlet: Outlet, opts: SignOptions) -> Sign:
    """The warning-style outlet sign: a yellow triangle (side ``opts.warning_mm``) over the facts."""
    s = opts.warning_mm
    w, h = s, WARNING_HEIGHT * s
    url = urls.printed(opts.base_url, urls.outlet_path(unit.code, outlet.code))
    pad, t = 0.05 * s, 0.84 * s
    top = 0.05 * s
    base = top + t * 3**0.5 / 2
    mark = 0.36 * s  # the symbol's square, centred on the triangle's incentre
    centre = base - t / (2 * 3**0.5)
    ident = unit.code + outlet.code
    shapes: list[Shape] = [
        background(w, h, opts.bleed_mm, WHITE),
        _triangle(w / 2, top, t),
        *glyph(outlet.kind, w / 2 - mark / 2, centre - mark / 2 + 0.02 * s, mark, INK, YELLOW),
        *text_box(
            f"警告　{outlet.kind_label}排放口",
            pad,
            base + 0.03 * s,
            w - 2 * pad,
            0.08 * s,
            0.065 * s,
            INK,
            "middle",
        ),
    ]
    facts, y = _facts(unit, outlet, pad, base + 0.13 * s, w - 2 * pad, s, INK)
    q = 0.4 * s
    shapes += facts
    shapes += qr_panel(url, w - pad - q, y + 0.01 * s, q, opts.border)
    shapes += _fallback(opts, ident, pad, y + 0.1 * s, w - 3 * pad - q, s, INK)
    shapes += text_box(
        f"环保举报热线：{opts.hotline}　{site.issuer}",
        pad,
        h - 0.1 * s,
        w - 2 * pad,
        0.035 * s,
        0.03 * s,
        INK,
        "middle",
    )
    return finish(unit, outlet, opts, url, shapes, ident, "warning", (w, h), INK)
