"""Stored files: one way to store both copies of a checked file, one lookup of its case."""

from __future__ import annotations

from flask import current_app

from feedback.extensions import db
from feedback.models import Attachment, EnterpriseResponse, Report
from feedback.photos import CheckedFile


def put_copies(checked: CheckedFile, scope: str | None = None) -> dict[str, object]:
    """Store the original and the stripped copy; the attachment row's file fields.

    ``scope`` (a draft token) makes the keys follow from the form and the content, so the
    same photo kept twice for one form is one stored copy. Raises StorageError when the
    store is down, before any row is written.
    """
    original_key, public_key = checked.keys(scope)
    storage = current_app.extensions["yimatong_storage"]
    storage.put(original_key, checked.original, checked.content_type)
    storage.put(public_key, checked.public, checked.content_type)
    return {
        "original_key": original_key,
        "public_key": public_key,
        "content_type": checked.content_type,
        "size": len(checked.original),
        "filename": checked.filename,
    }


def get(attachment_id: int) -> Attachment | None:
    """The attachment with this id, if any."""
    return db.session.get(Attachment, attachment_id)


def case_of(attachment: Attachment) -> Report | None:
    """The report a photo or an enterprise's evidence belongs to; None for drafts and orphans."""
    report_id = attachment.report_id
    if report_id is None and attachment.response_id is not None:
        response = db.session.get(EnterpriseResponse, attachment.response_id)
        report_id = response.report_id if response is not None else None
    return db.session.get(Report, report_id) if report_id is not None else None


def with_case(attachment_id: int) -> tuple[Attachment, Report] | None:
    """The attachment and its report, or None when either is missing (the caller answers 404)."""
    attachment = get(attachment_id)
    if attachment is None:
        return None
    report = case_of(attachment)
    return (attachment, report) if report is not None else None


def of_report(report: Report, attachment_id: int) -> Attachment | None:
    """A photo of this report (never another report's, never a draft)."""
    attachment = get(attachment_id)
    if attachment is None or attachment.report_id != report.id:
        return None
    return attachment


def draft(token: str, attachment_id: int) -> Attachment | None:
    """A photo kept for the form with this draft token, while it is still a draft."""
    attachment = get(attachment_id)
    if attachment is None or attachment.draft_token != token or attachment.report_id is not None:
        return None
    return attachment
