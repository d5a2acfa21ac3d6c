"""Photos kept for a report form (drafts): stored once per form, bounded per client, expired.

A form that comes back with errors keeps its valid photos under the form's draft token, so
the citizen need not choose them again. Keys follow from the token and the content, so the
same photo sent twice with one form (a double click, a resend) is one stored copy and one
row. Drafts count against ``RATE_LIMIT_DRAFT_PHOTOS`` and ``DRAFT_MAX_MB`` per client and
are deleted after ``DRAFT_MAX_HOURS`` (``yimatong feedback clean-drafts``, and a few on each
report post). See docs/feedback.md, "Photos".
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from feedback import ratelimit
from feedback.extensions import db
from feedback.models import Attachment, utcnow
from feedback.photos import CheckedFile
from feedback.services.attachments import put_copies
from feedback.storage import Storage, StorageError

log = logging.getLogger(__name__)
TOKEN = re.compile(r"^[0-9a-f]{32}$")
#: How long a process leaves opportunistic cleaning alone after the store failed.
PAUSE_SECONDS = 300
STORE_DOWN = (
    "照片暂时无法保存（文件存储出了故障）。您填写的内容都保留着：请过几分钟重新选择照片再提交；"
    "情况紧急的话，也可以不带照片先提交举报。"
)


def _storage() -> Storage:
    return current_app.extensions["yimatong_storage"]


def drafts(token: str | None) -> list[Attachment]:
    """The photos kept for the form with this draft token, oldest first."""
    if not TOKEN.match(token or ""):
        return []
    query = select(Attachment).where(
        Attachment.draft_token == token, Attachment.report_id.is_(None)
    )
    return list(db.session.scalars(query.order_by(Attachment.id)))


def _insert_ignoring_duplicates(values: dict[str, object]) -> None:
    """Insert an attachment row unless one with the same original key exists."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Attachment).values(**values)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["original_key"]))


def store(token: str, photo: CheckedFile, client_key: str | None = None) -> None:
    """Store both copies under keys of the form and the content, then the row; commit.

    Storing the same photo for the same form again writes the same objects and no new row.
    Raises StorageError when the store is down (then no row is written).
    """
    values = put_copies(photo, token)
    _insert_ignoring_duplicates(
        {"draft_token": token, "client_key": client_key, "created_at": utcnow(), **values}
    )
    db.session.commit()


def store_new(token: str, photos: Iterable[CheckedFile]) -> None:
    """Store the photos of a post that are not kept for the form yet (before filing it)."""
    for photo in photos:
        if not is_kept(token, photo):
            store(token, photo)


def _client_bytes(client_key: str) -> int:
    """Bytes of drafts this client has kept (photos of filed reports not counted)."""
    query = select(func.coalesce(func.sum(Attachment.size), 0)).where(
        Attachment.client_key == client_key,
        Attachment.report_id.is_(None),
        Attachment.draft_token.is_not(None),
    )
    return int(db.session.scalar(query) or 0)


def is_kept(token: str, photo: CheckedFile) -> bool:
    """Whether this photo is already stored for the form (same content, same token)."""
    original_key, _ = photo.keys(token)
    query = select(Attachment.id).where(Attachment.original_key == original_key)
    return db.session.scalar(query) is not None


def _over_cap(filename: str) -> str:
    mb = current_app.config["DRAFT_MAX_MB"]
    return (
        f"照片“{filename}”没有暂存：您暂存的照片已超过 {mb} MB，"
        "请先改正表单，提交时再选择这张照片。"
    )


def _keep_one(token: str, photo: CheckedFile, client: str) -> str | None:
    """Keep one photo as a draft within the client's limits; the refusal, or None."""
    config = current_app.config
    max_bytes = config["DRAFT_MAX_MB"] * 1_000_000
    if is_kept(token, photo):
        return None
    if _client_bytes(client) + len(photo.original) > max_bytes:
        return _over_cap(photo.filename)
    slot = ratelimit.take("draft", config["RATE_LIMIT_DRAFT_PHOTOS"])
    if slot is None:
        return (
            f"照片“{photo.filename}”没有暂存：暂存照片太频繁，请先改正表单，提交时再选择这张照片。"
        )
    try:
        store(token, photo, client)
    except StorageError:
        log.exception("draft photo not stored")
        db.session.rollback()
        ratelimit.give_back(slot)
        return STORE_DOWN
    # Checked again once stored: parallel posts of one client may all have passed the first
    # check; whichever finds the sum over the cap takes its own photo back out.
    if _client_bytes(client) > max_bytes:
        original_key, _ = photo.keys(token)
        draft = db.session.scalar(select(Attachment).where(Attachment.original_key == original_key))
        try:
            if draft is not None:
                _delete(draft)
        except StorageError:
            db.session.rollback()
            log.exception("draft over the cap not taken back")
        return _over_cap(photo.filename)
    return None


def keep(token: str, photos: Iterable[CheckedFile]) -> list[str]:
    """Keep the photos of a form with errors within the client's limits; return refusals."""
    client = ratelimit.client_key("draft")
    errors: list[str] = []
    for photo in photos:
        error = _keep_one(token, photo, client)
        if error:
            errors.append(error)
        if error == STORE_DOWN:
            break
    return errors


def remove(token: str, ids: Iterable[str]) -> list[str]:
    """Delete the drafts of this form the citizen ticked for removal; return refusals."""
    wanted = set(ids)
    for draft in drafts(token):
        if str(draft.id) in wanted:
            try:
                _delete(draft)
            except StorageError:
                log.exception("draft photo not removed")
                db.session.rollback()
                return [f"照片“{draft.filename}”暂时无法移除（文件存储出了故障），请稍后再提交。"]
    return []


def _delete(draft: Attachment) -> None:
    """Delete a draft's files, then its row if it is still a draft; commit."""
    _storage().delete(draft.original_key)
    _storage().delete(draft.public_key)
    db.session.execute(
        delete(Attachment).where(Attachment.id == draft.id, Attachment.report_id.is_(None))
    )
    db.session.commit()


def clean_expired(now: dt.datetime | None = None, batch: int | None = None) -> int:
    """Delete drafts older than DRAFT_MAX_HOURS (at most ``batch``); return how many."""
    hours = current_app.config["DRAFT_MAX_HOURS"]
    cutoff = (now or utcnow()) - dt.timedelta(hours=hours)
    query = (
        select(Attachment)
        .where(
            Attachment.draft_token.is_not(None),
            Attachment.report_id.is_(None),
            Attachment.response_id.is_(None),
            Attachment.created_at < cutoff,
        )
        .order_by(Attachment.id)
        .limit(batch)
    )
    done = 0
    for draft in list(db.session.scalars(query)):
        _delete(draft)
        done += 1
    return done


def clean_some() -> None:
    """Opportunistic cleaning on a report post: a few expired drafts; never fails the post.

    After the store failed, this process leaves cleaning alone for PAUSE_SECONDS, so posts
    do not each wait for a store that is down.
    """
    state = current_app.extensions.setdefault("yimatong_drafts", {"paused_until": 0.0})
    if time.monotonic() < state["paused_until"]:
        return
    try:
        clean_expired(batch=10)
    except StorageError:
        db.session.rollback()
        state["paused_until"] = time.monotonic() + PAUSE_SECONDS
        log.warning("expired drafts not cleaned: the store is down")
