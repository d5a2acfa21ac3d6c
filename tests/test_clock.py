"""generator.clock: China dates whatever the machine's time zone; travel moves it and ticks."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from generator import clock

CHINA = clock.CHINA


@pytest.fixture
def machine_tz(monkeypatch):
    """Set the process's time zone (TZ) for one test, then put it back."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    "tz", ["America/Los_Angeles", "Asia/Shanghai", "UTC", "Pacific/Kiritimati"]
)
@pytest.mark.parametrize(
    ("moment", "china_date"),
    [
        (dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), dt.date(2027, 1, 1)),  # 00:30 in China
        (dt.datetime(2026, 12, 31, 15, 59, tzinfo=dt.UTC), dt.date(2026, 12, 31)),
        (dt.datetime(2028, 2, 28, 23, 0, tzinfo=dt.UTC), dt.date(2028, 2, 29)),
        (dt.datetime(2027, 3, 12, 2, 0, tzinfo=CHINA), dt.date(2027, 3, 12)),
    ],
)
def test_china_today_ignores_the_machine_time_zone(machine_tz, tz, moment, china_date):
    machine_tz(tz)
    with clock.travel(moment):
        assert clock.china_today() == china_date
        assert clock.utcnow().tzinfo is None
        assert abs(clock.utcnow() - moment.astimezone(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
            seconds=5
        )
    assert clock.china_today(moment.astimezone(dt.UTC).replace(tzinfo=None)) == china_date


def test_travel_ticks_and_goes_back():
    real = clock.utcnow()
    with clock.travel(dt.date(2028, 2, 29)):
        first = clock.now()
        time.sleep(0.02)
        assert clock.now() > first
        assert first.astimezone(CHINA).replace(tzinfo=None) - dt.datetime(2028, 2, 29, 10) < (
            dt.timedelta(seconds=5)
        )
        with clock.travel(dt.datetime(2027, 1, 2, 23, 59)):  # naive: China time
            assert clock.china_today() == dt.date(2027, 1, 2)
        assert clock.china_today() == dt.date(2028, 2, 29)
    assert abs(clock.utcnow() - real) < dt.timedelta(seconds=5)


def test_models_and_cases_read_the_same_clock():
    from feedback.cases import china_today
    from feedback.models import utcnow

    with clock.travel(dt.datetime(2027, 3, 12, 8, 0, tzinfo=CHINA)):
        assert china_today() == dt.date(2027, 3, 12)
        assert utcnow().date() == dt.date(2027, 3, 12)  # 00:00 UTC


def test_today_option_takes_china_dates_and_times():
    from tests.conftest import _moment

    assert _moment("2028-02-29") == dt.date(2028, 2, 29)
    assert _moment("2026-12-31T23:58") == dt.datetime(2026, 12, 31, 23, 58)
    with clock.travel(_moment("2026-12-31T23:58")):
        assert clock.china_today() == dt.date(2026, 12, 31)
    with pytest.raises(pytest.UsageError, match="不是日期"):
        _moment("2028-02-30")
