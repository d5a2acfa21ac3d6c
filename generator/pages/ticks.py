"""Round axis ticks ("nice numbers", Heckbert, Graphics Gems 1990): steps of 1, 2 or 5 × 10^k."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ticks:
    """Round tick values covering a range, and the decimals that show each of them exactly."""

    values: tuple[float, ...]
    decimals: int

    @property
    def low(self) -> float:
        """The lowest tick (the bottom of the axis)."""
        return self.values[0]

    @property
    def high(self) -> float:
        """The highest tick (the top of the axis)."""
        return self.values[-1]

    def labels(self) -> list[str]:
        """Each tick as text, with the same number of decimals."""
        return [f"{v:.{self.decimals}f}" for v in self.values]


def nice_number(value: float, rounded: bool) -> float:
    """A number 1, 2, 5 or 10 × 10^k near ``value`` (> 0): the nearest if ``rounded``, else the
    smallest not below it."""
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    if rounded:
        nice = 1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10
    else:
        nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    return nice * 10.0**exponent


#: Below this a span cannot be cut into steps (their logarithm underflows).
TINY = 1e-300


def _flat(low: float, high: float, count: int) -> bool:
    """Whether the range is too narrow for ticks: equal ends, or a span within rounding of
    the values (1e-12 of them), or one whose steps would underflow."""
    span = high - low
    return span <= abs(high) * 1e-12 or span / (count - 1) < TINY


def nice_ticks(low: float, high: float, count: int = 5) -> Ticks:
    """About ``count`` round ticks from at or below ``low`` to at or above ``high``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"坐标轴范围必须是有限数：{low}–{high}")
    if high < low:
        low, high = high, low
    if _flat(low, high, count):
        # A flat series (or one whose span is lost in rounding): half its value each side,
        # or one unit when even that is too small to divide into steps.
        pad = abs(high) / 2
        pad = pad if pad > TINY else 1.0
        low, high = low - pad if low < 0 else max(0.0, low - pad), high + pad
    step = nice_number((high - low) / (count - 1), True)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    values = tuple(round(n * step, decimals) + 0.0 for n in range(first, last + 1))
    return Ticks(values, decimals)
