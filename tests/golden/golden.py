"""The golden build: fixture content built with fixed addresses, compared byte for byte."""

from __future__ import annotations

from pathlib import Path

from generator.build.run import build

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "content"
EXPECTED = HERE / "expected"
BASE_URL = "https://ymt.example.cn"
SETTINGS = {"feedback_url": "https://fb.example.cn", "stats_file": "", "hotline": "12369"}

REGENERATE = ".venv/bin/python -m tests.golden.regenerate"


def build_golden(out: Path, cache: Path) -> None:
    """Build the fixture content into ``out`` exactly as the golden files were made; the
    search index goes beside the cache, never to the default build/search-index."""
    index = cache.parent / "search-index"
    build(
        FIXTURE,
        out,
        BASE_URL,
        jobs=1,
        full=True,
        progress=False,
        overrides={**SETTINGS, "cache_dir": str(cache), "search_index_dir": str(index)},
    )


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, keyed by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
