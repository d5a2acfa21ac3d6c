"""The layout model: a sign is a list of shapes in millimetres, origin at the trim's top left.

Both writers (SVG and PDF) draw exactly these shapes, so the two files never disagree.
Colours are ``#rrggbb``; y grows downwards as in SVG; text ``y`` is the baseline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.qr.readable import readable

#: Extra margin outside the bleed that holds the crop marks (slug), in mm.
SLUG_MM = 10.0
#: Crop marks start this far outside the trim (at the bleed edge) and are this long.
MARK_OFFSET_MM = 3.0
MARK_LENGTH_MM = 7.0
MARK_WIDTH_MM = 0.25
REGISTRATION = "#000000"

#: A path command: ("M", x, y), ("L", x, y), ("C", x1, y1, x2, y2, x, y) or ("Z",).
Command = tuple


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle, filled and/or stroked."""

    x: float
    y: float
    w: float
    h: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0
    radius: float = 0.0


@dataclass(frozen=True, slots=True)
class Circle:
    """A filled and/or stroked circle."""

    cx: float
    cy: float
    r: float
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0


@dataclass(frozen=True, slots=True)
class Path:
    """A path of straight and cubic segments."""

    commands: tuple[Command, ...]
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float = 0.0


@dataclass(frozen=True, slots=True)
class Text:
    """One line of text; ``anchor`` is start, middle or end; ``width`` is its measured advance."""

    x: float
    y: float
    size: float
    text: str
    fill: str
    anchor: str = "start"
    width: float = 0.0


@dataclass(frozen=True, slots=True)
class QR:
    """A QR code drawn on a white panel; ``x, y, side`` include the quiet zone."""

    x: float
    y: float
    side: float
    url: str
    matrix: tuple[tuple[bool, ...], ...]
    version: int
    error: str
    border: int

    @property
    def module_mm(self) -> float:
        """Printed size of one module."""
        return self.side / (len(self.matrix) + 2 * self.border)


Shape = Rect | Circle | Path | Text | QR


@dataclass(frozen=True, slots=True)
class Sign:
    """One signboard: trim size, bleed and shapes, plus what the print order needs."""

    kind: str  # gate | outlet
    unit_code: str
    outlet_code: str
    width: float
    height: float
    bleed: float
    url: str
    shapes: tuple[Shape, ...] = field(default=())
    #: The fallback printed beside the code: an address to type and the code to search for.
    lookup_address: str = ""
    lookup_code: str = ""
    #: Printed on the sign and kept in the manifest, so one sign can be reordered.
    sign_id: str = ""
    printed: dt.date | None = None

    @property
    def name(self) -> str:
        """File stem: ``gate`` or the outlet code."""
        return self.outlet_code or "gate"

    @property
    def margin(self) -> float:
        """Distance from the page edge to the trim: bleed plus slug."""
        return self.bleed + SLUG_MM

    @property
    def page_size(self) -> tuple[float, float]:
        """Page width and height in mm (trim + bleed + slug on every side)."""
        return self.width + 2 * self.margin, self.height + 2 * self.margin

    @property
    def min_text_mm(self) -> float:
        """Font size (mm) of the smallest text meant to be read from a distance.

        The id line (sign id and print date) is read up close by whoever orders a reprint.
        """
        texts = [s for s in self.shapes if isinstance(s, Text)]
        return min(t.size for t in texts if not (self.sign_id and self.sign_id in t.text))

    @property
    def qr(self) -> QR:
        """The sign's QR code."""
        return next(s for s in self.shapes if isinstance(s, QR))


def qr_shape(url: str, x: float, y: float, side: float, error: str, border: int = 4) -> QR:
    """A QR shape for ``url`` filling a ``side``×``side`` square (quiet zone included).

    The mask is the best-scoring one that every decoder reads (``generator.qr.readable``).
    """
    code = readable(url, error)
    matrix = tuple(tuple(bool(v) for v in row) for row in code.matrix)
    version = code.version  # an int: segno makes no Micro QR (version "M1"…) here
    return QR(x, y, side, url, matrix, int(version), code.error, border)


def crop_marks(sign: Sign) -> list[tuple[float, float, float, float]]:
    """Crop mark lines (x1, y1, x2, y2) at the four trim corners, outside the bleed."""
    w, h = sign.width, sign.height
    near = max(sign.bleed, MARK_OFFSET_MM)
    far = near + MARK_LENGTH_MM
    lines = []
    for cx, sx in ((0.0, -1), (w, 1)):
        for cy, sy in ((0.0, -1), (h, 1)):
            lines.append((cx + sx * near, cy, cx + sx * far, cy))
            lines.append((cx, cy + sy * near, cx, cy + sy * far))
    return lines


def module_runs(qr: QR) -> list[tuple[int, int, int]]:
    """Dark modules as horizontal runs (row, first column, length), for compact drawing."""
    runs = []
    for r, row in enumerate(qr.matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs
