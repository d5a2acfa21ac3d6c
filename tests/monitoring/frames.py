"""Helpers of the monitoring tests: a store in tmp_path, an MN map, frames with faults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.monitoring.importer import Summary, import_files
from generator.monitoring.protocol import crc16
from generator.monitoring.store import Store

MN = "010000A8900016F000169DC0"
GAS_MN = "010000A8900016F000169DC1"
OUTLETS = {MN: ("91450126MA5L3K2R5Q001P", "DW001"), GAS_MN: ("91450126MA5L3K2R5Q001P", "DA001")}
#: The moment the imports run at (China time): long after the data of the tests.
NOW = dt.datetime(2026, 6, 1, 12, 0)
MAY = dt.datetime(2026, 5, 1)


def run(tmp_path: Path, *files: Path, now: dt.datetime = NOW) -> Summary:
    """Import ``files`` into the store of tmp_path, as at ``now``."""
    with Store(tmp_path / "m.duckdb") as store:
        return import_files(list(files), store, OUTLETS, now)


def rows(tmp_path: Path, sql: str) -> list[tuple]:
    """Rows of a query over the store of tmp_path."""
    with Store(tmp_path / "m.duckdb") as store:
        return store.query(sql)


def reframed(frame: str, segment: str) -> str:
    """``frame`` with its segment replaced and length and CRC made right again."""
    data = segment.encode()
    return f"##{len(data):04d}{segment}{crc16(data):04X}\r\n"


def segment_of(frame: str) -> str:
    """The data segment of a frame."""
    return frame.rstrip("\r\n")[6:-4]
