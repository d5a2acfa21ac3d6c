"""Times are stored as naive UTC and shown to people in China time (UTC+8)."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from .cases import CHINA


def china(value: dt.datetime) -> dt.datetime:
    """A stored naive-UTC datetime as an aware China-time datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA)


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format for readers, in China time."""
    return china(value).strftime(fmt) if value else ""


def iso_time(value: dt.datetime | None) -> str:
    """ISO 8601 with offset and whole seconds, valid in an HTML datetime attribute."""
    return china(value).isoformat(timespec="seconds") if value else ""


def init_app(app: Flask) -> None:
    """Register the Jinja filters ``local_time`` and ``iso_time``."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["iso_time"] = iso_time
