"""Made-up monitoring exports: hourly frames and CSV rows, for tests, benchmarks and samples."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from generator.monitoring.protocol import data_frame
from generator.monitoring.sources import CSV_COLUMNS

#: Typical hourly means of each code (mg/L, mg/m³, pH…), around which values are drawn.
TYPICAL = {
    "w01018": 45.0, "w21003": 3.0, "w01001": 7.2, "w21011": 0.4, "w21001": 12.0,
    "w00000": 80.0, "a21026": 60.0, "a21002": 90.0, "a34013": 8.0, "a19001": 9.5,
}  # fmt: skip
WATER = ("w01018", "w21003", "w21011", "w00000")
GAS = ("a21026", "a21002", "a34013", "a19001")


def reading(code: str, rng: random.Random, flag: str = "N") -> dict[str, object]:
    """One pollutant's hourly Avg/Min/Max/Flag around its typical value."""
    avg = round(TYPICAL.get(code, 10.0) * rng.uniform(0.6, 1.3), 2)
    low, high = round(avg * 0.8, 2), round(avg * 1.2, 2)
    return {"Avg": avg, "Min": low, "Max": high, "Flag": flag}


def hourly_frames(
    mn: str, first: dt.datetime, hours: int, codes: Sequence[str], seed: int = 0
) -> Iterator[str]:
    """``hours`` hourly frames (CN=2061) for one MN from ``first`` (China time) on."""
    rng = random.Random(f"{mn}/{first:%Y%m%d%H}/{seed}")
    st = "31" if codes and codes[0].startswith("a") else "32"
    for n in range(hours):
        when = first + dt.timedelta(hours=n)
        yield data_frame(mn, when, {c: reading(c, rng) for c in codes}, st=st)


def write_frames(path: Path, frames: Sequence[str] | Iterator[str]) -> Path:
    """Write frames one a line (each already ends with CRLF)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(frames).encode("ascii"))
    return path


def csv_row(
    mn: str, when: dt.datetime, code: str, values: dict[str, object], cn: str = "2061"
) -> list[str]:
    """One CSV export row with the columns of sources.CSV_COLUMNS."""
    cells = {"mn": mn, "cn": cn, "data_time": f"{when:%Y%m%d%H%M%S}", "code": code}
    for column, name in (("avg", "Avg"), ("min", "Min"), ("max", "Max"), ("zs_avg", "ZsAvg")):
        cells[column] = "" if values.get(name) is None else str(values[name])
    cells["flag"] = str(values.get("Flag", ""))
    return [cells[c] for c in CSV_COLUMNS]


def write_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    """Write a CSV export: the header, then ``rows``."""
    lines = [",".join(CSV_COLUMNS), *(",".join(row) for row in rows)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
