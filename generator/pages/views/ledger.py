"""The public problem ledger: a page per city (counts by state, the overdue list) and the
province's index of cities; a unit's own items are on its page (see unit.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask, abort, render_template

from generator import urls
from generator.content.ledger import LEDGER_STATE_LABELS, LedgerItem
from generator.content.model import Site
from generator.pages.views.common import Catalog, Output, catalog, digest, paged_outputs, paginate


def ledger_marks(items: tuple[LedgerItem, ...], on: dt.date) -> str:
    """Which of ``items`` are overdue on day ``on`` (what they show that depends on the day)."""
    return "".join("1" if item.overdue(on) else "0" for item in items)


def unit_ledger_key(site: Site, code: str) -> tuple | None:
    """What a unit's page shows of the ledger (its items and their overdue flags), or None."""
    items = site.ledger_of(code)
    return (items, ledger_marks(items, site.judged_on), site.ledger_as_of) if items else None


@dataclass(frozen=True, slots=True)
class OverdueRow:
    """One overdue item in a city's list, with its unit's name and page."""

    item: LedgerItem
    name: str
    path: str
    days: int


@dataclass(frozen=True, slots=True)
class CityLedger:
    """A city's ledger figures: items by stored state, open, overdue, and the overdue list."""

    code: str
    name: str
    by_state: tuple[tuple[str, str, int], ...]
    total: int
    open: int
    overdue: tuple[OverdueRow, ...]


def _city_items(cat: Catalog) -> dict[str, list[LedgerItem]]:
    """The ledger items of each city (by the unit's city), computed once per catalog."""
    memo = cat.memo.get("ledger-by-city")
    if memo is None:
        memo = {}
        for item in cat.site.ledger:
            unit = cat.site.unit(item.unit_code)
            if unit is not None:
                memo.setdefault(unit.city_code, []).append(item)
        cat.memo["ledger-by-city"] = memo
    return memo


def ledger_cities(cat: Catalog) -> list[str]:
    """Every city with published units, sorted (each has a ledger page once a ledger is read)."""
    return sorted(c for c in cat.by_division if c.endswith("00"))


def city_ledger(cat: Catalog, city: str) -> CityLedger:
    """The ledger figures of ``city`` on the build's judging day."""
    items, on = _city_items(cat).get(city, []), cat.judged_on
    counts = {state: 0 for state in LEDGER_STATE_LABELS}
    for item in items:
        counts[item.state] += 1
    late = sorted((i for i in items if i.overdue(on)), key=lambda i: (i.due_on, i.id))
    rows = []
    for item in late:
        unit = cat.site.unit(item.unit_code)
        name = unit.name if unit is not None else item.unit_code
        days = (on - item.due_on).days if item.due_on is not None else 0
        rows.append(OverdueRow(item, name, urls.unit_path(item.unit_code), days))
    return CityLedger(
        city,
        cat.site.division_name(city),
        tuple((s, LEDGER_STATE_LABELS[s], n) for s, n in counts.items()),
        len(items),
        sum(1 for i in items if i.is_open),
        tuple(rows),
    )


def ledger_path(city: str | None = None) -> str:
    """The province's ledger index, or the ledger page of ``city``."""
    return "/ledger/" if city is None else f"/ledger/{urls.segment(city)}/"


def ledger_index() -> str:
    """The cities with their open, overdue and closed items, or 'no ledger yet'."""
    cat = catalog()
    cities = [city_ledger(cat, c) for c in ledger_cities(cat)] if cat.site.ledger_as_of else []
    return render_template(
        "ledger_index.html", cities=cities, ledger_as_of=cat.site.ledger_as_of, on=cat.judged_on
    )


def ledger_city(code: str, number: int = 1) -> str:
    """One city's ledger: counts by state and the overdue items, a page at a time."""
    cat = catalog()
    if not cat.site.ledger_as_of or code not in ledger_cities(cat):
        abort(404)
    city = city_ledger(cat, code)
    pager = paginate(list(city.overdue), number, ledger_path(code))
    return render_template(
        "ledger_city.html",
        city=city,
        pager=pager,
        ledger_as_of=cat.site.ledger_as_of,
        on=cat.judged_on,
    )


def register(app: Flask) -> None:
    """Add the ledger routes."""
    app.add_url_rule("/ledger/", "ledger", ledger_index)
    app.add_url_rule("/ledger/<code>/", "ledger_city", ledger_city)
    app.add_url_rule("/ledger/<code>/<int:number>/", "ledger_city", ledger_city)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """The index and, with a ledger, every city's pages, keyed by what they show."""
    site = cat.site
    if not site.ledger_as_of:
        yield Output(ledger_path(), "问题台账", digest(None))
        return
    cities = [city_ledger(cat, c) for c in ledger_cities(cat)]
    head = [(c.code, c.name, c.by_state, c.total, c.open, len(c.overdue)) for c in cities]
    yield Output(ledger_path(), "问题台账", digest(head, site.ledger_as_of, cat.judged_on))
    for city in cities:
        figures = (
            city.name,
            city.by_state,
            city.total,
            city.open,
            site.ledger_as_of,
            cat.judged_on,
        )
        yield from paged_outputs(
            ledger_path(city.code), f"问题台账 {city.code}", list(city.overdue), figures
        )
