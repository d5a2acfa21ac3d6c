"""The golden build: fixture content built with fixed addresses, compared byte for byte."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator import clock
from generator.build.run import build

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "content"
EXPECTED = HERE / "expected"
BASE_URL = "https://ymt.example.cn"
SETTINGS = {"feedback_url": "https://fb.example.cn", "stats_file": "", "hotline": "12369"}

REGENERATE = ".venv/bin/python -m tests.golden.regenerate"
#: The day the golden build runs as (the fixture's as-of date): permit states and overdue
#: flags are judged on the build's day, so the bytes would otherwise change with the calendar.
BUILT_ON = dt.date(2026, 11, 20)


def build_golden(out: Path, cache: Path) -> None:
    """Build the fixture content into ``out`` exactly as the golden files were made; the
    search index goes beside the cache, never to the default build/search-index."""
    index = cache.parent / "search-index"
    with clock.travel(BUILT_ON):
        _build(out, cache, index)


def _build(out: Path, cache: Path, index: Path) -> None:
    build(
        FIXTURE,
        out,
        BASE_URL,
        jobs=1,
        full=True,
        progress=False,
        overrides={
            **SETTINGS,
            "cache_dir": str(cache),
            "search_index_dir": str(index),
            # No monitoring store: the golden site shows the rating method and no unit data.
            "monitoring_db": str(cache.parent / "no-monitoring.duckdb"),
        },
    )


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, keyed by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
