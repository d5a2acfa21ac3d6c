"""Loading for a build: the content (through the load cache), the automatic-monitoring
figures and the unit keys with them; shared by a whole build, a shard and a merge (run.py,
shards.py)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.content.model import Site
from generator.monitoring.daily import keys_with_monitoring, public_monitoring
from generator.pages.automatic import PublicMonitoring


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Make objects that live for the whole build without the cycle collector: loading and
    planning make millions of them and no cyclic garbage, so it would only rescan them (a
    third of the load time); they are frozen out of its reach afterwards."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def load(content_dir: Path, conf: dict[str, Any], progress: bool = False) -> tuple[Site, Any]:
    """Load and validate the content; the site and the load cache, whose changed shards may
    still be being written (call its ``wait``)."""
    from generator.content.readers import LoadCache, load_site

    with long_lived():
        load_cache = LoadCache(Path(conf["cache_dir"]).resolve(), content_dir)
        stats, ledger = conf["stats_file"] or None, conf["ledger_file"] or None
        site = load_site(
            content_dir,
            stats,
            load_cache,
            progress=progress,
            save_in_background=True,
            ledger_file=ledger,
            draws_file=conf["draws_file"] or None,
        )
        return site, load_cache


def monitoring(
    site: Site, conf: dict[str, Any], content_keys: dict[str, str]
) -> tuple[PublicMonitoring, dict[str, str]]:
    """The automatic-monitoring figures read from the store, and the unit keys with what
    each unit shows of them hashed in."""
    public = public_monitoring(site, conf["monitoring_db"])
    return public, keys_with_monitoring(content_keys, public)
