"""The administrative divisions (GB/T 2260) of the whole country, from data/divisions.csv.

The file is written by ``scripts/divisions`` from a maintained package (its first line names
it and its version; docs/content.md, "Divisions"); a site uses its own province's part.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from generator.content.model import Division

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"
_PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?(?:自治区|特别行政区|省|市)$")


@cache
def _divisions() -> tuple[Division, ...]:
    # A pure, read-once table of the package's own data file: not per-build state.
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple(Division(r["code"], r["name"], r["parent"] or None) for r in rows)


def all_divisions() -> dict[str, Division]:
    """Every province, city and county of the country by code."""
    return {d.code: d for d in _divisions()}


def province_of(code: str) -> str:
    """The province-level code a division code belongs to (450126 -> 450000)."""
    return code[:2] + "0000"


def load_divisions(province: str) -> dict[str, Division]:
    """The divisions of one province (its own row, its cities and counties) by code, or {}."""
    head = province_of(province)
    if head != province:
        return {}
    return {d.code: d for d in _divisions() if province_of(d.code) == head}


def source_line() -> str:
    """The data file's first line: where the table comes from and which version."""
    with DIVISIONS_CSV.open(encoding="utf-8") as handle:
        return handle.readline().lstrip("# ").strip()


def short_name(province: str) -> str:
    """A province's short name: 广西壮族自治区 -> 广西, 吉林省 -> 吉林, 北京市 -> 北京."""
    return _PROVINCE_SUFFIX.sub("", province) or province


def province_short_names() -> tuple[str, ...]:
    """Short names of every province, longest first (内蒙古, 黑龙江, then 广西, 吉林, ...)."""
    names = {short_name(d.name) for d in _divisions() if d.level == "province"}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))
