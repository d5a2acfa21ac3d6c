"""HJ 212 frames: the standard's CRC example, round trips, and every corrupted frame refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.monitoring.protocol import FrameError, crc16, crc16_many, data_frame, frame, parse

EXAMPLE = (
    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    "Flag=5;CP=&&RtdInterval=30&&"
)
MN = "010000A8900016F000169DC0"


def test_the_standards_own_example() -> None:
    assert crc16(EXAMPLE.encode()) == 0x1C80
    assert frame(EXAMPLE) == f"##0101{EXAMPLE}1C80\r\n"


def test_crc_of_other_known_values() -> None:
    # Computed bit by bit as DOMAIN.md words it, independently of the table.
    def slow(data: bytes) -> int:
        crc = 0xFFFF
        for byte in data:
            crc = (crc >> 8) ^ byte
            for _ in range(8):
                crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        return crc

    for data in (b"", b"A", b"QN=1;CN=2061", bytes(range(128))):
        assert crc16(data) == slow(data)


def test_a_data_frame_reads_back() -> None:
    when = dt.datetime(2026, 5, 1, 8)
    line = data_frame(MN, when, {"w01018": {"Avg": 12.5, "Flag": "N"}, "w21003": {"Avg": "0.8"}})
    got = parse(line.rstrip("\r\n").encode())
    assert got.header["MN"] == MN and got.header["CN"] == "2061"
    assert got.data_time == "20260501080000"
    assert [(r.code, dict(r.fields)) for r in got.readings] == [
        ("w01018", {"Avg": "12.5", "Flag": "N"}),
        ("w21003", {"Avg": "0.8"}),
    ]


def _line(when: dt.datetime, avg: float) -> bytes:
    return data_frame(MN, when, {"w01018": {"Avg": avg, "Flag": "N"}}).rstrip("\r\n").encode()


@settings(max_examples=200, deadline=None)
@given(
    hour=st.integers(0, 23),
    avg=st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
    at=st.integers(6, 150),
    byte=st.integers(0x21, 0x7E),
)
def test_any_changed_byte_of_the_segment_is_caught(
    hour: int, avg: float, at: int, byte: int
) -> None:
    line = _line(dt.datetime(2026, 5, 1, hour), avg)
    at = 6 + at % (len(line) - 10)
    if line[at] == byte:
        return
    broken = line[:at] + bytes([byte]) + line[at + 1 :]
    with pytest.raises(FrameError) as caught:
        parse(broken)
    assert caught.value.reason in {"crc", "length", "form"}


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(1, 60), extra=st.text("0123456789;=,&", min_size=1, max_size=20))
def test_frames_cut_short_or_lengthened_are_refused_on_length(cut: int, extra: str) -> None:
    line = _line(dt.datetime(2026, 5, 1, 3), 12.5)
    short = line[:6] + line[6 + cut :]
    long = line[:-4] + extra.encode() + line[-4:]
    for broken in (short, long):
        with pytest.raises(FrameError) as caught:
            parse(broken)
        assert caught.value.reason == "length", caught.value.detail


@pytest.mark.parametrize(
    "line, reason",
    [
        (b"", "form"),
        (b"#0101" + EXAMPLE.encode() + b"1C80", "form"),
        (b"##01x1" + EXAMPLE.encode() + b"1C80", "form"),
        (b"##0101" + EXAMPLE.encode() + b"1C8G", "crc"),
        (b"##0101" + EXAMPLE.encode() + b"1C81", "crc"),
        (b"##0101" + EXAMPLE.encode(), "length"),
        (frame(EXAMPLE).rstrip().encode(), "type"),
        (frame("QN=1;ST=32;CN=2061;PW=1;Flag=4;CP=&&DataTime=20260501000000&&").encode(), "form"),
        (frame("QN=1;ST=32;CN=2061;MN=X;PW=1;Flag=4").encode(), "form"),
        (frame("QN=1;ST=32;CN=2061;MN=X;PW;CP=&&DataTime=1&&").encode(), "form"),
        (frame("QN=1;CN=2061;MN=X;CP=&&DataTime=20260501000000;w01018&&").encode(), "form"),
    ],
)
def test_each_kind_of_broken_frame(line: bytes, reason: str) -> None:
    with pytest.raises(FrameError) as caught:
        parse(line.rstrip(b"\r\n"))
    assert caught.value.reason == reason
    assert caught.value.detail


def test_non_ascii_segment_is_refused_with_a_right_crc() -> None:
    segment = "QN=1;CN=2061;MN=X;CP=&&DataTime=20260501000000;w01018-Avg=１&&".encode()
    line = b"##%04d" % len(segment) + segment + b"%04X" % crc16(segment)
    with pytest.raises(FrameError) as caught:
        parse(line)
    assert caught.value.reason == "form" and "ASCII" in caught.value.detail


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=30))
def test_crc_of_many_segments_at_once_is_each_ones_crc(segments: list[bytes]) -> None:
    assert crc16_many(segments) == [crc16(s) for s in segments]
