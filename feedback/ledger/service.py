"""Ledger writes: open an item (idempotent on its source), answer, verify, send back, close.

No request needed; the caller commits (or rolls back after a LedgerError: nothing it did is
kept then). Which action may start from which state is declared in ``feedback.ledger.states``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from feedback.directory import Directory
from feedback.extensions import db
from feedback.ledger import mails
from feedback.ledger.checks import LedgerError, new_item_problems, refuse
from feedback.ledger.models import LedgerEvent, LedgerEvidence, LedgerItem
from feedback.ledger.states import LEDGER_ACTIONS, SOURCES, LedgerState
from feedback.models import Account, Attachment, utcnow
from feedback.photos import CheckedFile
from feedback.pii import mask
from feedback.services.attachments import put_copies
from generator.clock import china_today

__all__ = ["LedgerError", "answer", "close", "open_item", "send_back", "verify"]

#: Evidence: a checked upload (stored now) or a file already stored (e.g. an inspection photo).
Evidence = CheckedFile | Attachment


def current_directory() -> Directory:
    """The app's directory of units and bodies."""
    return current_app.extensions["yimatong_directory"]


def find(source: str, source_ref: str) -> LedgerItem | None:
    """The item opened for this source record, if any."""
    query = select(LedgerItem).where(
        LedgerItem.source == source, LedgerItem.source_ref == source_ref
    )
    return db.session.scalar(query)


def get(item_id: int) -> LedgerItem | None:
    """The item with this row id, if any."""
    return db.session.get(LedgerItem, item_id)


def by_number(number: str) -> LedgerItem | None:
    """The item with this public number (L2026-000123), if any."""
    return db.session.scalar(select(LedgerItem).where(LedgerItem.number == number))


def _insert(values: dict[str, object]) -> int | None:
    """Insert the row unless its (source, source_ref) exists; its id, or None if it did."""
    dialect = db.session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = insert(LedgerItem).values(**values).on_conflict_do_nothing()
    return db.session.scalar(statement.returning(LedgerItem.id))


def _event(
    item: LedgerItem, actor: Account | None, kind: str, before: str, text: str = ""
) -> LedgerEvent:
    role = (
        "system" if actor is None else ("enterprise" if actor.role == "enterprise" else "officer")
    )
    event = LedgerEvent(
        item=item,
        actor_id=actor.id if actor is not None else None,
        actor_kind=role,
        kind=kind,
        state_before=before,
        state_after=item.state,
        text=text,
    )
    db.session.add(event)
    return event


def _attach(event: LedgerEvent, files: Sequence[Evidence]) -> None:
    """Store the checked files (both copies) and link every file to the step."""
    db.session.flush()
    for f in files:
        attachment = f if isinstance(f, Attachment) else Attachment(**put_copies(f))
        db.session.add(attachment)
        db.session.flush()
        db.session.add(LedgerEvidence(event_id=event.id, attachment_id=attachment.id))


def open_item(
    *,
    unit_code: str,
    source: str,
    source_ref: str,
    title: str,
    action: str,
    due_on: dt.date | None,
    body_id: str,
    actor: Account | None,
    outlet: str = "",
    detail: str = "",
    fixed_evidence: Sequence[Evidence] | None = None,
    found_on: dt.date | None = None,
    directory: Directory | None = None,
    today: dt.date | None = None,
) -> LedgerItem:
    """Open the item of one problem; the same (source, source_ref) twice gives the same item.

    ``due_on`` None: fixed on the spot (立整立改), the item is created closed with its
    evidence. ``found_on`` defaults to ``today`` (China time, from the clock unless given); a
    deadline may then not be in the past. Raises LedgerError listing every problem, writing
    nothing.
    """
    existing = find(source, source_ref.strip())
    if existing is not None:
        return existing
    directory = directory or current_directory()
    today = today or china_today()
    fields: dict[str, object] = {
        "unit_code": unit_code.strip(),
        "outlet": outlet.strip(),
        "source": source,
        "source_ref": source_ref.strip(),
        # Public wording: a phone, e-mail or ID number typed into it is masked here already.
        "title": mask(title.strip()),
        "action": mask(action.strip()),
        "detail": detail.strip(),
        "found_on": found_on or today,
        "due_on": due_on,
        "body_id": body_id,
    }
    refuse(new_item_problems(fields, actor, directory, today), f"问题（{source} {source_ref}）")
    return _create(fields, actor, directory, today, fixed_evidence or ())


def _create(
    fields: dict[str, object],
    actor: Account | None,
    directory: Directory,
    today: dt.date,
    evidence: Sequence[Evidence],
) -> LedgerItem:
    unit = directory.unit(str(fields["unit_code"]))
    assert unit is not None
    spot = fields["due_on"] is None
    values = {
        **fields,
        "number": f"~{uuid.uuid4().hex}",
        "county_code": unit.county_code,
        "state": (LedgerState.CLOSED if spot else LedgerState.OPEN).value,
        "closed_on": today if spot else None,
        "created_by_id": actor.id if actor is not None else None,
    }
    new_id = _insert(values)
    if new_id is None:  # opened meanwhile by a concurrent call
        found = find(str(fields["source"]), str(fields["source_ref"]))
        assert found is not None
        return found
    item = db.session.get_one(LedgerItem, new_id)
    found_on = item.found_on
    item.number = f"L{found_on.year}-{new_id:06d}"
    label = SOURCES[item.source]
    if spot:
        event = _event(item, actor, "fix_on_spot", "", f"{label}发现，当场整改完毕并销号。")
        _attach(event, evidence)
    else:
        _event(item, actor, "open", "", f"{label}发现，限期 {item.due_on} 前整改。")
    mails.opened(item)
    return item


def enterprise_sees(account: Account | None, item: LedgerItem) -> bool:
    """An enterprise account sees only the items of its own unit."""
    return (
        account is not None
        and account.role == "enterprise"
        and bool(account.unit_code)
        and account.unit_code == item.unit_code
    )


def officer_sees(account: Account | None, item: LedgerItem, directory: Directory) -> bool:
    """An officer sees the items of their body and of the bodies under it."""
    if account is None or not account.is_officer or not account.body_id:
        return False
    return item.body_id in directory.descendants(account.body_id)


def _move(item: LedgerItem, actor: Account, action: str, text: str) -> LedgerEvent:
    rule = LEDGER_ACTIONS[action]
    if item.state_enum not in rule.sources:
        raise LedgerError(f"问题 {item.number}（{item.state_enum.label}）：{rule.refused}")
    before = item.state
    item.state = rule.target.value
    item.updated_at = utcnow()
    return _event(item, actor, action, before, text)


def answer(
    item: LedgerItem, account: Account, text: str, files: Sequence[Evidence] = ()
) -> LedgerEvent:
    """The enterprise answers an open or sent-back item with an explanation and evidence."""
    if not enterprise_sees(account, item):
        raise LedgerError(f"问题 {item.number} 不属于您的单位，不能反馈。")
    text = text.strip()
    if not text:
        raise LedgerError(f"问题 {item.number}：请说明整改情况。")
    event = _move(item, account, "answer", text)
    _attach(event, files)
    return event


def _officer_move(
    item: LedgerItem, account: Account, action: str, text: str, directory: Directory | None
) -> LedgerEvent:
    if not officer_sees(account, item, directory or current_directory()):
        raise LedgerError(
            f"问题 {item.number} 由 {item.body_id} 负责，不在您所在机构的管辖范围内。"
        )
    return _move(item, account, action, text.strip())


def verify(
    item: LedgerItem, account: Account, text: str = "", directory: Directory | None = None
) -> LedgerEvent:
    """The officer confirms the enterprise's rectification."""
    return _officer_move(item, account, "verify", text or "整改情况已核实。", directory)


def send_back(
    item: LedgerItem, account: Account, reason: str, directory: Directory | None = None
) -> LedgerEvent:
    """The officer sends the answer back with a reason the enterprise reads."""
    if not reason.strip():
        raise LedgerError(f"问题 {item.number}：退回时请写明原因，企业会看到。")
    event = _officer_move(item, account, "send_back", reason, directory)
    mails.sent_back(item, reason)
    return event


def close(
    item: LedgerItem,
    account: Account,
    text: str = "",
    directory: Directory | None = None,
    now: dt.datetime | None = None,
) -> LedgerEvent:
    """Close (销号) a verified item."""
    event = _officer_move(item, account, "close", text or "问题已销号。", directory)
    item.closed_on = china_today(now)
    return event
