"""HJ 212-2017 frames: the CRC, building a frame, and splitting one into its fields.

A frame is ``##`` + data length (4 decimal digits) + data segment + CRC (4 hex digits) + CRLF;
the segment is ``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;CP=&&…&&``. See docs/monitoring.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
_ITEM = re.compile(r"([A-Za-z0-9]+)-([A-Za-z]+)=(.*)")


def parse(line: bytes) -> Frame:
    """A frame from one line (CRLF or LF already cut off), length and CRC checked.

    Raises FrameError naming what is wrong in words a platform operator understands.
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
    expected = crc16(segment)
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
    for part in re.split("[;,]", text[start + 5 : -2]):
        if not part:
            continue
        match = _ITEM.fullmatch(part)
        if match:
            readings.setdefault(match[1], {})[match[2]] = match[3]
        elif part.startswith("DataTime="):
            items["DataTime"] = part[9:]
        elif "=" not in part:
            raise FrameError("form", f"CP 中的“{part}”不是“代码-字段=值”的形式")
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
