"""The quick path (fast.quick_values) accepts only what the full way accepts, identically."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.monitoring.checks import Checker, Place
from generator.monitoring.fast import quick_values
from generator.monitoring.protocol import FrameError, crc16, parse
from tests.monitoring.frames import MN, NOW, OUTLETS

_GOOD = st.decimals(-999, 9999, places=2, allow_nan=False).map(str)
_NUM = st.one_of(
    _GOOD,
    _GOOD,
    _GOOD,
    _GOOD,
    st.sampled_from(["", "1e5", "nan", "-", ".5", "3.", "1_0", " 1", "+2", "-0"]),
)
_FIELDS = st.sampled_from(["Avg", "Min", "Max", "ZsAvg", "Flag", "Rtd"])
_FLAG = st.sampled_from(["N", "N", "N", "M", "F", "", "X", "n"])
_CODE = st.sampled_from(["w01018", "w21003", "a21026", "w21011", "x99999", "w0101", "W01018"])


@st.composite
def cps(draw: st.DrawFn) -> str:
    """A CP of usual groups, sometimes with fields missing, repeated, odd or reordered."""
    groups = []
    for code in draw(st.lists(_CODE, min_size=1, max_size=4, unique=draw(st.booleans()))):
        names = draw(st.sampled_from([["Avg", "Min", "Max", "Flag"], ["Avg", "Flag"]]))
        names = names if draw(st.integers(0, 3)) else draw(st.lists(_FIELDS, max_size=5))
        items = [f"{code}-{n}={draw(_FLAG if n == 'Flag' else _NUM)}" for n in names]
        groups.append(",".join(items) or f"{code}-Avg=1")
    return ";".join(groups)


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    """A frame line, good or bad in time, MN, CN, length or CRC."""
    when = draw(st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 7, 1)))
    if draw(st.integers(0, 3)):
        when = when.replace(minute=0, second=0, microsecond=0)
    cn = draw(st.sampled_from(["2061", "2061", "2031", "2051"]))
    mn = draw(st.sampled_from([MN, MN, MN, "UNKNOWN000000000000000000"]))
    cp = f"DataTime={when:%Y%m%d%H%M%S};{draw(cps())}"
    segment = f"QN=1;ST=32;CN={cn};PW=123456;MN={mn};Flag=4;CP=&&{cp}&&".encode()
    length = len(segment) + draw(st.sampled_from([0, 0, 0, 1]))
    crc = crc16(segment) ^ draw(st.sampled_from([0, 0, 0, 1]))
    return b"##%04d%s%04X" % (length, segment, crc)


def full_way(line: bytes, checker: Checker) -> list | None:
    """The values of the reference path, or None if it refuses any part of the frame."""
    try:
        frame = parse(line)
    except FrameError:
        return None
    at = Place("f.txt", 7, frame.header["MN"])
    found, refused = checker.values(at, frame.header["CN"], frame.data_time, frame.readings)
    return None if refused else found


@settings(max_examples=400, deadline=None)
@given(lines())
def test_quick_path_agrees_with_the_full_way(line: bytes) -> None:
    checker = Checker(OUTLETS, NOW)
    quick = quick_values(line, "f.txt:7", {line[6:-4]: crc16(line[6:-4])}, checker)
    if quick is not None:
        assert quick == full_way(line, checker)


def test_a_usual_frame_takes_the_quick_path() -> None:
    checker = Checker(OUTLETS, NOW)
    segment = (
        f"QN=1;ST=32;CN=2061;PW=1;MN={MN};Flag=4;CP=&&DataTime=20260501030000;"
        "w01018-Avg=4.5,w01018-Min=1,w01018-Max=9.25,w01018-ZsAvg=5,w01018-Flag=N;"
        "w21003-Avg=-0.5,w21003-Flag=M&&"
    ).encode()
    line = b"##%04d%s%04X" % (len(segment), segment, crc16(segment))
    quick = quick_values(line, "f.txt:7", {segment: crc16(segment)}, checker)
    assert quick == full_way(line, checker)
    assert [(v.code, v.avg, v.zs_avg, v.flag) for v in quick or []] == [
        ("w01018", 4.5, 5.0, "N"),
        ("w21003", -0.5, None, "M"),
    ]


@st.composite
def clean_lines(draw: st.DrawFn) -> bytes:
    """A frame of the usual form that the full way accepts whole."""
    when = draw(st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 5, 31)))
    cn = draw(st.sampled_from(["2061", "2031"]))
    when = when.replace(minute=0, second=0, microsecond=0, hour=0 if cn == "2031" else when.hour)
    groups = []
    for code in draw(
        st.lists(
            _CODE.filter(lambda c: c.islower() and len(c) == 6 and c[0] != "x"),
            min_size=1,
            max_size=4,
            unique=True,
        )
    ):
        zs = f",{code}-ZsAvg={draw(_GOOD)}" if draw(st.booleans()) else ""
        flag = draw(st.sampled_from(["N", "M", "F", "S", "D", "C", "T", "B"]))
        groups.append(
            f"{code}-Avg={draw(_GOOD)},{code}-Min={draw(_GOOD)},{code}-Max={draw(_GOOD)}"
            f"{zs},{code}-Flag={flag}"
        )
    cp = f"DataTime={when:%Y%m%d%H%M%S};{';'.join(groups)}"
    segment = f"QN=1;ST=32;CN={cn};PW=123456;MN={MN};Flag=4;CP=&&{cp}&&".encode()
    return b"##%04d%s%04X" % (len(segment), segment, crc16(segment))


@settings(max_examples=200, deadline=None)
@given(clean_lines())
def test_clean_frames_take_the_quick_path_with_the_same_values(line: bytes) -> None:
    checker = Checker(OUTLETS, NOW)
    quick = quick_values(line, "f.txt:7", {line[6:-4]: crc16(line[6:-4])}, checker)
    assert quick is not None
    assert quick == full_way(line, checker)
