"""Shared helpers for the site and build tests: build fixture content, parse pages."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup
from click.testing import CliRunner, Result

from generator import clock
from generator.content.model import Site

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "content"
BASE_URL = "https://ymt.example.cn"
FEEDBACK_URL = "https://fb.example.cn"
#: The fixture content's as-of date. Permit states and overdue flags are judged on the day of
#: the build (``Site.judged_on``), so tests build the fixture as on this day: the same states
#: whatever the calendar (or ``pytest --today``) says.
FIXTURE_DAY = dt.date(2026, 11, 20)


@contextlib.contextmanager
def on_fixture_day() -> Iterator[None]:
    """Run the block (a build of the fixture content) as on ``FIXTURE_DAY``."""
    with clock.travel(FIXTURE_DAY):
        yield


def judged_on_its_as_of(site: Site) -> Site:
    """``site`` with its judging day fixed to its own as-of date (as a build on that day)."""
    with clock.travel(site.as_of):
        assert site.judged_on == site.as_of
    return site


def overrides(tmp: Path, **extra: object) -> dict:
    """Settings for a test build: cache and search index in ``tmp``, fixed feedback address."""
    return {
        "cache_dir": str(tmp / "cache"),
        "search_index_dir": str(tmp / "search-index"),
        # Never the checkout's build/monitoring.duckdb: no store unless a test makes one.
        "monitoring_db": str(tmp / "monitoring.duckdb"),
        "feedback_url": FEEDBACK_URL,
        "stats_file": "",
        "ledger_file": "",
        "draws_file": "",
        **extra,
    }


def soup(site: Path, path: str) -> BeautifulSoup:
    """The parsed HTML of ``path`` (a URL path) in a built site."""
    file = site / path.lstrip("/")
    if path.endswith("/"):
        file = file / "index.html"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, keyed by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def build_cli(tmp: Path, content: Path, out: Path, *extra: str, **env: str) -> Result:
    """Run ``yimatong build`` on ``content`` into ``out``, caches and index in ``tmp``."""
    from generator.build.command import build_command

    env = {
        "YIMATONG_CACHE_DIR": str(tmp / "cache"),
        "YIMATONG_SEARCH_INDEX_DIR": str(tmp / "index"),
        "YIMATONG_STATS_FILE": "",
        **env,
    }
    args = ["--content", str(content), "--out", str(out), "--base-url", BASE_URL, "--jobs", "1"]
    with on_fixture_day():
        return CliRunner().invoke(build_command, [*args, *extra], env=env)
