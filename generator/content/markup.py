"""Markdown pages to safe HTML: Python-Markdown, then nh3 (ammonia) with an allow-list.

The static site is served by hosts whose Content-Security-Policy we do not control, so a
page must never carry scripts, event handlers, styles or ``javascript:`` links, whatever its
Markdown contains. Raw HTML in a page is kept only where it is on the allow-list below;
other tags are dropped (their text stays), ``<script>`` and ``<style>`` with their content.
See docs/content.md, "What pages may contain".
"""

from __future__ import annotations

import markdown
import nh3

#: Tags that pages may use: what Markdown and its tables extension produce.
TAGS = frozenset(
    "p br hr h1 h2 h3 h4 h5 h6 ul ol li strong em b i code pre blockquote a "
    "table thead tbody tr th td dl dt dd abbr sub sup".split()
)
#: Attributes per tag. Table alignment is written as ``align`` (no inline styles).
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
#: Link schemes; relative links (``/pages/how-to-report/``) are kept as they are.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: Removed with everything inside them, not only their tags.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

_EXTENSIONS = ["markdown.extensions.tables"]
_CONFIG = {"markdown.extensions.tables": {"use_align_attribute": True}}


def render_markdown(text: str) -> str:
    """HTML of a Markdown page body, with everything outside the allow-list removed."""
    html = markdown.markdown(text, extensions=_EXTENSIONS, extension_configs=_CONFIG)
    return sanitise(html)


def _href(element: str, attribute: str, value: str) -> str | None:
    """Drop links that lead to another host while looking relative: ``//host``, ``/\\host``,
    ``\\\\host`` (browsers read a backslash as a slash), also after leading spaces."""
    if attribute != "href":
        return value
    start = value.lstrip(" \t\n\r\f")
    if "\\" in value or start.startswith("//") or start != value:
        return None
    return value


def sanitise(html: str) -> str:
    """``html`` with only allow-listed tags, attributes and link schemes left."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        attribute_filter=_href,
    )
