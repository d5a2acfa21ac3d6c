"""The events a unit's page publishes, and the events file the service mails followers from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from generator import clock, settings
from generator.content.enums import PermitStatus
from generator.content.events import unit_events
from generator.content.readers import load_site
from generator.directory.events import events_path, read_events, write_events
from tests.directory_helpers import FIXTURE_CONTENT


@pytest.fixture(scope="module")
def site():
    return load_site(FIXTURE_CONTENT)


def _with_penalty(site):
    return next(u for u in site.units if u.penalties)


def test_every_penalty_inspection_and_order_is_an_event_with_its_own_id(site):
    for unit in site.units:
        events = unit_events(unit, site.judged_on)
        ids = [e.id for e in events]
        assert len(ids) == len(set(ids)), unit.code
        assert sum(e.kind == "penalty" for e in events) == len(unit.penalties)
        assert sum(e.kind == "inspection" for e in events) == len(unit.inspections)
        assert sum(e.kind == "rectification" for e in events) == len(unit.rectifications)
        assert [e.date for e in events] == sorted(e.date for e in events)


def test_a_permit_event_changes_id_exactly_when_the_shown_state_changes(site):
    unit = next(u for u in site.units if u.permit is not None)
    permit = unit.permit
    ids = {}
    for days in (-400, -30, 1):  # valid, expiring (within 60 days), expired
        today = permit.valid_to + dt.timedelta(days=days)
        (event,) = [e for e in unit_events(unit, today) if e.kind == "permit"]
        ids[days] = event.id
    assert len(set(ids.values())) == 3  # valid, expiring, expired
    assert unit_events(unit, permit.valid_to + dt.timedelta(days=-400)) == unit_events(
        unit, permit.valid_to + dt.timedelta(days=-300)
    )  # the same state on another day: the same event
    revoked = dataclasses.replace(
        unit, permit=dataclasses.replace(permit, status=PermitStatus.REVOKED)
    )
    (event,) = [e for e in unit_events(revoked, site.judged_on) if e.kind == "permit"]
    assert event.id.endswith(":revoked")


def test_the_events_file_is_written_whole_and_read_back(site, tmp_path):
    conf = settings.resolve(
        {"base_url": "https://site.test", "search_index_dir": str(tmp_path / "idx")}
    )
    path = write_events(site, tmp_path / "out", conf)
    assert path == events_path(tmp_path / "idx.directory.jsonl")
    assert not list(tmp_path.glob("*.part"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["events"] == 1
    read = list(read_events(path))
    assert len(read) == len(lines) - 1
    unit = _with_penalty(site)
    penalty = next(e for e in read if e.unit == unit.code and e.kind == "penalty")
    assert penalty.link.startswith("https://site.test/") and penalty.link.endswith("#h-enforcement")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not json\n" + json.dumps({"unit": "x"}) + "\n")
    assert list(read_events(path)) == read  # bad lines are skipped, not fatal
    own = [e for e in read if e.unit == unit.fixed_source_code]
    assert list(read_events(path, unit=unit.fixed_source_code)) == own and own
    assert list(read_events(tmp_path / "missing.jsonl")) == []


def test_no_personal_data_in_events(site):
    texts = " ".join(e.title for u in site.units for e in unit_events(u, site.judged_on))
    for unit in site.units:
        if unit.legal_representative:
            assert unit.legal_representative not in texts


def test_each_unit_has_an_atom_feed_of_its_events_linked_from_its_page(site, tmp_path):
    import xml.etree.ElementTree as ET

    from bs4 import BeautifulSoup

    from generator import urls
    from generator.pages.app import create_site_app
    from tests.generator.site_helpers import overrides

    conf = settings.resolve(overrides(tmp_path))
    client = create_site_app(site, conf).test_client()
    atom = "{http://www.w3.org/2005/Atom}"
    for unit in site.units:
        path = urls.unit_path(unit.code)
        response = client.get(path + "feed.atom")
        assert response.mimetype == "application/atom+xml"
        root = ET.fromstring(response.data)
        entries = root.findall(f"{atom}entry")
        assert len(entries) == len(unit_events(unit, site.judged_on))
        ids = [e.find(f"{atom}id").text for e in entries]
        assert len(set(ids)) == len(ids) and all(i.startswith("tag:") for i in ids)
        updated = [e.find(f"{atom}updated").text for e in entries]
        assert updated == sorted(updated, reverse=True)  # newest first
        page = BeautifulSoup(client.get(path).data, "html.parser")
        link = page.select_one('link[rel=alternate][type="application/atom+xml"][href="feed.atom"]')
        assert link is not None and unit.name in link["title"]
        response.close()


@pytest.mark.parametrize(("state", "events"), [("open", 1), ("answered", 1), ("closed", 2)])
def test_a_ledger_problem_is_news_when_opened_and_when_closed(site, state, events):
    from generator.content.events import site_events
    from generator.content.ledger import LedgerItem

    unit = site.units[0]
    item = LedgerItem(
        id="L2026-000007",
        unit_code=unit.fixed_source_code,
        outlet="",
        source="monitoring",  # a confirmed automatic-monitoring warning
        found_on=dt.date(2026, 10, 1),
        title="化学需氧量连续超标",
        action="查明原因并整改",
        due_on=dt.date(2026, 11, 1),
        state=state,
        closed_on=dt.date(2026, 10, 20) if state == "closed" else None,
        body="nn",
    )
    with_ledger = dataclasses.replace(site, ledger=(item,))
    found = [e for e in site_events(with_ledger) if e.kind == "problem"]
    assert len(found) == events and all(e.unit == unit.fixed_source_code for e in found)
    assert found[0].id == "problem:L2026-000007:open" and "化学需氧量连续超标" in found[0].title
    if state == "closed":
        assert found[1].id == "problem:L2026-000007:closed" and "已销号" in found[1].title
    assert all(e.anchor == "#h-ledger" for e in found)


def test_kept_event_lines_are_the_lines_made_afresh(site, tmp_path):
    """A build's events file takes an unchanged unit's lines from the last build. Whatever
    changes (a unit's record under a new key, the day for a permit revoked without a date of
    its own, the base URL), the file is byte for byte the one made from the site alone."""
    from generator.context import BuildContext
    from generator.pages.views.unit import as_of_marks

    def written(site, keys, base="https://site.test", kept=True):
        conf = settings.resolve(
            {
                "base_url": base,
                "search_index_dir": str(tmp_path / "idx"),
                "cache_dir": str(tmp_path / "cache"),
            }
        )
        ctx = BuildContext(site, tmp_path / "out", conf, keys) if kept else None
        return write_events(site, tmp_path / "out", conf, ctx).read_bytes()

    def keys_of(site, changed=()):
        """Keys as a build's: the record (here: changed or not) and the as-of marks."""
        return {
            u.code: f"{u.code}{'*' if u.code in changed else ''}/{as_of_marks(u, site.judged_on)}"
            for u in site.units
        }

    keys = keys_of(site)
    assert written(site, keys) == written(site, keys, kept=False)
    assert written(site, keys) == written(site, keys, kept=False)  # from the kept lines
    assert list((tmp_path / "cache" / "events").glob("*.pickle"))
    # A unit changed (a new key): its lines are new, the others' kept.
    unit = _with_penalty(site)
    renamed = dataclasses.replace(unit, penalties=unit.penalties[:-1])
    changed = dataclasses.replace(site, units=[renamed if u is unit else u for u in site.units])
    keys = keys_of(changed, {unit.code})
    assert written(changed, keys) == written(changed, keys, kept=False)
    # A permit revoked without a date: its event is dated by the day, which moves on.
    holder = next(u for u in site.units if u.permit is not None)
    permit = dataclasses.replace(holder.permit, status=PermitStatus.REVOKED, status_date=None)
    revoked = dataclasses.replace(holder, permit=permit)
    units = [revoked if u is holder else u for u in site.units]
    # Two days of one quarter (the marks hold the quarter), after the content's as-of date.
    for day in (dt.date(2027, 2, 1), dt.date(2027, 2, 20)):
        with clock.travel(day):
            revoked_site = dataclasses.replace(site, units=units)  # judged on this day
            keys = keys_of(revoked_site, {unit.code, holder.code})
            assert written(revoked_site, keys) == written(revoked_site, keys, kept=False)
            assert revoked_site.judged_on == day
            kept_then = written(revoked_site, keys)
    assert b'"date": "2027-02-20"' in kept_then
    assert written(revoked_site, keys, "https://other.test") == written(
        revoked_site, keys, "https://other.test", kept=False
    )
