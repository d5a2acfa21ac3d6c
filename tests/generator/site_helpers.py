"""Shared helpers for the site and build tests: build fixture content, parse pages."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "content"
BASE_URL = "https://ymt.example.cn"
FEEDBACK_URL = "https://fb.example.cn"


def overrides(tmp: Path, **extra: object) -> dict:
    """Settings for a test build: cache and search index in ``tmp``, fixed feedback address."""
    return {
        "cache_dir": str(tmp / "cache"),
        "search_index_dir": str(tmp / "search-index"),
        "feedback_url": FEEDBACK_URL,
        "stats_file": "",
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
