"""The one clock of the system: every "now" and "today" of the generator and the service.

Dates people see and deadlines are China dates (UTC+8) whatever the machine's time zone;
times are stored as naive UTC. ``travel`` moves the clock (it keeps ticking) so tests and
``pytest --today`` run the code as on any chosen day; see docs/quality.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

CHINA = dt.timezone(dt.timedelta(hours=8))

#: How far the clock is moved from the machine's (``travel``).
_offset = dt.timedelta(0)


def _real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return _real_now() + _offset


def utcnow() -> dt.datetime:
    """The current moment in UTC without tzinfo (how times are stored)."""
    return now().replace(tzinfo=None)


def china_today(at: dt.datetime | None = None) -> dt.date:
    """Today's date in China; for a given naive-UTC (or aware) ``at``, that moment's date."""
    moment = now() if at is None else at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA).date()


def _aware(moment: dt.datetime | dt.date) -> dt.datetime:
    """A date means 10:00 China time that day; a naive datetime is China time."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(10, 0))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=CHINA)


def set_now(moment: dt.datetime | dt.date | None) -> None:
    """Move the clock so that it reads ``moment`` now and ticks on; None puts it back."""
    global _offset
    _offset = dt.timedelta(0) if moment is None else _aware(moment) - _real_now()


@contextlib.contextmanager
def travel(moment: dt.datetime | dt.date) -> Iterator[None]:
    """Run the block as at ``moment`` (a date: 10:00 China time), then put the clock back."""
    saved = _offset
    set_now(moment)
    try:
        yield
    finally:
        _set_offset(saved)


def _set_offset(offset: dt.timedelta) -> None:
    global _offset
    _offset = offset
