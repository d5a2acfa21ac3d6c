"""Reads and writes of inspections: start or resume a draft, save what was typed, submit once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from feedback.cases import Actor, audit
from feedback.directory import Directory, UnitEntry
from feedback.extensions import db
from feedback.inspections import ledger
from feedback.inspections.checklist import ChecklistItem
from feedback.inspections.form import InspectionInput, parse_date, parse_time
from feedback.inspections.models import (
    ANSWERS,
    DRAFT,
    RESOLUTIONS,
    SUBMITTED,
    Inspection,
    InspectionAnswer,
    InspectionPhoto,
)
from feedback.ledger.checks import LedgerError
from feedback.ledger.models import LedgerItem
from feedback.ledger.service import find as find_item
from feedback.models import Account, utcnow
from feedback.photos import CheckedFile
from feedback.services.attachments import put_copies
from feedback.storage import Storage


def checklist() -> tuple[ChecklistItem, ...]:
    """The checklist the service started with (setting INSPECTION_CHECKLIST)."""
    return current_app.extensions["yimatong_checklist"]


def responsible_body(unit: UnitEntry, directory: Directory) -> str:
    """The body that supervises the unit (the same routing as reports)."""
    return directory.route(unit.county_code).id


def may_inspect(account: Account, unit: UnitEntry, directory: Directory) -> bool:
    """Whether the account is an officer of the unit's body or of a body above it."""
    if not account.is_officer or not account.body_id:
        return False
    return responsible_body(unit, directory) in directory.descendants(account.body_id)


def in_scope(account: Account, inspection: Inspection, directory: Directory) -> bool:
    """Whether the account's body (or a body above) holds the inspection."""
    if not account.is_officer or not account.body_id:
        return False
    return inspection.body_id in directory.descendants(account.body_id)


def find(inspection_id: int) -> Inspection | None:
    """The inspection with this id, if any."""
    return db.session.get(Inspection, inspection_id)


def open_draft(account: Account, unit_code: str) -> Inspection | None:
    """The account's draft inspection of the unit, if one is open."""
    query = select(Inspection).where(
        Inspection.unit_code == unit_code,
        Inspection.created_by_id == account.id,
        Inspection.state == DRAFT,
    )
    return db.session.scalars(query.order_by(Inspection.id.desc())).first()


def of_unit(unit_code: str, bodies: Iterable[str]) -> list[Inspection]:
    """The submitted inspections of a unit held by these bodies, newest first."""
    query = select(Inspection).where(
        Inspection.unit_code == unit_code,
        Inspection.state == SUBMITTED,
        Inspection.body_id.in_(list(bodies)),
    )
    return list(db.session.scalars(query.order_by(Inspection.id.desc())))


def _by_token(token: str) -> Inspection | None:
    return db.session.scalars(select(Inspection).where(Inspection.token == token)).first()


def start(account: Account, unit: UnitEntry, directory: Directory, token: str) -> Inspection:
    """The draft this start form made, else the account's open draft of the unit, else a new one.

    The answers are written now from the checklist, so a later change of the table never
    changes an inspection under way.
    """
    found = _by_token(token) or open_draft(account, unit.code)
    if found is not None:
        return found
    inspection = Inspection(
        token=token,
        unit_code=unit.code,
        unit_name=unit.name,
        body_id=responsible_body(unit, directory),
        created_by_id=account.id,
        officers=account.name,
    )
    inspection.answers = [
        InspectionAnswer(position=n, item=i.code, title=i.title) for n, i in enumerate(checklist())
    ]
    db.session.add(inspection)
    try:
        db.session.commit()
    except IntegrityError:  # the same start form posted twice at once: the other post won
        db.session.rollback()
        return _by_token(token) or _missing(token)
    return inspection


def _missing(token: str) -> Inspection:
    raise LookupError(f"inspection with token {token} neither written nor found")


def save(inspection: Inspection, data: InspectionInput, outlets: Sequence[str]) -> bool:
    """Write what was typed into the draft; commit. False when it is no longer a draft.

    Only what cannot be stored is left out: a time or date that is not one, a choice or an
    outlet that does not exist. The page shows the post as typed with the messages. The row
    is claimed first with an update conditioned on ``draft`` (it waits for a racing submit),
    so a post that lost the race never writes over the submitted inspection.
    """
    claimed = db.session.execute(
        update(Inspection)
        .where(Inspection.id == inspection.id, Inspection.state == DRAFT)
        .values(saved_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    for name in ("officers", "present", "facts", "basis", "reasoning"):
        setattr(inspection, name, getattr(data, name))
    inspection.outlets = "\n".join(o for o in data.outlets if o in outlets)
    inspection.started_at = parse_time(data.started_at)
    inspection.ended_at = parse_time(data.ended_at)
    for answer in inspection.answers:
        typed = data.answers.get(answer.item)
        if typed is None:
            continue
        answer.answer = typed.answer if typed.answer in ANSWERS else ""
        answer.resolution = typed.resolution if typed.resolution in RESOLUTIONS else ""
        for name in ("notes", "evidence", "action"):
            setattr(answer, name, getattr(typed, name))
        answer.due = parse_date(typed.due)
    db.session.commit()
    db.session.refresh(inspection)
    return True


def _storage() -> Storage:
    return current_app.extensions["yimatong_storage"]


def add_photos(inspection: Inspection, item: str, kind: str, files: Sequence[CheckedFile]) -> None:
    """Store checked photos for an item; the same photo sent again is one copy and one row.

    Raises StorageError when the store is down (rows of photos stored before stay).
    """
    for checked in files:
        values = put_copies(checked, f"inspection|{inspection.token}|{item}|{kind}")
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(InspectionPhoto).values(
            inspection_id=inspection.id, item=item, kind=kind, created_at=utcnow(), **values
        )
        db.session.execute(statement.on_conflict_do_nothing(index_elements=["original_key"]))
        db.session.commit()
    db.session.refresh(inspection)


def remove_photos(inspection: Inspection, ids: Iterable[str]) -> None:
    """Delete the draft's photos the officer ticked for removal (files first, then rows)."""
    wanted = set(ids)
    for photo in list(inspection.photos):
        if str(photo.id) in wanted:
            _storage().delete(photo.original_key)
            _storage().delete(photo.public_key)
            db.session.delete(photo)
            db.session.commit()
    db.session.refresh(inspection)


def photo(inspection: Inspection, photo_id: int) -> InspectionPhoto | None:
    """A photo of this inspection (never another's)."""
    found = db.session.get(InspectionPhoto, photo_id)
    return found if found is not None and found.inspection_id == inspection.id else None


def submit(inspection: Inspection, account: Account, directory: Directory) -> bool:
    """Turn the draft into the inspection and open a ledger item for each problem, at once.

    False when another post already did (nothing written). Raises LedgerError when the
    ledger refuses an item; then nothing is written and the draft stays a draft.
    """
    done = db.session.execute(
        update(Inspection)
        .where(Inspection.id == inspection.id, Inspection.state == DRAFT)
        .values(state=SUBMITTED, submitted_at=utcnow())
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    try:
        items = ledger.open_items(inspection, account, directory)
    except LedgerError:
        db.session.rollback()
        raise
    audit(
        Actor("officer", account),
        "inspection",
        f"现场检查 {inspection.id} {inspection.unit_code}：{len(items)} 个问题"
        + (f"（台账 {'、'.join(i.number for i in items)}）" if items else ""),
    )
    db.session.commit()
    db.session.refresh(inspection)
    return True


def ledger_items(inspection: Inspection) -> dict[str, LedgerItem]:
    """The ledger items the inspection's problems opened, by checklist item code."""
    found = {}
    for answer in inspection.problems:
        item = find_item(ledger.SOURCE, ledger.source_ref(inspection, answer))
        if item is not None:
            found[answer.item] = item
    return found
