"""HJ 212-2017 frames: the CRC, building a frame, and splitting one into its fields.

A frame is ``##`` + data length (4 decimal digits) + data segment + CRC (4 hex digits) + CRLF;
the segment is ``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;CP=&&…&&``. See docs/monitoring.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from generator.monitoring.codes import DATA_TYPES


def _crc_table() -> tuple[int, ...]:
    """The eight shifts of the HJ 212 CRC, done once for every byte value."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _crc_table()


def crc16(segment: bytes) -> int:
    """The HJ 212 CRC16 of a data segment: start 0xFFFF; per byte ``crc = (crc >> 8) ^ byte``
    then 8 reflected shifts with 0xA001 (one table look-up, as the high byte is all that is
    left after the first step)."""
    crc = 0xFFFF
    table = _TABLE
    for byte in segment:
        crc = table[(crc >> 8) ^ byte]
    return crc


def crc16_many(segments: Sequence[bytes]) -> list[int]:
    """crc16 of each segment, computed for all at once (numpy, one step per byte position):
    the import checks a day of a province's frames this way."""
    if not segments:
        return []
    lengths = np.fromiter(map(len, segments), dtype=np.int64, count=len(segments))
    data = np.frombuffer(b"".join(segments) + b"\0", dtype=np.uint8)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    table = np.array(_TABLE, dtype=np.uint16)
    crc = np.full(len(segments), 0xFFFF, dtype=np.uint16)
    for j in range(int(lengths.max())):
        active = lengths > j
        byte = data[np.where(active, starts + j, len(data) - 1)]
        crc = np.where(active, table[(crc >> 8) ^ byte], crc)
    return crc.tolist()


def frame(segment: str) -> str:
    """The full frame of a data segment, with its length, CRC and CRLF."""
    data = segment.encode("ascii")
    return f"##{len(data):04d}{segment}{crc16(data):04X}\r\n"


@dataclass(frozen=True, slots=True)
class Reading:
    """One pollutant's values in a data frame, as sent (text): ``Avg``, ``Flag``, ``ZsAvg``…"""

    code: str
    fields: Mapping[str, str]


def data_frame(
    mn: str,
    when: dt.datetime,
    readings: Mapping[str, Mapping[str, object]],
    cn: str = "2061",
    st: str = "32",
    qn: str | None = None,
) -> str:
    """A data frame (hourly ``CN=2061`` by default) for the MN at ``when`` (China time).

    ``readings`` is ``{code: {"Avg": 12.3, "Flag": "N", ...}}``; values are written as given.
    Tests and the sample data build their frames with this.
    """
    groups = [
        ",".join(f"{code}-{name}={value}" for name, value in values.items())
        for code, values in readings.items()
    ]
    cp = ";".join([f"DataTime={when:%Y%m%d%H%M%S}", *groups])
    qn = qn or f"{when:%Y%m%d%H%M%S}000"
    return frame(f"QN={qn};ST={st};CN={cn};PW=123456;MN={mn};Flag=4;CP=&&{cp}&&")


class FrameError(ValueError):
    """A line that is not a readable frame; ``reason`` is a key of REASONS in readings.py."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Frame:
    """The fields of a checked frame: header (``MN``, ``CN``…), ``DataTime`` and readings."""

    header: Mapping[str, str]
    data_time: str
    readings: Sequence[Reading] = field(default_factory=tuple)


_HEAD = re.compile(rb"##(\d{4})")


def parse(line: bytes, crc_of: Mapping[bytes, int] | None = None) -> Frame:
    """A frame from one line (CRLF or LF already cut off), length and CRC checked.

    ``crc_of`` may hold the segment's CRC computed beforehand (see crc16_many). Raises
    FrameError naming what is wrong in words a platform operator understands.
    """
    head = _HEAD.match(line)
    if not head:
        raise FrameError("form", "帧应以 ## 和4位数据段长度开头")
    declared = int(head[1])
    segment, crc = line[6:-4], line[-4:]
    if len(line) < 10 or len(segment) != declared:
        actual = max(len(line) - 10, 0)
        raise FrameError("length", f"帧头写明数据段长度 {declared}，实际为 {actual}")
    if not re.fullmatch(rb"[0-9A-Fa-f]{4}", crc):
        raise FrameError("crc", f"帧尾应为4位十六进制 CRC，实为 {crc.decode('latin-1')!r}")
    expected = crc_of.get(segment) if crc_of else None
    expected = crc16(segment) if expected is None else expected
    if int(crc, 16) != expected:
        raise FrameError("crc", f"CRC 校验不符：帧中为 {crc.decode()}，按数据段算得 {expected:04X}")
    try:
        text = segment.decode("ascii")
    except UnicodeDecodeError:
        raise FrameError("form", "数据段含非 ASCII 字符") from None
    return split_segment(text)


def split_segment(text: str) -> Frame:
    """The header fields and the ``CP=&&…&&`` readings of a data segment (other ``key=value``
    items of CP, such as equipment states without a pollutant code, are passed over)."""
    start = text.find("CP=&&")
    if start < 0 or not text.endswith("&&") or len(text) < start + 7:
        raise FrameError("form", "数据段缺少 CP=&&…&&")
    header = dict(_pairs(text[:start].split(";")))
    missing = [k for k in ("MN", "CN") if not header.get(k)]
    if missing:
        raise FrameError("form", f"数据段缺少 {'、'.join(missing)}")
    if header["CN"] not in DATA_TYPES:
        kinds = "、".join(f"{cn}（{name}）" for cn, (name, _) in DATA_TYPES.items())
        raise FrameError("type", f"CN={header['CN']} 不导入；只导入 {kinds}")
    items = dict.fromkeys(("DataTime",), "")
    readings: dict[str, dict[str, str]] = {}
    for part in text[start + 5 : -2].replace(",", ";").split(";"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise FrameError("form", f"CP 中的“{part}”不是“代码-字段=值”的形式")
        code, dash, name = key.partition("-")
        if dash and code.isalnum() and name.isalpha():
            readings.setdefault(code, {})[name] = value
        elif key == "DataTime":
            items["DataTime"] = value
    found = tuple(Reading(code, values) for code, values in readings.items())
    return Frame(header, items["DataTime"], found)


def _pairs(parts: list[str]) -> list[tuple[str, str]]:
    """``key=value`` pairs of the header; an empty part (the ``;`` before CP) is skipped."""
    pairs = []
    for part in parts:
        if part:
            key, sep, value = part.partition("=")
            if not sep:
                raise FrameError("form", f"数据段中的“{part}”不是“字段=值”的形式")
            pairs.append((key, value))
    return pairs
