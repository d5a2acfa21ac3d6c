"""The public list of random draws (双随机、一公开) as the build reads it from the service's
export (``draws_file``, docs/draws.md): which units each body drew for a period."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: A period: a year, a half (2027-H1), a quarter (2026-Q4) or a month (2026-12); it is also
#: the draw list's address segment, so nothing else is accepted.
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$")


@dataclass(frozen=True, slots=True)
class PublicDraw:
    """One standing draw: the body, the period, the day, the units drawn and the counts."""

    id: int
    body: str
    period: str
    drawn_on: dt.date
    units: tuple[str, ...]
    inspectors: int
    library: int
    inputs_digest: str
