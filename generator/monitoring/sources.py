"""The two export formats read: HJ 212 frames (one a line) and a CSV of the same content."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from generator.monitoring.checks import Checker, Place, Reject, Value
from generator.monitoring.codes import NUMBERS
from generator.monitoring.fast import quick_values
from generator.monitoring.protocol import FrameError, Reading, crc16_many, parse


@dataclass(frozen=True, slots=True)
class Item:
    """One frame or CSV row, read but not yet checked."""

    at: Place
    cn: str
    data_time: str
    readings: tuple[Reading, ...]


#: The CSV export's columns: one row per pollutant and period. ``min``, ``max``, ``zs_avg``
#: may be empty.
CSV_COLUMNS = ("mn", "cn", "data_time", "code", "avg", "min", "max", "zs_avg", "flag")
_CSV_FIELDS = dict(zip(("avg", "min", "max", "zs_avg"), NUMBERS, strict=True))


def read_items(path: Path, name: str) -> Iterator[Item | Reject]:
    """Every frame or row of the file (CSV by its ``.csv`` suffix), or why it is unreadable;
    ``name`` is how rejects name the file."""
    if path.suffix.lower() == ".csv":
        yield from read_csv(path, name)
    else:
        yield from read_frames(path, name)


def read_checked(
    path: Path, name: str, checker: Checker, chunk: int = 20_000
) -> Iterator[list[Value] | Item | Reject]:
    """Every frame or row of the file: a clean frame wholly accepted as its values already
    (fast.quick_values), any other as read_items gives it, to be checked in full."""
    if path.suffix.lower() == ".csv":
        yield from read_csv(path, name)
        return
    for number, line, crc_of in _lines(path, chunk):
        quick = quick_values(line, f"{name}:{number}", crc_of, checker)
        yield _item(line, number, name, crc_of) if quick is None else quick


def read_frames(path: Path, name: str, chunk: int = 20_000) -> Iterator[Item | Reject]:
    """The frames of a file of HJ 212 frames; blank lines are passed over. The CRCs of
    ``chunk`` lines at a time are computed together."""
    for number, line, crc_of in _lines(path, chunk):
        yield _item(line, number, name, crc_of)


def _lines(path: Path, chunk: int) -> Iterator[tuple[int, bytes, dict[bytes, int]]]:
    """The non-blank lines of a file (line ends cut off) with their numbers and the CRCs of
    the segments of their block of ``chunk`` lines."""
    with path.open("rb") as lines:
        numbered = enumerate(lines, 1)
        while block := list(islice(numbered, chunk)):
            cut = [(number, raw.rstrip(b"\r\n")) for number, raw in block]
            segments = [line[6:-4] for _, line in cut if len(line) > 10]
            crc_of = dict(zip(segments, crc16_many(segments), strict=True))
            for number, line in cut:
                if line.strip():
                    yield number, line, crc_of


def _item(line: bytes, number: int, name: str, crc_of: dict[bytes, int]) -> Item | Reject:
    try:
        frame = parse(line, crc_of)
    except FrameError as error:
        return Reject(name, number, error.reason, error.detail, _mn_of(line))
    at = Place(name, number, frame.header["MN"])
    return Item(at, frame.header["CN"], frame.data_time, tuple(frame.readings))


def _mn_of(line: bytes) -> str:
    """The MN of a refused frame, where it can be seen (for the rejects file)."""
    start = line.find(b"MN=")
    if start < 0:
        return ""
    return line[start + 3 :].split(b";", 1)[0][:24].decode("ascii", "replace")


def read_csv(path: Path, name: str) -> Iterator[Item | Reject]:
    """The rows of a CSV export (UTF-8, with or without BOM, or GB 18030)."""
    text = _decoded(path.read_bytes())
    if text is None:
        yield Reject(name, 1, "encoding", "文件既不是 UTF-8 也不是 GB 18030 编码")
        return
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(rows, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        columns = "、".join(CSV_COLUMNS)
        detail = f"表头缺少列 {'、'.join(missing)}（应有：{columns}）"
        yield Reject(name, 1, "form", detail)
        return
    where = {c: header.index(c) for c in CSV_COLUMNS}
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            detail = f"此行有 {len(row)} 列，表头有 {len(header)} 列"
            yield Reject(name, line, "form", detail, _cell(row, where["mn"]))
            continue
        cells = {c: row[i].strip() for c, i in where.items()}
        fields = {_CSV_FIELDS[c]: cells[c] for c in _CSV_FIELDS if cells[c] != "" or c == "avg"}
        fields["Flag"] = cells["flag"]
        at = Place(name, line, cells["mn"])
        yield Item(at, cells["cn"], cells["data_time"], (Reading(cells["code"], fields),))


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _decoded(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
