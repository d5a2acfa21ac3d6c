"""The end of a request's unit of work: commit what a service call did, or roll it back."""

from __future__ import annotations

from feedback.extensions import db


def commit() -> None:
    """Commit the session (views call this after a successful action)."""
    db.session.commit()


def rollback() -> None:
    """Drop what a refused action had changed."""
    db.session.rollback()
