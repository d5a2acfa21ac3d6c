"""Atom 1.0 documents (RFC 4287): the site's feeds and each unit's feed are written here.

Dates in the records are China dates; an entry's time is midnight China time that day.
Entry ids are tag: URIs (RFC 4151) of the site's host and the record's own key, so a reader
never sees an entry twice.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

ATOM = "http://www.w3.org/2005/Atom"
#: China Standard Time: dates in the records are local dates.
TIMEZONE = "+08:00"

ET.register_namespace("", ATOM)


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry, made from one record."""

    id: str
    title: str
    updated: dt.date
    link: str
    summary: str
    city_code: str


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed file: its path in the site, title and entries (newest first)."""

    path: str
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Head:
    """What a feed says about itself besides its entries."""

    self_url: str
    alternate: str
    subtitle: str
    author: str
    #: The feed's updated date when it has no entry.
    fallback: dt.date


def tag(base_url: str, specific: str) -> str:
    """A tag: URI for ``specific`` under the host of ``base_url``."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"tag:{host},2020:{quote(specific, safe='/')}"


def timestamp(date: dt.date) -> str:
    """Midnight China time of ``date``, as Atom writes a time."""
    return f"{date.isoformat()}T00:00:00{TIMEZONE}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    element.text = text
    return element


def document(feed: Feed, head: Head) -> bytes:
    """The feed as Atom 1.0 XML bytes."""
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _sub(root, "id", head.self_url)
    _sub(root, "title", feed.title)
    _sub(root, "subtitle", head.subtitle)
    updated = max((e.updated for e in feed.entries), default=head.fallback)
    _sub(root, "updated", timestamp(updated))
    author = _sub(root, "author")
    _sub(author, "name", head.author)
    _sub(root, "link", rel="self", type="application/atom+xml", href=head.self_url)
    _sub(root, "link", rel="alternate", type="text/html", href=head.alternate)
    for e in feed.entries:
        entry = _sub(root, "entry")
        _sub(entry, "id", e.id)
        _sub(entry, "title", e.title)
        _sub(entry, "updated", timestamp(e.updated))
        _sub(entry, "link", rel="alternate", type="text/html", href=e.link)
        _sub(entry, "summary", e.summary)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
