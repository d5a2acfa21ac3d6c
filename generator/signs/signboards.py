"""Lay out the gate signboard and the outlet prompt signboards of a unit.

Positions scale with the configured trim size: horizontal measures are fractions of the
width, vertical measures and font sizes fractions of the height (references 600×400 gate,
480×300 outlet). Every text is measured with the embedded font and fitted to its box (pieces.py).
"""

from __future__ import annotations

from generator import urls
from generator.content.model import Outlet, PermitState, PermitStatus, Site, Unit
from generator.signs.layout import Rect, Shape, Sign
from generator.signs.pieces import (
    GREEN,
    GREY,
    INK,
    SQUARE_RATIO,
    WHITE,
    SignOptions,
    background,
    finish,
    labelled,
    qr_panel,
    short_address,
    text_box,
)
from generator.signs.symbols import symbol
from generator.signs.variants import square_outlet_sign, warning_sign


def validity(unit: Unit) -> tuple[str, str]:
    """Label and text of the permit validity row (排污登记 for registration-only units).

    A revoked or cancelled permit says so instead of dates that no longer hold.
    """
    permit = unit.permit
    if permit is None:
        return "排污许可", PermitState.REGISTERED.label
    if permit.status is not PermitStatus.VALID:
        state = PermitState(permit.status.value).label
        when = f"（{permit.status_date:%Y-%m-%d}）" if permit.status_date else ""
        return "排污许可证", f"{state}{when}"
    return "许可证有效期", f"{permit.valid_from:%Y-%m-%d} 至 {permit.valid_to:%Y-%m-%d}"


def _gate_rows(
    unit: Unit, opts: SignOptions, pad: float, col: float, h: float, u: float
) -> list[Shape]:
    """The gate sign's fact rows, the address row and the line saying what to type."""
    rows = [
        ("固定污染源编码", unit.code),
        ("管理类别", unit.category.label),
        validity(unit),
        ("网址", short_address(opts.base_url)),
    ]
    shapes: list[Shape] = []
    for i, (label, value) in enumerate(rows):
        shapes += labelled(
            label, value, pad, 0.45 * h + i * 0.085 * h, col, 0.06 * h, 0.045 * u, (GREY, INK)
        )
    hint = "无法扫码时：打开网址，在搜索框输入固定污染源编码，直达本单位页面"
    return shapes + text_box(hint, pad, 0.79 * h, col, 0.05 * h, 0.03 * u, GREEN)


def _outlet_rows(
    unit: Unit, outlet: Outlet, x: float, y: float, w: float, h: float, u: float
) -> list[Shape]:
    """The outlet sign's fact rows from ``y``: unit name and code, outlet code, pollutants."""
    pollutants = "、".join(p.name for p in outlet.pollutants) or "—"
    rows = [
        ("单位名称", unit.name, 2, 0.12),
        ("固定污染源编码", unit.code, 1, 0.06),
        ("排放口编号", outlet.code, 1, 0.06),
        ("污染物种类", pollutants, 2, 0.12),
    ]
    shapes: list[Shape] = []
    for label, value, lines, share in rows:
        shapes += labelled(label, value, x, y, w, share * h, 0.05 * u, (WHITE, WHITE), lines)
        y += (share + 0.02) * h
    return shapes


def gate_sign(site: Site, unit: Unit, opts: SignOptions) -> Sign:
    """The gate signboard (一码通管理信息化标识牌) of ``unit``."""
    w, h = opts.gate_mm
    url = urls.printed(opts.base_url, urls.unit_path(unit.code))
    u = min(h, w * 2 / 3)  # font scale: the height, unless the board is narrower than 3:2
    pad, band, foot = 0.04 * w, 0.2 * h, 0.85 * h
    qr_side = min(0.5 * h, 0.36 * w)
    qr_x, qr_y = w - pad - qr_side, band + 0.03 * h
    col = qr_x - 2 * pad
    shapes: list[Shape] = [
        background(w, h, opts.bleed_mm, WHITE),
        Rect(
            -opts.bleed_mm, -opts.bleed_mm, w + 2 * opts.bleed_mm, band + opts.bleed_mm, fill=GREEN
        ),
        Rect(-opts.bleed_mm, foot, w + 2 * opts.bleed_mm, h - foot + opts.bleed_mm, fill=GREEN),
        *text_box(
            f"{site.title}管理信息化标识牌",
            pad,
            0,
            w - 2 * pad,
            band,
            0.075 * u,
            WHITE,
            "middle",
            middle=True,
        ),
        *text_box(unit.name, pad, qr_y, col, 0.17 * h, 0.07 * u, INK, max_lines=2, middle=True),
        Rect(pad, 0.42 * h, col, 0.004 * h, fill=GREEN),
        *qr_panel(url, qr_x, qr_y, qr_side, opts.border),
        *text_box(
            "扫码查看　扫码举报",
            qr_x,
            qr_y + qr_side + 0.015 * h,
            qr_side,
            0.06 * h,
            0.045 * u,
            GREEN,
            "middle",
        ),
    ]
    shapes += _gate_rows(unit, opts, pad, col, h, u)
    half = (w - 3 * pad) / 2
    shapes += text_box(
        f"环保举报热线：{opts.hotline}", pad, foot, half, h - foot, 0.055 * u, WHITE, middle=True
    )
    shapes += text_box(
        site.issuer, 2 * pad + half, foot, half, h - foot, 0.035 * u, WHITE, "end", middle=True
    )
    return finish(unit, None, opts, url, shapes, unit.code)


def outlet_sign(site: Site, unit: Unit, outlet: Outlet, opts: SignOptions) -> Sign:
    """The prompt signboard (污染物排放口标识牌) of one outlet; a square board gets its own layout."""
    w, h = opts.outlet_mm
    if w < SQUARE_RATIO * h:
        return square_outlet_sign(site, unit, outlet, opts)
    url = urls.printed(opts.base_url, urls.outlet_path(unit.code, outlet.code))
    u = min(h, w * 0.625)  # font scale: the height, unless narrower than 480:300
    pad, side, qr_side = 0.07 * h, min(0.28 * h, 0.2 * w), min(0.56 * h, 0.36 * w)
    qr_x = w - pad - qr_side
    title_x = pad + side + 0.04 * w
    col = qr_x - 0.03 * w - pad
    inset = 0.03 * h
    identifier = unit.code + outlet.code  # HJ 608: the national 27-character outlet identifier
    shapes: list[Shape] = [
        background(w, h, opts.bleed_mm, GREEN),
        Rect(inset, inset, w - 2 * inset, h - 2 * inset, stroke=WHITE, stroke_width=0.012 * h),
        *symbol(outlet.kind, pad, pad, side, WHITE, GREEN),
        *text_box(
            f"{outlet.kind_label}排放口",
            title_x,
            pad,
            qr_x - 0.03 * w - title_x,
            side,
            0.1 * u,
            WHITE,
            middle=True,
        ),
        *qr_panel(url, qr_x, pad, qr_side, opts.border),
        *_outlet_fallback(opts, identifier, qr_x, pad + qr_side, qr_side, h, u),
        *text_box(
            f"环保举报热线：{opts.hotline}　{site.issuer}",
            pad,
            h - 0.115 * h,
            w - 2 * pad,
            0.05 * h,
            0.035 * u,
            WHITE,
            "middle",
            middle=True,
        ),
    ]
    shapes += _outlet_rows(unit, outlet, pad, pad + side + 0.04 * h, col, h, u)
    return finish(unit, outlet, opts, url, shapes, identifier)


def _outlet_fallback(
    opts: SignOptions, identifier: str, x: float, y: float, w: float, h: float, u: float
) -> list[Shape]:
    """Under the code: the caption, then the address and the identifier to type if it fails."""
    lines = [
        ("扫码查看排放口信息", 0.02, 0.05, 0.04),
        (f"无法扫码请访问 {short_address(opts.base_url)}", 0.075, 0.04, 0.032),
        (f"搜索 {identifier}", 0.115, 0.04, 0.032),
    ]
    shapes: list[Shape] = []
    for text, top, box, size in lines:
        shapes += text_box(text, x, y + top * h, w, box * h, size * u, WHITE, "middle")
    return shapes


def unit_signs(site: Site, unit: Unit, opts: SignOptions) -> list[Sign]:
    """The gate sign followed by one sign per outlet (prompt or warning style), in outlet order."""
    if opts.style == "warning":
        return [gate_sign(site, unit, opts)] + [
            warning_sign(site, unit, o, opts) for o in unit.outlets
        ]
    return [gate_sign(site, unit, opts)] + [outlet_sign(site, unit, o, opts) for o in unit.outlets]
