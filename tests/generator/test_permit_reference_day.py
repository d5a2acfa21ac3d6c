"""Permit states and the permit lists are judged on the build's day, stated on the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from generator import clock, urls
from generator.build.run import build
from generator.content.readers import load_site

from .site_helpers import BASE_URL, FIXTURE, FIXTURE_DAY, overrides, soup

#: The fixture unit whose permit ends on 2026-12-31.
ENDING = "91450222MA5N7P3C8N001P"
LAST_DAY = dt.date(2026, 12, 31)


def build_on(day: dt.date, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp(f"on-{day}")
    with clock.travel(day):
        build(FIXTURE, tmp / "site", BASE_URL, jobs=1, progress=False, overrides=overrides(tmp))
    return tmp / "site"


@pytest.fixture(scope="module")
def day_after(tmp_path_factory):
    return build_on(LAST_DAY + dt.timedelta(days=1), tmp_path_factory)


@pytest.fixture(scope="module")
def last_day(tmp_path_factory):
    return build_on(LAST_DAY, tmp_path_factory)


def listed(site, slug: str) -> set[str]:
    page = soup(site, f"/permits/{slug}/")
    return {a["href"] for a in page.select("table.units a")}


def reference(site, slug: str) -> str:
    return soup(site, f"/permits/{slug}/").select_one("p.reference time")["datetime"]


def test_a_permit_that_ended_yesterday_is_expired_not_expiring(day_after):
    path = urls.unit_path(ENDING)
    assert path in listed(day_after, "expired")
    assert path not in listed(day_after, "expiring")
    badge = soup(day_after, path).select_one(".unit-head .badge")
    assert badge.get_text() == "许可状态：已过期" and "badge-expired" in badge["class"]
    record = json.loads((day_after / path.lstrip("/") / "data.json").read_text("utf-8"))
    assert record["permit_state"] == "expired"


def test_on_its_last_day_a_permit_is_still_expiring(last_day):
    path = urls.unit_path(ENDING)
    assert path in listed(last_day, "expiring")
    assert path not in listed(last_day, "expired")


@pytest.mark.parametrize("slug", ["expiring", "expired", "revoked"])
def test_each_list_states_the_day_it_counts_from(day_after, slug):
    page = soup(day_after, f"/permits/{slug}/")
    text = page.select_one("p.reference").get_text()
    assert reference(day_after, slug) == "2027-01-01"
    assert "本页生成之日" in text and f"许可信息数据截至 {FIXTURE_DAY}" in text


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 11, 1, 12, 0), FIXTURE_DAY),  # a clock behind the content
        (dt.datetime(2027, 1, 1, 0, 5), dt.date(2027, 1, 1)),  # just after midnight, China
        (dt.datetime(2026, 12, 31, 23, 58), LAST_DAY),
    ],
)
def test_judging_day_is_the_china_date_never_before_the_content(moment, expected):
    with clock.travel(FIXTURE_DAY):
        loaded = load_site(FIXTURE)
    with clock.travel(moment):
        assert dataclasses.replace(loaded).judged_on == expected


def test_an_incremental_build_on_a_later_day_equals_a_full_build_that_day(tmp_path):
    """Nothing in the content changed, but a permit ended overnight: the next build must redo
    what shows its state (its pages, the lists, open data) and match a fresh build."""
    from .site_helpers import tree

    kept = overrides(tmp_path / "kept")
    with clock.travel(LAST_DAY):
        build(FIXTURE, tmp_path / "site", BASE_URL, jobs=1, progress=False, overrides=kept)
    with clock.travel(LAST_DAY + dt.timedelta(days=1)):
        build(FIXTURE, tmp_path / "site", BASE_URL, jobs=1, progress=False, overrides=kept)
        fresh = overrides(tmp_path / "fresh")
        build(FIXTURE, tmp_path / "full", BASE_URL, jobs=1, progress=False, overrides=fresh)
    assert ENDING in " ".join(listed(tmp_path / "site", "expired"))
    assert tree(tmp_path / "site") == tree(tmp_path / "full")
