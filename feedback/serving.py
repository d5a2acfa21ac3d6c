"""Serving stored uploads: downloads by default, inline only for images Pillow re-encoded."""

from __future__ import annotations

from typing import Protocol

from flask import Response


class StoredFile(Protocol):
    """What serving needs of a stored file's row (a report's attachment, an inspection photo)."""

    @property
    def id(self) -> int: ...

    @property
    def content_type(self) -> str: ...


class StoredCopies(StoredFile, Protocol):
    """A stored upload with its two copies: as uploaded, and stripped of metadata."""

    @property
    def original_key(self) -> str: ...

    @property
    def public_key(self) -> str: ...


#: Types whose public copy photos.strip_metadata re-encoded from pixels (no scripts survive).
REENCODED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
KNOWN_TYPES = {**REENCODED_TYPES, "application/pdf": "pdf"}
SANDBOX = "sandbox"


def safe_filename(attachment: StoredFile, kind: str) -> str:
    """A download name made of the kind, the id and the extension, never the uploaded name."""
    ext = KNOWN_TYPES.get(attachment.content_type, "bin")
    return f"{kind}-{attachment.id}.{ext}"


def file_response(data: bytes, attachment: StoredFile, *, reencoded: bool, kind: str) -> Response:
    """The file as a sandboxed download, or inline if it is an image re-encoded by Pillow."""
    content_type = attachment.content_type
    if content_type not in KNOWN_TYPES:
        content_type = "application/octet-stream"
    inline = reencoded and content_type in REENCODED_TYPES
    disposition = "inline" if inline else "attachment"
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{safe_filename(attachment, kind)}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cache-Control"] = "private, no-store"
    return response
