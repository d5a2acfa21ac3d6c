"""The search index's build step: write the index of the published Site. See docs/search.md.

``write_index`` is the step a build runs; it writes the whole index (``build_index``) or, with
the build's unit keys and a cache, updates it (generator/search/update.py). What is indexed
comes from text.py; a segment's files from segment.py and postings.py; the other files and
the swap from files.py. The service opens an index with opened.open_index (reader.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator import settings as settings_mod
from generator.content.model import Site
from generator.context import BuildContext, step_bar
from generator.search.files import publish, write_full
from generator.search.pgload import load_postgres
from generator.search.text import entries
from generator.search.update import update_index


def write_index(
    site: Site, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> Path:
    """Build step: write the index to settings["search_index_dir"] (never into the site).

    With the build's unit keys (``ctx.unit_keys``) it updates the index from its cache
    (generator/search/update.py). The build's ``ctx.step_key`` goes into the index's metadata, so the next build sees whether
    the index is still the one it made (``identity.index_matches_build``).
    """
    target = index_folder(settings)
    build = ctx.step_key if ctx is not None else ""
    keys = ctx.unit_keys if ctx is not None else None
    with step_bar(ctx, len(site.units), "搜索索引", "项") as bar:
        if keys is None or not settings.get("cache_dir"):
            done = build_index(site, target, bar, build)
        else:
            cache = Path(settings["cache_dir"])
            done = update_index(site, target, cache, dict(keys), bar, build)
    if _setting(settings, "search_engine") == "postgresql":
        load_into_postgres(site, settings, keys)
    return done


def _setting(settings: dict[str, Any], name: str) -> Any:
    return settings.get(name) or settings_mod.get(name)


def load_into_postgres(
    site: Site, settings: dict[str, Any], keys: Mapping[str, str] | None = None
) -> None:
    """The PostgreSQL engine's tables brought up to date (an update from the build's unit
    keys when few units changed, else a full load swapped in; generator/search/pgload.py)."""
    url = _setting(settings, "search_database_url")
    if not url:
        raise ValueError(
            "设置 search_engine 为 postgresql，但没有设置 search_database_url"
            "（YIMATONG_SEARCH_DATABASE_URL）：搜索数据无处装入。"
        )
    load_postgres(site, url, dict(keys) if keys else None)


def index_folder(settings: dict[str, Any]) -> Path:
    """Where the search index of a build with ``settings`` lives."""
    return Path(settings.get("search_index_dir") or settings_mod.get("search_index_dir"))


def build_index(site: Site, target: Path, bar: Any = None, build: str = "") -> Path:
    """Build the whole index in a temporary folder beside ``target``, then swap it in."""
    docs = entries(site)
    if bar is not None:
        bar.update(bar.total)
        bar.total += len(docs)
    return publish(target, lambda folder: write_full(site, docs, folder, bar, build))
