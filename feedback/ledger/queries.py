"""The officer ledger's reads: filters, counts per state, the rows of a CSV, the 清零 view.

All of them are limited to the officer's body and the bodies under it; overdue is derived in
the query (not closed, due day before today), never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, false, func, select
from sqlalchemy.orm import InstrumentedAttribute

from feedback.directory import Directory
from feedback.extensions import db
from feedback.ledger.models import LedgerItem
from feedback.ledger.states import LedgerState
from feedback.models import Account

CLOSED = LedgerState.CLOSED.value


@dataclass(frozen=True)
class LedgerFilters:
    """What the officer narrowed the ledger to ("" or False: no narrowing)."""

    source: str = ""
    state: str = ""
    overdue: bool = False
    #: A city or county code (a province code narrows nothing).
    area: str = ""
    #: A GB/T 4754 industry code, as the directory file carries it.
    industry: str = ""
    unit: str = ""


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """Not closed and the due day has passed (items fixed on the spot have none)."""
    return and_(
        LedgerItem.state != CLOSED, LedgerItem.due_on.is_not(None), LedgerItem.due_on < today
    )


def _area(area: str) -> ColumnElement[bool] | None:
    if not area or area.endswith("0000"):
        return None
    if area.endswith("00"):
        return LedgerItem.county_code.startswith(area[:4])
    return LedgerItem.county_code == area


def _industry(code: str, directory: Directory) -> ColumnElement[bool]:
    units = [u.code for u in directory.units.values() if u.industry == code]
    return LedgerItem.unit_code.in_(units) if units else false()


def conditions(
    account: Account, directory: Directory, filters: LedgerFilters, today: dt.date
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the officer's scope and the filters."""
    bodies = directory.descendants(account.body_id) if account.body_id else set()
    found: list[ColumnElement[bool]] = [LedgerItem.body_id.in_(sorted(bodies))]
    if filters.source:
        found.append(LedgerItem.source == filters.source)
    if filters.state:
        found.append(LedgerItem.state == filters.state)
    if filters.overdue:
        found.append(overdue_clause(today))
    if filters.unit:
        found.append(LedgerItem.unit_code == filters.unit)
    area = _area(filters.area)
    if area is not None:
        found.append(area)
    if filters.industry:
        found.append(_industry(filters.industry, directory))
    return found


def _select(where: list[ColumnElement[bool]]) -> Select:
    return select(LedgerItem).where(*where)


def listing(
    account: Account,
    directory: Directory,
    filters: LedgerFilters,
    today: dt.date,
    limit: int | None = 200,
) -> list[LedgerItem]:
    """The items, the nearest deadline first (closed last), at most ``limit`` of them."""
    query = _select(conditions(account, directory, filters, today))
    query = query.order_by(
        (LedgerItem.state == CLOSED), LedgerItem.due_on.is_(None), LedgerItem.due_on, LedgerItem.id
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))


def counts(
    account: Account, directory: Directory, filters: LedgerFilters, today: dt.date
) -> dict[str, int]:
    """Items per state under the filters but the state's, and ``overdue`` and ``all``."""
    narrowed = LedgerFilters(**{**filters.__dict__, "state": ""})
    where = conditions(account, directory, narrowed, today)
    query = select(LedgerItem.state, func.count()).where(*where).group_by(LedgerItem.state)
    found = {state: n for state, n in db.session.execute(query)}
    late = select(func.count()).select_from(LedgerItem).where(*where, overdue_clause(today))
    found["overdue"] = db.session.scalar(late) or 0
    found["all"] = sum(n for k, n in found.items() if k != "overdue")
    return found


@dataclass(frozen=True)
class CityRow:
    """One city of the 清零 view."""

    code: str
    name: str
    open: int
    overdue: int
    closed: int


def per_city(account: Account, directory: Directory, today: dt.date) -> list[CityRow]:
    """Not-closed, overdue and closed items per city of the officer's scope."""
    where = conditions(account, directory, LedgerFilters(), today)
    city = func.substr(LedgerItem.county_code, 1, 4)
    not_closed = func.sum(case((LedgerItem.state != CLOSED, 1), else_=0))
    late = func.sum(case((overdue_clause(today), 1), else_=0))
    query = select(city, not_closed, late, func.count()).where(*where).group_by(city)
    rows = []
    for prefix, opened, overdue, total in db.session.execute(query.order_by(city)):
        code = f"{prefix}00"
        opened, overdue = int(opened or 0), int(overdue or 0)
        rows.append(CityRow(code, directory.division_name(code), opened, overdue, total - opened))
    return rows


def _month(column: ColumnElement | InstrumentedAttribute) -> ColumnElement[str]:
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def trend(
    account: Account, directory: Directory, today: dt.date, months: int = 12
) -> list[tuple[str, int, int]]:
    """(month, found, closed) for the last ``months`` months up to today's, oldest first."""
    where = conditions(account, directory, LedgerFilters(), today)
    first = _months_back(today, months - 1)
    found = _per_month(LedgerItem.found_on, where, first)
    closed = _per_month(LedgerItem.closed_on, where, first)
    names = [_months_back(today, back).strftime("%Y-%m") for back in range(months - 1, -1, -1)]
    return [(m, found.get(m, 0), closed.get(m, 0)) for m in names]


def _per_month(
    column: ColumnElement | InstrumentedAttribute, where: list[ColumnElement[bool]], first: dt.date
) -> dict[str, int]:
    month = _month(column)
    query = select(month, func.count()).where(*where, column >= first).group_by(month)
    return {str(m): n for m, n in db.session.execute(query)}


def _months_back(today: dt.date, back: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)
