"""The public statistics page: how reports are handled, per enforcement body."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, render_template

from generator.pages.views.common import Catalog, Output, catalog, digest


def public_stats(cat: Catalog) -> dict:
    """The report statistics without the per-unit part (shown on unit pages)."""
    return {k: v for k, v in (cat.site.report_stats or {}).items() if k != "units"}


def stats_page() -> str:
    """Report statistics per enforcement body, or 'no data yet'."""
    cat = catalog()
    stats = public_stats(cat)
    names = {b.id: b.name for b in cat.site.bodies}
    return render_template("stats.html", stats=stats, bodies=stats.get("bodies") or {}, names=names)


def register(app: Flask) -> None:
    """Add the statistics route."""
    app.add_url_rule("/stats/", "stats", stats_page)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """The statistics page, keyed by the figures it shows."""
    names = sorted((b.id, b.name) for b in cat.site.bodies)
    yield Output("/stats/", "统计", digest(sorted(public_stats(cat).items(), key=str), names))
