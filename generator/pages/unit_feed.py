"""Each unit's own Atom feed (``feed.atom`` beside its page): what its page newly shows.

The entries are the unit's events (generator/content/events.py): penalties, its permit's
state, inspections and rectification orders, the same facts followers are mailed. A feed
reader is the way to follow a unit without giving an address.
"""

from __future__ import annotations

from generator.atom import Entry, Feed, Head, document, tag
from generator.content.events import unit_events
from generator.content.model import Site, Unit
from generator.urls import absolute, unit_path

#: The file beside a unit's page.
FEED_FILE = "feed.atom"


def unit_feed_bytes(unit: Unit, site: Site, base_url: str) -> bytes:
    """The unit's feed, newest entry first; the same content gives the same bytes."""
    page = absolute(base_url, unit_path(unit.code))
    shown = unit_events(unit, site.judged_on, site.ledger_of(unit.fixed_source_code))
    events = sorted(shown, key=lambda e: (e.date, e.id), reverse=True)
    entries = tuple(
        Entry(
            id=tag(base_url, f"unit/{unit.code}/{e.id}"),
            title=e.title,
            updated=e.date,
            link=page + e.anchor,
            summary=f"{unit.name}：{e.title}。",
            city_code=unit.city_code,
        )
        for e in events
    )
    head = Head(
        self_url=page + FEED_FILE,
        alternate=page,
        subtitle=f"{unit.name}的行政处罚、许可证状态、检查和整改",
        author=site.issuer or site.title,
        fallback=unit.data_as_of.latest,
    )
    return document(
        Feed(unit_path(unit.code) + FEED_FILE, f"{unit.name}（{unit.code}）", entries), head
    )
