"""Atom 1.0 feeds: new penalties, permit status changes (newly expired, revoked), per city.

Every date comes from content (no clock), so the same content gives the same bytes.
Entry ids are tag: URIs made of the site's host and the record's own key, so a reader
never sees an entry twice. See docs/open-data.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.amounts import yuan
from generator.atom import Entry, Feed, Head, document, tag
from generator.content.model import PermitState, PermitStatus, Site, Unit
from generator.urls import absolute, unit_path

if TYPE_CHECKING:
    from generator.context import BuildContext

FEEDS_DIR = "feeds"
#: A permit whose validity ended within this many days before the data date is "newly expired".
NEWLY_EXPIRED_DAYS = 90
#: Newest entries kept in each feed.
FEED_LIMIT = 200


def penalty_entries(site: Site, base_url: str) -> list[Entry]:
    """One entry per penalty decision."""
    entries = []
    for unit in site.units:
        for p in unit.penalties:
            entries.append(
                Entry(
                    id=tag(base_url, f"penalty/{unit.code}/{p.decision_number}"),
                    title=f"行政处罚：{unit.name}（{p.decision_number}）",
                    updated=p.date,
                    link=absolute(base_url, unit_path(unit.code)),
                    summary=(
                        f"{p.authority}于{p.date.isoformat()}作出行政处罚决定：{p.violation}；"
                        f"罚款 {yuan(p.amount)}；{p.execution.label}。"
                        f"{_as_of_text(unit.data_as_of.enforcement)}"
                    ),
                    city_code=unit.city_code,
                )
            )
    return entries


def permit_entries(site: Site, base_url: str) -> list[Entry]:
    """Entries for permits that expired within NEWLY_EXPIRED_DAYS and permits revoked."""
    entries = []
    start = site.judged_on - dt.timedelta(days=NEWLY_EXPIRED_DAYS)
    for unit in site.units:
        p = unit.permit
        if p is None:
            continue
        if p.status is PermitStatus.REVOKED and p.status_date is not None:
            entries.append(
                _permit_entry(
                    unit,
                    base_url,
                    "revoked",
                    p.status_date,
                    f"已于{p.status_date.isoformat()}被{p.authority}撤销",
                )
            )
        elif p.status is PermitStatus.VALID and start <= p.valid_to < site.judged_on:
            expired = p.valid_to + dt.timedelta(days=1)
            entries.append(
                _permit_entry(
                    unit,
                    base_url,
                    "expired",
                    expired,
                    f"有效期至{p.valid_to.isoformat()}，已过期未延续",
                )
            )
    return entries


def _permit_entry(unit: Unit, base_url: str, change: str, date: dt.date, text: str) -> Entry:
    label = "许可证" + PermitState(change).label  # 许可证已撤销, 许可证已过期
    number = unit.permit.number if unit.permit else ""
    return Entry(
        id=tag(base_url, f"permit/{unit.code}/{change}/{date.isoformat()}"),
        title=f"{label}：{unit.name}",
        updated=date,
        link=absolute(base_url, unit_path(unit.code)),
        summary=f"排污许可证{number}{text}。{_as_of_text(unit.data_as_of.permit)}",
        city_code=unit.city_code,
    )


def _as_of_text(date: dt.date | None) -> str:
    return f"数据截至{date.isoformat()}。" if date else ""


def _newest(entries: list[Entry]) -> tuple[Entry, ...]:
    ordered = sorted(entries, key=lambda e: e.id)
    ordered.sort(key=lambda e: e.updated, reverse=True)
    return tuple(ordered[:FEED_LIMIT])


#: Which entries each feed takes: "penalties", "permits", or a city code (both, that city's).
FeedKind = str


def feed_list(site: Site) -> list[tuple[str, str]]:
    """Path and title of every feed, for the downloads page (no entries are made)."""
    return [(path, title) for path, title, _ in _feed_heads(site)]


def _feed_heads(site: Site) -> list[tuple[str, str, FeedKind]]:
    """Path, title and kind of every feed: penalties, permit changes, one per city."""
    heads = [
        (f"/{FEEDS_DIR}/penalties.atom", f"{site.title}：行政处罚", "penalties"),
        (f"/{FEEDS_DIR}/permits.atom", f"{site.title}：许可证状态变化", "permits"),
    ]
    for city in sorted({u.city_code for u in site.units}):
        title = f"{site.division_name(city)}：行政处罚与许可证状态变化"
        heads.append((f"/{FEEDS_DIR}/city/{city}.atom", title, city))
    return heads


def feeds(site: Site, base_url: str) -> list[Feed]:
    """Every feed of the site: penalties, permit changes, and one per city with units."""
    penalties, permits = penalty_entries(site, base_url), permit_entries(site, base_url)
    chosen = {"penalties": penalties, "permits": permits}
    result = []
    for path, title, kind in _feed_heads(site):
        if kind in chosen:
            entries = chosen[kind]
        else:
            entries = [e for e in penalties + permits if e.city_code == kind]
        result.append(Feed(path, title, _newest(entries)))
    return result


def atom(feed: Feed, site: Site, base_url: str) -> bytes:
    """The feed as Atom 1.0 XML bytes."""
    head = Head(
        self_url=absolute(base_url, feed.path),
        alternate=absolute(base_url, "/data/"),
        subtitle=f"数据截至{site.as_of.isoformat()}",
        author=site.issuer or site.title,
        fallback=site.as_of,
    )
    return document(feed, head)


def write_feeds(
    site: Site, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> None:
    """Build step: write every Atom feed under /feeds/.

    A feed's bytes are kept in the cache folder under a key of what it shows, so a build
    where a feed's entries are unchanged copies it instead of writing the XML again.
    """
    base_url = settings["base_url"]
    kept_file = Path(settings["cache_dir"]) / "feeds.pickle" if settings.get("cache_dir") else None
    kept = _load_kept(kept_file)
    code = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()
    made: dict[str, tuple[str, bytes]] = {}
    for feed in feeds(site, base_url):
        key = hashlib.sha1(
            repr(
                (code, feed, site.as_of, site.judged_on, site.issuer, site.title, base_url)
            ).encode()
        ).hexdigest()
        old = kept.get(feed.path)
        data = old[1] if old is not None and old[0] == key else atom(feed, site, base_url)
        made[feed.path] = (key, data)
        path = Path(out_dir) / feed.path.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if kept_file is not None and made != kept:
        kept_file.parent.mkdir(parents=True, exist_ok=True)
        part = kept_file.with_suffix(".part")
        part.write_bytes(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
        part.replace(kept_file)


def _load_kept(path: Path | None) -> dict[str, tuple[str, bytes]]:
    """The feeds of the last build (path -> key, bytes), or nothing."""
    try:
        kept = pickle.loads(path.read_bytes()) if path is not None else {}
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        ImportError,
        AttributeError,
    ):
        return {}
    return kept if isinstance(kept, dict) else {}
