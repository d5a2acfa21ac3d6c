"""Account reads for the officer console and the admin's account pages."""

from __future__ import annotations

from sqlalchemy import or_, select

from feedback.extensions import db
from feedback.models import Account


def get(account_id: int | None) -> Account | None:
    """The account with this id, if any."""
    return db.session.get(Account, account_id) if account_id is not None else None


def handling_officers(body_id: str) -> list[Account]:
    """Officers, supervisors and admins of one body, by login (the assign choices)."""
    query = select(Account).where(
        Account.body_id == body_id, Account.role.in_(("officer", "supervisor", "admin"))
    )
    return list(db.session.scalars(query.order_by(Account.login)))


def enterprise_of(unit_code: str) -> Account | None:
    """The enterprise account of a unit (at most one per unit)."""
    return db.session.scalar(select(Account).where(Account.unit_code == unit_code))


def managed(bodies: set[str], units: set[str]) -> list[Account]:
    """Accounts of these bodies and of these units' enterprises, by login."""
    query = select(Account).where(or_(Account.body_id.in_(bodies), Account.unit_code.in_(units)))
    return list(db.session.scalars(query.order_by(Account.login)))
