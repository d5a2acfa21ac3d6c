"""The administrative divisions (GB/T 2260) the content may name, from data/divisions.csv."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from generator.content.model import Division

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"


@cache
def _divisions() -> tuple[Division, ...]:
    # A pure, read-once table of the package's own data file: not per-build state.
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Division(r["code"], r["name"], r["parent"] or None) for r in csv.DictReader(handle)
        )


def load_divisions() -> dict[str, Division]:
    """Guangxi administrative divisions (GB/T 2260) by code, from generator/content/data/divisions.csv."""
    return {d.code: d for d in _divisions()}
