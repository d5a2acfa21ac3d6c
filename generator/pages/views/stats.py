"""The public statistics page: how reports are handled, per enforcement body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from flask import Flask, render_template

from generator.clock import CHINA
from generator.pages.views.common import Catalog, Output, catalog, digest


def public_stats(cat: Catalog) -> dict:
    """The report statistics without the per-unit part (shown on unit pages)."""
    return {k: v for k, v in (cat.site.report_stats or {}).items() if k != "units"}


def computed_at(stats: dict) -> str:
    """When the service computed the figures, in China time (e.g. 2026-11-25 02:30), or ""."""
    try:
        moment = dt.datetime.fromisoformat(str(stats.get("computed_at") or ""))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def stats_page() -> str:
    """Report statistics per enforcement body, or 'no data yet'."""
    cat = catalog()
    stats = public_stats(cat)
    names = {b.id: b.name for b in cat.site.bodies}
    return render_template(
        "stats.html",
        stats=stats,
        computed_at=computed_at(stats),
        bodies=stats.get("bodies") or {},
        names=names,
    )


def register(app: Flask) -> None:
    """Add the statistics route."""
    app.add_url_rule("/stats/", "stats", stats_page)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """The statistics page, keyed by the figures it shows."""
    names = sorted((b.id, b.name) for b in cat.site.bodies)
    yield Output("/stats/", "统计", digest(sorted(public_stats(cat).items(), key=str), names))
