"""The public list of random draws (双随机、一公开): an index of periods and a page per period
with each body's drawn units and their inspection result; a unit's own draws are on its page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask, abort, render_template

from generator import urls
from generator.content.draws import PERIOD, PublicDraw
from generator.content.model import Site
from generator.pages.views.common import Catalog, Output, catalog, digest


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the ledger says of a drawn unit after the draw: problems found by inspection since
    the draw's day, and how many of them are not closed yet (none: no result published yet)."""

    found: int
    still_open: int

    @property
    def text(self) -> str:
        """The result in Chinese."""
        if not self.found:
            return "检查结果待公布（问题台账中暂无抽查后的检查问题）"
        closed = self.found - self.still_open
        return f"检查发现问题 {self.found} 项，已销号 {closed} 项，未销号 {self.still_open} 项"


def outcome(site: Site, draw: PublicDraw, code: str) -> Outcome:
    """The inspection result of ``code`` after ``draw``, from the ledger."""
    items = [
        i for i in site.ledger_of(code) if i.source == "inspection" and i.found_on >= draw.drawn_on
    ]
    return Outcome(len(items), sum(1 for i in items if i.is_open))


def unit_draws_key(site: Site, code: str) -> tuple | None:
    """What a unit's page shows of the draws (its draws and their results), or None."""
    drawn = site.draws_of(code)
    return tuple((d, outcome(site, d, code)) for d in drawn) if drawn else None


def period_path(period: str | None = None) -> str:
    """The index of periods, or the draws of ``period``."""
    if period is None:
        return "/draws/"
    if not PERIOD.match(period):
        raise ValueError(f"抽查期次 {period!r} 不能用作网址")
    return f"/draws/{period}/"


def periods(site: Site) -> list[tuple[str, list[PublicDraw]]]:
    """Each period with its draws (by body, then number), newest period first."""
    found: dict[str, list[PublicDraw]] = {}
    for draw in sorted(site.draws, key=lambda d: (d.body, d.id)):
        found.setdefault(draw.period, []).append(draw)
    return sorted(found.items(), reverse=True)


@dataclass(frozen=True, slots=True)
class DrawnUnit:
    """One drawn unit as a period page lists it."""

    code: str
    name: str
    path: str
    outcome: Outcome


def drawn_units(cat: Catalog, draw: PublicDraw) -> list[DrawnUnit]:
    """The units of ``draw`` with their names, pages and results."""
    site = cat.site
    return [
        DrawnUnit(c, cat.rows[c].name, urls.unit_path(c), outcome(site, draw, c))
        for c in draw.units
        if c in cat.rows
    ]


def draws_index() -> str:
    """The periods with how many bodies drew and how many units."""
    cat = catalog()
    rows = [(p, len(ds), sum(len(d.units) for d in ds)) for p, ds in periods(cat.site)]
    return render_template("draws_index.html", periods=rows, as_of=cat.site.draws_as_of)


def draws_period(period: str) -> str:
    """One period's draws: each body's units and their inspection results."""
    cat = catalog()
    found = dict(periods(cat.site)).get(period) or abort(404)
    names = {b.id: b.name for b in cat.site.bodies}
    shown = [(d, names.get(d.body, d.body), drawn_units(cat, d)) for d in found]
    return render_template(
        "draws_period.html", period=period, draws=shown, as_of=cat.site.draws_as_of
    )


def register(app: Flask) -> None:
    """Add the draws routes."""
    app.add_url_rule("/draws/", "draws", draws_index)
    app.add_url_rule("/draws/<period>/", "draws_period", draws_period)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """The index and one page per period, keyed by what they show."""
    site = cat.site
    listed = periods(site)
    head = [(p, [(d.body, d.id, len(d.units)) for d in ds]) for p, ds in listed]
    yield Output(period_path(), "双随机抽查", digest(head, site.draws_as_of))
    names = sorted((b.id, b.name) for b in site.bodies)
    for period, found in listed:
        shown = [(d, drawn_units(cat, d)) for d in found]
        yield Output(
            period_path(period), f"双随机抽查 {period}", digest(shown, names, site.draws_as_of)
        )
