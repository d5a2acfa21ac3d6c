"""What the build writes for Netlify: ``_redirects`` with the service proxy and the printed addresses.

Two kinds of rules, one file (see docs/publishing.md and docs/addresses.md):

- the feedback service's paths, proxied (status ``200!``) to the one origin;
- ``/E/*`` answered with a permanent redirect to ``/e/:splat``: sign codes spell the unit
  prefix in upper case (QR alphanumeric mode, ``generator.urls.printed``), the pages live
  under ``/e/``. Netlify paths are case-sensitive, so the rule never matches a page itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from generator import urls

if TYPE_CHECKING:
    from generator.context import BuildContext

#: Paths the static host hands to the feedback service (Netlify proxies, status 200!).
PROXY_PATHS = (
    "/report",
    "/case",
    "/officer",
    "/enterprise",
    "/search",
    "/api",
    "/open311",
    "/r",
    "/draft",
    "/follow",
    "/privacy",
    "/fb-static",
)


def feedback_origin(settings: dict[str, Any]) -> str:
    """The feedback service the static host proxies to: ONE value, see docs/publishing.md."""
    origin = (
        settings.get("feedback_origin")
        or os.environ.get("YIMATONG_FEEDBACK_ORIGIN")
        or settings["feedback_url"]
    ).rstrip("/")
    if urlsplit(origin).netloc == urlsplit(settings["base_url"]).netloc:
        raise click.ClickException(
            f"反馈服务地址 {origin} 与网站地址相同，代理会指向自己："
            "请设置 YIMATONG_FEEDBACK_ORIGIN 为反馈服务的实际地址。"
        )
    return origin


def printed_redirect(base_path: str = "") -> str:
    """The one rule that sends every printed sign address to its page: ``/E/*`` 301 ``/e/``.

    Not forced: a file at the path would win, and no file lives under ``/E/``.
    """
    base = base_path.rstrip("/")
    return f"{base}{urls.PRINTED_PREFIX}*  {base}{urls.UNIT_PREFIX}:splat  301"


def netlify_redirects(origin: str, base_path: str = "") -> str:
    """Netlify ``_redirects``: printed addresses (301), then the service paths (200, forced)."""
    lines = [
        "# Written by yimatong build from YIMATONG_FEEDBACK_ORIGIN and base_url; do not edit.",
        "# Sign codes print /E/ (QR alphanumeric mode); the pages are under /e/.",
        printed_redirect(base_path),
    ]
    for path in PROXY_PATHS:
        lines.append(f"{path}  {origin}{path}  200!")
        lines.append(f"{path}/*  {origin}{path}/:splat  200!")
    return "\n".join(lines) + "\n"


def write_netlify_redirects(
    site: Any, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> None:
    """Build step: write ``_redirects`` for Netlify (ignored by other hosts and by publish)."""
    base_path = urlsplit(settings["base_url"]).path
    text = netlify_redirects(feedback_origin(settings), base_path)
    (Path(out_dir) / "_redirects").write_text(text, encoding="utf-8")
