"""Graphic symbols for outlet prompt signs, drawn in the spirit of GB 15562.1.

Each symbol is white on the green face inside a white-bordered square: waste water is an
outfall pipe pouring onto waves, waste gas is a stack with rising smoke.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.signs.layout import Circle, Path, Rect, Shape

#: Maps a point of the symbol's 100×100 grid to millimetres on the sign.
At = Callable[[float, float], tuple[float, float]]


def symbol(kind: str, x: float, y: float, side: float, fg: str, bg: str) -> list[Shape]:
    """The framed symbol for ``kind`` ('water' or 'gas') in the square at ``x, y``."""
    frame = [Rect(x, y, side, side, fill=None, stroke=fg, stroke_width=side * 0.035)]
    draw = _water if kind == "water" else _gas
    return frame + draw(lambda u, v: (x + u * side / 100, y + v * side / 100), side / 100, fg, bg)


def _water(at: At, k: float, fg: str, bg: str) -> list[Shape]:
    """Outfall pipe on a wall, a stream falling from it and three waves below."""
    shapes: list[Shape] = [
        Path(
            (
                ("M", *at(14, 18)),
                ("L", *at(20, 18)),
                ("L", *at(20, 52)),
                ("L", *at(14, 52)),
                ("Z",),
            ),
            fill=fg,
        ),
        Path(
            (
                ("M", *at(20, 24)),
                ("L", *at(46, 24)),
                ("L", *at(46, 38)),
                ("L", *at(20, 38)),
                ("Z",),
            ),
            fill=fg,
        ),
        Path(
            (
                ("M", *at(46, 24)),
                ("C", *at(66, 24), *at(72, 44), *at(74, 64)),
                ("L", *at(62, 64)),
                ("C", *at(60, 48), *at(56, 38), *at(46, 38)),
                ("Z",),
            ),
            fill=fg,
        ),
    ]
    for row, v in enumerate((70, 79, 88)):
        shapes.append(
            Path(_wave(at, 12 + 2 * row, v, 76 - 4 * row), stroke=fg, stroke_width=3.2 * k)
        )
    return shapes


def _wave(at, u0: float, v: float, length: float) -> tuple:
    """A wavy line starting at ``u0, v`` with four crests."""
    step = length / 4
    commands: list[tuple] = [("M", *at(u0, v))]
    for i in range(4):
        a = u0 + i * step
        commands.append(
            ("C", *at(a + step / 3, v - 4), *at(a + 2 * step / 3, v + 4), *at(a + step, v))
        )
    return tuple(commands)


def _gas(at: At, k: float, fg: str, bg: str) -> list[Shape]:
    """A tapered stack on the ground with three puffs of smoke drifting up and right."""
    shapes: list[Shape] = [
        Path(
            (
                ("M", *at(30, 88)),
                ("L", *at(36, 40)),
                ("L", *at(48, 40)),
                ("L", *at(54, 88)),
                ("Z",),
            ),
            fill=fg,
        ),
        Rect(*at(12, 88), 76 * k, 4 * k, fill=fg),
        Rect(*at(35, 48), 14 * k, 3 * k, fill=bg),
        Rect(*at(34, 58), 16 * k, 3 * k, fill=bg),
    ]
    for cx, cy, r in ((46, 31, 7), (58, 21, 9), (74, 14, 11)):
        cxm, cym = at(cx, cy)
        shapes.append(Circle(cxm, cym, r * k, fill=fg))
    return shapes


def glyph(kind: str, x: float, y: float, side: float, fg: str, bg: str) -> list[Shape]:
    """The symbol for ``kind`` alone (no frame), in the square at ``x, y``: for warning signs."""
    draw = _water if kind == "water" else _gas
    return draw(lambda u, v: (x + u * side / 100, y + v * side / 100), side / 100, fg, bg)
