"""The home page: counts and the latest penalties."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask, render_template

from generator.content.model import Category, PermitState, RectificationStatus
from generator.pages.views.common import Catalog, Output, PenaltyRow, catalog, digest
from generator.pages.views.listings import permit_lists

LATEST_PENALTIES = 10


@dataclass(frozen=True, slots=True)
class Counts:
    """The figures on the home page."""

    units: int
    outlets: int
    by_category: tuple[tuple[str, int], ...]
    by_state: tuple[tuple[str, str, int], ...]
    penalties: int
    open_rectifications: int


def counts(cat: Catalog) -> Counts:
    """Count units, outlets, categories, permit states, penalties and open orders."""
    units = cat.site.units
    categories = Counter(u.category for u in units)
    states = Counter(r.state for r in cat.rows.values())
    by_state = tuple((s.value, s.label, states.get(s, 0)) for s in PermitState)
    open_orders = sum(
        1 for u in units for r in u.rectifications if r.status is RectificationStatus.OPEN
    )
    return Counts(
        len(units),
        sum(len(u.outlets) for u in units),
        tuple((c.label, categories.get(c, 0)) for c in Category),
        by_state,
        len(cat.penalties),
        open_orders,
    )


def latest(cat: Catalog) -> list[PenaltyRow]:
    """The newest penalty decisions."""
    return cat.penalties[:LATEST_PENALTIES]


def home() -> str:
    """The home page."""
    cat = catalog()
    return render_template(
        "home.html",
        counts=counts(cat),
        latest=latest(cat),
        as_of=cat.as_of,
        lists=permit_lists(),
        pages=cat.site.pages,
    )


def register(app: Flask) -> None:
    """Add the home route."""
    app.add_url_rule("/", "home", home)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """The home page, keyed by its figures."""
    yield Output(
        "/",
        "首页",
        digest(
            counts(cat),
            latest(cat),
            cat.as_of,
            [(p.slug, p.title, p.summary) for p in cat.site.pages],
        ),
    )
