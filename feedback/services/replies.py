"""Response templates: reply texts a body's officers reuse."""

from __future__ import annotations

from sqlalchemy import select

from feedback.extensions import db
from feedback.models import ResponseTemplate


def for_body(body_id: str) -> list[ResponseTemplate]:
    """A body's response templates, by title."""
    query = select(ResponseTemplate).where(ResponseTemplate.body_id == body_id)
    return list(db.session.scalars(query.order_by(ResponseTemplate.title)))


def text_for(template_id: int | None, body_id: str) -> str:
    """The text of a template of this body; empty for none or another body's."""
    template = db.session.get(ResponseTemplate, template_id) if template_id else None
    if template is None or template.body_id != body_id:
        return ""
    return template.text


def add(body_id: str, title: str, text: str) -> ResponseTemplate:
    """Add a template to a body (the caller audits and commits)."""
    template = ResponseTemplate(body_id=body_id, title=title, text=text)
    db.session.add(template)
    return template
