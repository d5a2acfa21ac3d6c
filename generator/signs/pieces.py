"""What every signboard is made of: colours, options, fitted text boxes, the QR panel and the
id line at the foot. The gate and prompt signs (signboards.py) and the square and warning
signs (variants.py) are all built from these, so neither of those imports the other's pieces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator import clock
from generator.content.model import Outlet, Unit
from generator.signs.fonts import fit, text_width
from generator.signs.layout import Rect, Shape, Sign, Text, qr_shape

GREEN = "#00843D"
WHITE = "#FFFFFF"
INK = "#1A1A1A"
GREY = "#555555"
#: Ascent of WenQuanYi Zen Hei as a fraction of the font size (baseline below the box top).
ASCENT = 0.8
#: Error correction tried first and the fallback if its modules would print smaller than this.
QR_ERRORS = ("h", "q")
MIN_MODULE_MM = 1.5
KIND_LABELS = {
    "gate": "一码通管理信息化标识牌",
    "outlet": "污染物排放口标识牌",
    "warning": "污染物排放口警告标志牌",
}
#: Outlet boards narrower than this (width / height) get the square layout (420×420).
SQUARE_RATIO = 1.25


@dataclass(frozen=True, slots=True)
class SignOptions:
    """What the signs need beyond the content: addresses, sizes and the hotline."""

    base_url: str
    gate_mm: tuple[float, float] = (600.0, 400.0)
    outlet_mm: tuple[float, float] = (480.0, 300.0)
    bleed_mm: float = 3.0
    hotline: str = "12369"
    border: int = 4
    #: Print date: part of each sign's id and printed on the sign (default: today in China).
    printed: dt.date | None = None
    #: Outlet signs: "prompt" (green, GB 15562.1 提示标志) or "warning" (yellow triangle).
    style: str = "prompt"
    #: Side of the warning sign's triangle face: 420 (wall) or 560 (free-standing), GB 15562.1.
    warning_mm: float = 420.0

    @property
    def print_date(self) -> dt.date:
        """The print date, today (China) unless one was given."""
        return self.printed or clock.china_today()


def sign_id(unit: Unit, outlet: Outlet | None, printed: dt.date) -> str:
    """The printed id of one sign: unit code, outlet code (G for the gate) and print date."""
    return f"{unit.code}-{outlet.code if outlet else 'G'}-{printed:%Y%m%d}"


def finish(
    unit: Unit,
    outlet: Outlet | None,
    opts: SignOptions,
    url: str,
    shapes: list[Shape],
    lookup: str,
    kind: str = "",
    size: tuple[float, float] | None = None,
    ink: str = WHITE,
) -> Sign:
    """The sign with its id and print date in a small line at the bottom right of the face."""
    w, h = size or (opts.outlet_mm if outlet else opts.gate_mm)
    printed = opts.print_date
    ident = sign_id(unit, outlet, printed)
    line = f"标识牌编号 {ident}　印制日期 {printed:%Y-%m-%d}"
    top = h - (0.058 if outlet else 0.035) * min(h, w)
    short = min(h, w)
    shapes = [
        *shapes,
        *text_box(line, 0.04 * w, top, 0.92 * w, 0.025 * short, 0.018 * short, ink, "end"),
    ]
    return Sign(
        kind or ("outlet" if outlet else "gate"),
        unit.code,
        outlet.code if outlet else "",
        w,
        h,
        opts.bleed_mm,
        url,
        tuple(shapes),
        short_address(opts.base_url),
        lookup,
        ident,
        printed,
    )


def text_box(
    text: str,
    x: float,
    y: float,
    w: float,
    h: float,
    size: float,
    fill: str,
    anchor: str = "start",
    max_lines: int = 1,
    middle: bool = False,
) -> list[Text]:
    """Lines of ``text`` fitted into the box (x, y, w, h); ``anchor`` aligns them horizontally."""
    fitted = fit(text, size, w, h, max_lines)
    block = fitted.size + (len(fitted.lines) - 1) * fitted.leading
    top = y + (h - block) / 2 if middle else y
    ax = {"start": x, "middle": x + w / 2, "end": x + w}[anchor]
    return [
        Text(
            ax,
            top + ASCENT * fitted.size + i * fitted.leading,
            fitted.size,
            line,
            fill,
            anchor,
            text_width(line, fitted.size),
        )
        for i, line in enumerate(fitted.lines)
    ]


def labelled(
    label: str,
    value: str,
    x: float,
    y: float,
    w: float,
    h: float,
    size: float,
    colours: tuple[str, str],
    max_lines: int = 1,
) -> list[Shape]:
    """A row ``label：value``; the value wraps or shrinks, and the label is never larger."""
    label_text = f"{label}："
    for _ in range(8):  # a smaller label leaves room for a larger value: settle both
        label_w = text_width(label_text, size)
        fitted = fit(value, size, w - label_w, h - ASCENT * size * 0.25, max_lines)
        if fitted.size >= size * 0.995:
            break
        size = fitted.size
    size = min(size, fitted.size)
    baseline = y + ASCENT * size
    shapes: list[Shape] = [
        Text(x, baseline, size, label_text, colours[0], "start", text_width(label_text, size))
    ]
    # The value's first line shares the label's baseline, so shrunk text stays on the row.
    return shapes + [
        Text(
            x + text_width(label_text, size),
            baseline + i * fitted.leading,
            fitted.size,
            line,
            colours[1],
            "start",
            text_width(line, fitted.size),
        )
        for i, line in enumerate(fitted.lines)
    ]


def qr_panel(url: str, x: float, y: float, side: float, border: int) -> list[Shape]:
    """A white panel holding the code with its quiet zone; H unless modules get too small."""
    for error in QR_ERRORS:
        code = qr_shape(url, x, y, side, error, border)
        if code.module_mm >= MIN_MODULE_MM:
            break
    return [Rect(x, y, side, side, fill=WHITE), code]


def short_address(base_url: str) -> str:
    """The site's address as a person types it: host and path, no scheme, no trailing slash."""
    parts = urlsplit(base_url)
    return (parts.netloc + parts.path).rstrip("/") or base_url


def background(w: float, h: float, bleed: float, fill: str) -> Rect:
    """The face colour, out to the bleed on every side."""
    return Rect(-bleed, -bleed, w + 2 * bleed, h + 2 * bleed, fill=fill)
