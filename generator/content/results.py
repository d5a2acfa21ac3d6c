"""Monitoring results against their limits, including results below the detection limit.

A result below the detection limit (未检出, written ``ND``, ``<0.5`` or ``0.5L``) says only
that the true value lies between 0 and the detection limit. Against an upper limit it is
never an exceedance; it is within the limit when the detection limit is not above the limit,
and cannot be judged when it is (the true value may be above the limit or not). Against a
lower limit (pH 6–9) it cannot be judged either: it is not called compliant.
"""

from __future__ import annotations

from enum import StrEnum

from generator.content.model import Measurement, OutletPollutant


class Judgement(StrEnum):
    """A result against its limit."""

    EXCEEDS = "exceeds"
    WITHIN = "within"
    NOT_JUDGED = "not_judged"
    NO_LIMIT = "no_limit"

    @property
    def label(self) -> str:
        """Chinese label shown in tables."""
        return {
            "exceeds": "超标",
            "within": "达标",
            "not_judged": "无法判定",
            "no_limit": "无限值",
        }[self.value]

    @property
    def exceeds(self) -> bool | None:
        """True, False, or None when there is no limit or the result cannot be judged."""
        if self is Judgement.EXCEEDS:
            return True
        return False if self is Judgement.WITHIN else None


def judge(pollutant: OutletPollutant | None, m: Measurement) -> Judgement:
    """How result ``m`` stands against the limits of ``pollutant`` (None: not listed)."""
    if pollutant is None or (pollutant.limit_max is None and pollutant.limit_min is None):
        return Judgement.NO_LIMIT
    if m.value is not None:
        return Judgement.EXCEEDS if pollutant.exceeds(m.value) else Judgement.WITHIN
    if pollutant.limit_min is not None:
        return Judgement.NOT_JUDGED
    limit = pollutant.limit_max
    if m.detection_limit is not None and limit is not None and m.detection_limit <= limit:
        return Judgement.WITHIN
    return Judgement.NOT_JUDGED


def verdict(pollutant: OutletPollutant | None, m: Measurement, judgement: Judgement) -> str:
    """The judgement with its reason when it cannot be judged, e.g. 无法判定（检出限 20 高于限值 15）."""
    if judgement is not Judgement.NOT_JUDGED or pollutant is None:
        return judgement.label
    if pollutant.limit_min is not None:
        return f"{judgement.label}（未检出，该项有下限 {pollutant.limit_min:g}）"
    return (
        f"{judgement.label}（检出限 {m.detection_limit or 0:g} 高于限值 {pollutant.limit_max:g}）"
    )
