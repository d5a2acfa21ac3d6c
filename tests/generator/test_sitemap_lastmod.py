"""The sitemap lists every page, the open-data pages too, each with its data-as-of date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from xml.etree import ElementTree as ET

import pytest

from generator import settings, urls
from generator.build.plan import plan
from generator.content.readers import load_site
from generator.pages.app import create_site_app
from generator.pages.views.common import build_catalog
from generator.pages.views.pages import sitemap_lastmods

from .site_helpers import BASE_URL, FIXTURE, overrides

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def site():
    return load_site(FIXTURE)


def _entries(site, tmp_path) -> dict[str, str]:
    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))
    client = create_site_app(site, conf).test_client()
    root = ET.fromstring(client.get("/sitemap-1.xml").data)
    entries = {}
    for url in root.findall("s:url", NS):
        assert [child.tag.split("}")[1] for child in url] == ["loc", "lastmod"]
        entries[url.findtext("s:loc", namespaces=NS)] = url.findtext("s:lastmod", namespaces=NS)
    return entries


def test_open_data_pages_are_listed_with_the_site_date(site, tmp_path):
    entries = _entries(site, tmp_path)
    for path in ("/data/", "/data/dictionary/", "/", "/stats/"):
        assert entries[BASE_URL + path] == site.as_of.isoformat(), path
    assert all(W3C_DATE.match(date) for date in entries.values())


def test_unit_and_outlet_pages_carry_their_units_date(site, tmp_path):
    entries = _entries(site, tmp_path)
    dates = set()
    for unit in site.units:
        date = unit.data_as_of.latest.isoformat()
        dates.add(date)
        paths = urls.unit_page_paths(unit.code, [o.code for o in unit.outlets])
        for path in paths:
            assert entries[BASE_URL + path] == date, path
    assert len(dates) > 1, "the fixture units have different dates"


def test_a_changed_date_changes_the_sitemap_part(site, tmp_path):
    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))

    def part_key(some_site) -> str:
        outputs = plan(build_catalog(some_site), conf).outputs
        return {o.path: o.key for o in outputs}["/sitemap-1.xml"]

    unit = site.units[0]
    later = dataclasses.replace(unit.data_as_of, permit=dt.date(2030, 1, 1))
    moved = dataclasses.replace(unit, data_as_of=later)
    changed = dataclasses.replace(site, units=(moved, *site.units[1:]))
    assert part_key(site) != part_key(changed)
    cat = build_catalog(changed)
    plan(cat, conf)
    assert sitemap_lastmods(cat)[urls.unit_path(unit.code)] == "2030-01-01"
