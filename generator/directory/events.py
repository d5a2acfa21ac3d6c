"""The events file: what each unit's page shows, as events, beside the directory file.

One JSON object a line: a header ``{"events": 1, "site": …}`` then one line per event
(``unit``, ``id``, ``kind``, ``date``, ``title``, ``link``), in the site's unit order. The
service reads it to mail followers what is new (feedback/follow); ids are stable, so a line
seen before is never news again. Only what the unit pages already publish.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.content.events import dated_today, unit_events
from generator.content.model import Site, Unit
from generator.directory.kept import KeptLines
from generator.directory.write import directory_path
from generator.search.identity import site_identity
from generator.urls import absolute, unit_path

if TYPE_CHECKING:
    from generator.context import BuildContext

FORMAT = 1


@dataclass(frozen=True, slots=True)
class PublishedEvent:
    """One line of the events file."""

    unit: str
    id: str
    kind: str
    date: str
    title: str
    link: str


def events_path(directory_file: str | Path) -> Path:
    """The events file beside a directory file (``x.directory.jsonl`` → ``x.events.jsonl``)."""
    path = Path(directory_file)
    stem = path.name.removesuffix(".jsonl").removesuffix(".directory")
    return path.with_name(stem + ".events.jsonl")


def write_events(
    site: Site, out_dir: Path, settings: dict[str, Any], ctx: BuildContext | None = None
) -> Path:
    """Build step: write the events file beside the directory file (whole, then renamed)."""
    path = events_path(directory_path(settings))
    base = settings["base_url"]
    lines = [json.dumps({"events": FORMAT, "site": site_identity(site)}, ensure_ascii=False)]
    # In a build, a unit whose key is unchanged gets the last build's lines (its key covers
    # its record, permit state and ledger items; the day only where an event is dated by it).
    kept = KeptLines(ctx, "events", base)
    today = site.judged_on
    for unit in site.units:
        code = unit.fixed_source_code
        extra = f"@{today.isoformat()}" if dated_today(unit, today) else ""
        text = kept.text(code, partial(_unit_lines, site, unit, base), extra)
        if text:
            lines.append(text)
    kept.save()
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text("\n".join(lines) + "\n", encoding="utf-8")
    part.replace(path)
    return path


def _unit_lines(site: Site, unit: Unit, base: str) -> str:
    """The lines of one unit's events (none: "")."""
    found = []
    for e in unit_events(unit, site.judged_on, site.ledger_of(unit.fixed_source_code)):
        record = {
            "unit": e.unit,
            "id": e.id,
            "kind": e.kind,
            "date": e.date.isoformat(),
            "title": e.title,
            "link": absolute(base, unit_path(e.unit)) + e.anchor,
        }
        found.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    return "\n".join(found)


def read_events(path: str | Path, unit: str = "") -> Iterator[PublishedEvent]:
    """The events of an events file (only ``unit``'s when given: other lines are not even
    parsed); nothing when it is missing. Bad lines are skipped."""
    try:
        handle = Path(path).open(encoding="utf-8")
    except OSError:
        return
    with handle:
        for line in handle:
            if unit and unit not in line:
                continue
            try:
                record = json.loads(line)
                found = PublishedEvent(*(str(record[k]) for k in PublishedEvent.__slots__))
            except (ValueError, KeyError, TypeError):
                continue
            if not unit or found.unit == unit:
                yield found
