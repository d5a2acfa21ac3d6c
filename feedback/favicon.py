"""The site's icon on the service too: /fb-static/favicon.svg and /favicon.ico for browsers
and tools that ask for it without reading the page (Lighthouse counts that 404 as an error)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, send_from_directory

from generator import assets

#: The static site's icon (one drawing for both); the .ico is made from it, see docs/feedback.md.
SITE_STATIC = assets.static_dir()
SERVICE_STATIC = Path(__file__).resolve().parent / "static"
ICO_TYPE = "image/vnd.microsoft.icon"
#: A day: the icon hardly ever changes, but it has no fingerprint in its name.
MAX_AGE = 86_400


def site_favicon() -> Response:
    """The static site's SVG icon."""
    return send_from_directory(SITE_STATIC, "favicon.svg", max_age=MAX_AGE)


def favicon_ico() -> Response:
    """The same icon as a small .ico (16, 32 and 48 px)."""
    return send_from_directory(SERVICE_STATIC, "favicon.ico", mimetype=ICO_TYPE, max_age=MAX_AGE)


def init_app(app: Flask, static_url_path: str) -> None:
    """Register the icon routes."""
    app.add_url_rule(f"{static_url_path}/favicon.svg", "site_favicon", site_favicon)
    app.add_url_rule("/favicon.ico", "favicon_ico", favicon_ico)
