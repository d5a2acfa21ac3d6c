"""The signboard font: WenQuanYi Zen Hei (黑体-style sans), measured and embedded with reportlab."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from generator.signs.words import NO_LINE_START, segments

#: Debian package fonts-wqy-zenhei (installed by scripts/setup); subfont 0 is the proportional face.
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FONT_NAME = "WenQuanYiZenHei"
SVG_FONT_FAMILY = "'WenQuanYi Zen Hei','Noto Sans CJK SC','SimHei','Microsoft YaHei',sans-serif"
_TOKEN_RE = re.compile(r"[A-Za-z0-9.+\-/]+|.", re.S)


class FontMissing(RuntimeError):
    """The signboard font is not installed."""


@cache
def font_name() -> str:
    """Register the signboard font with reportlab once and return its name."""
    if not FONT_PATH.is_file():
        raise FontMissing(
            f"找不到标识牌字体 {FONT_PATH}。请运行 scripts/setup，"
            "或执行 sudo apt-get install fonts-wqy-zenhei 安装文泉驿正黑字体。"
        )
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
    return FONT_NAME


def text_width(text: str, size: float) -> float:
    """Advance width of ``text`` at font ``size`` (both in mm)."""
    return pdfmetrics.stringWidth(text, font_name(), size)


@dataclass(frozen=True, slots=True)
class Fitted:
    """Text fitted into a box: the font size chosen and its lines."""

    size: float
    lines: tuple[str, ...]
    leading: float


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``, between words (``words.segments``).

    A single word wider than the line is broken between its characters (never inside a
    Latin run such as SO2) as a last resort.
    """
    lines: list[str] = []
    current = ""
    for piece in _pieces(text, size, width):
        trial = current + piece
        if current and text_width(trial, size) > width:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _pieces(text: str, size: float, width: float) -> list[str]:
    """Word pieces of ``text``; a piece wider than ``width`` split into characters."""
    pieces: list[str] = []
    for word in segments(text):
        if text_width(word, size) <= width:
            pieces.append(word)
            continue
        for char in _TOKEN_RE.findall(word):
            if pieces and char in NO_LINE_START:
                pieces[-1] += char
            else:
                pieces.append(char)
    return pieces


def balanced(text: str, size: float, width: float) -> list[str]:
    """Greedy lines, then re-broken at the narrowest width giving as many lines (even lines)."""
    lines = wrap(text, size, width)
    if len(lines) < 2:
        return lines
    target = text_width(text, size) / len(lines)
    while target < width:
        trial = wrap(text, size, target)
        if len(trial) == len(lines):
            return trial
        target *= 1.03
    return lines


def fit(
    text: str,
    size: float,
    width: float,
    height: float,
    max_lines: int = 2,
    leading: float = 1.25,
    single_down_to: float = 0.8,
) -> Fitted:
    """The largest size ≤ ``size`` at which ``text`` fits ``width``×``height`` in ≤ ``max_lines``.

    One line is preferred while it needs no more shrinking than ``single_down_to``; then the
    text wraps into evenly filled lines, shrinking further only if it must.
    """
    if width <= 0 or height <= 0:
        raise ValueError(
            f"文字框没有空间（宽 {width:.1f} mm，高 {height:.1f} mm）：标识牌尺寸太小。"
        )
    one_line = min(size, width / max(text_width(text, 1.0), 1e-9), height)
    if one_line >= size * single_down_to or max_lines == 1:
        return Fitted(one_line, (text,), one_line * leading)
    trial = size
    while trial > one_line:
        lines = balanced(text, trial, width)
        block = trial + (len(lines) - 1) * trial * leading
        widest = max(text_width(line, trial) for line in lines)
        if len(lines) <= max_lines and block <= height and widest <= width:
            return Fitted(trial, tuple(lines), trial * leading)
        trial *= 0.97
    return Fitted(one_line, (text,), one_line * leading)
