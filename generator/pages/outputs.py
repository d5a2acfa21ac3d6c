"""Which files the site has: the page modules of generator/pages/views/ (each with
``register(app)``), the files of one unit (its page, data, QR codes and its outlets' pages)
from ``unit_outputs``, and every other page from the ``outputs(catalog, settings)`` of the
site-wide page modules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import Flask

from generator import urls
from generator.content.model import Unit
from generator.pages.views import (
    draws,
    home,
    ledger,
    ledger_monthly,
    listings,
    outlet,
    pages,
    rating,
    stats,
    unit,
)
from generator.pages.views.common import Catalog, Output

MODULES = (unit, outlet, listings, home, stats, ledger, ledger_monthly, draws, pages, rating)
#: Page modules whose pages are not any one unit's.
SITE_MODULES = (listings, home, stats, ledger, ledger_monthly, draws, pages, rating)
#: Every file of a unit lives under its folder; no other page does.
UNIT_FOLDERS = "/e/"


def register_all(app: Flask) -> None:
    """Add every page type's routes to the site app."""
    for module in MODULES:
        module.register(app)


def unit_outputs(record: Unit, cat: Catalog, conf: dict) -> list[Output]:
    """Every file of one unit and its outlets, all keyed by the unit's key."""
    key = unit.unit_key(record, cat)
    return unit.files(record, key, conf) + outlet.files(record, key, conf)


def unit_file_count(record: Unit) -> int:
    """How many files ``unit_outputs`` gives for ``record`` (without making them): a page
    with its QR codes per unit and per outlet, and the unit's data files."""
    pages = 1 + len(record.outlets)
    return pages * (1 + len(unit.QR_FILES)) + len(unit.DATA_FILES)


def unit_page_paths(record: Unit) -> list[str]:
    """The HTML pages of one unit: its page and its outlets' pages."""
    return urls.unit_page_paths(record.fixed_source_code, [o.code for o in record.outlets])


def site_outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """Every page that is not one unit's: listings, home, statistics, ledger, draws, content
    pages."""
    for module in SITE_MODULES:
        yield from module.outputs(cat, conf)


def page_paths(cat: Catalog, site_pages: Iterable[Output]) -> list[str]:
    """Every HTML page of the site, sorted: the units' and outlets' pages and those of
    ``site_pages`` (the site-wide outputs) that are pages, and the open-data pages; the
    sitemap lists them."""
    paths = [p for unit in cat.site.units for p in unit_page_paths(unit)]
    paths += (o.path for o in site_pages if o.kind == "page" and o.path.endswith("/"))
    paths += urls.DATA_PAGES
    return sorted(paths)
