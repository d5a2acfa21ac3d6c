"""Ledger reads for the enterprise and officer pages: a unit's items, an evidence file's item."""

from __future__ import annotations

from sqlalchemy import case, select

from feedback.extensions import db
from feedback.ledger.models import LedgerEvent, LedgerEvidence, LedgerItem
from feedback.ledger.states import LedgerState
from feedback.models import Attachment


def of_unit(unit_code: str | None) -> list[LedgerItem]:
    """Every item of one unit: the ones not closed first, each part newest first."""
    closed = case((LedgerItem.state == LedgerState.CLOSED.value, 1), else_=0)
    query = select(LedgerItem).where(LedgerItem.unit_code == (unit_code or ""))
    return list(db.session.scalars(query.order_by(closed, LedgerItem.id.desc())))


def with_item(attachment_id: int) -> tuple[Attachment, LedgerItem] | None:
    """An evidence file and the item it was given for; None when it is no ledger file."""
    query = (
        select(Attachment, LedgerItem)
        .join(LedgerEvidence, LedgerEvidence.attachment_id == Attachment.id)
        .join(LedgerEvent, LedgerEvent.id == LedgerEvidence.event_id)
        .join(LedgerItem, LedgerItem.id == LedgerEvent.item_id)
        .where(Attachment.id == attachment_id)
    )
    row = db.session.execute(query).first()
    return (row[0], row[1]) if row is not None else None
