"""One module per page type; each has ``register(app)`` and ``outputs(catalog, settings)``."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask

from . import home, listings, outlet, pages, stats, unit
from .common import Catalog, Output

MODULES = (unit, outlet, listings, home, stats, pages)


def register_all(app: Flask) -> None:
    """Add every page type's routes to the site app."""
    for module in MODULES:
        module.register(app)


def all_outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """Every page and file the site app makes, except static assets and the sitemap."""
    for module in MODULES:
        yield from module.outputs(cat, conf)
