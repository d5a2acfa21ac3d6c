"""The public monthly summary (月报公开) from the ledger export's ``monthly`` list: an index of
the months and a page per month with every body's figures (counted over the body and the
bodies under it, as the officer's monthly report counts them) and its problems by checklist
item. Counts only: no unit, no name (docs/ledger.md, "The public monthly summary")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Flask, abort, render_template

from generator import urls
from generator.content.ledger import BodyMonth
from generator.pages.views.common import Catalog, Output, catalog, digest

#: The columns of a month's table: field, heading.
FIGURES: tuple[tuple[str, str], ...] = (
    ("inspections", "检查次数"),
    ("units", "检查单位数"),
    ("problems", "检查发现问题"),
    ("ledger_found", "台账本月发现"),
    ("ledger_closed", "本月销号"),
    ("ledger_overdue", "月末超期未销号"),
    ("reports_received", "收到举报"),
    ("reports_concluded", "举报办结"),
    ("reports_on_time", "按期办结"),
    ("penalties", "处罚决定"),
)


@dataclass(frozen=True, slots=True)
class Month:
    """One month of the summary: its bodies' figures, in the export's order (each body
    followed by the bodies under it)."""

    month: str
    bodies: tuple[BodyMonth, ...]
    #: Whether the month had ended when the ledger file was written.
    complete: bool

    @property
    def path(self) -> str:
        """The month's page."""
        return urls.ledger_monthly_path(self.month)

    @property
    def top(self) -> BodyMonth:
        """The first body (the province's, with everything under it)."""
        return self.bodies[0]


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months(cat: Catalog) -> list[Month]:
    """Every month of the summary, newest first."""
    memo = cat.memo.get("ledger-monthly")
    if memo is None:
        site = cat.site
        by_month: dict[str, list[BodyMonth]] = {}
        for record in site.ledger_monthly:
            by_month.setdefault(record.month, []).append(record)
        as_of = site.ledger_as_of or dt.date.min
        memo = [
            Month(m, tuple(rows), as_of >= _next_month(rows[0].first_day))
            for m, rows in sorted(by_month.items(), reverse=True)
        ]
        cat.memo["ledger-monthly"] = memo
    return memo


def _month(cat: Catalog, month: str) -> Month:
    found = next((m for m in months(cat) if m.month == month), None)
    if found is None:
        abort(404)
    return found


def monthly_index() -> str:
    """The months with the province's headline figures, or 'no figures yet'."""
    cat = catalog()
    return render_template(
        "ledger_monthly_index.html",
        months=months(cat),
        figures=FIGURES,
        ledger_as_of=cat.site.ledger_as_of,
    )


def monthly_page(month: str) -> str:
    """One month: every body's figures and its problems by checklist item."""
    cat = catalog()
    return render_template(
        "ledger_monthly.html",
        m=_month(cat, month),
        figures=FIGURES,
        ledger_as_of=cat.site.ledger_as_of,
    )


def register(app: Flask) -> None:
    """Add the monthly summary's routes."""
    app.add_url_rule(urls.ledger_monthly_path(), "ledger_monthly", monthly_index)
    app.add_url_rule("/ledger/monthly/<month>/", "ledger_monthly_page", monthly_page)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """The index and a page per month, keyed by what they show."""
    found = months(cat)
    as_of = cat.site.ledger_as_of
    yield Output(urls.ledger_monthly_path(), "月报公开", digest(found, as_of))
    for m in found:
        yield Output(m.path, f"月报公开 {m.month}", digest(m, as_of))
