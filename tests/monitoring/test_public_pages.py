"""The unit page's automatic monitoring, the 环保脸谱 pages, and incremental builds after a
day's import: only the pages whose shown data changed are rendered again."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator import clock, urls
from generator.build.run import build
from generator.monitoring.builder import hourly_frames, write_frames
from generator.monitoring.daily import monitored
from generator.monitoring.importer import import_files, outlets_of
from generator.monitoring.store import Store
from generator.pages.outputs import unit_file_count
from tests.generator.site_helpers import BASE_URL, overrides, soup

from .public_helpers import START, fill, hours, monitored_units, sample_site

#: The sample's as-of date: the build judges on it whatever the calendar says.
BUILT_ON = dt.date(2026, 11, 20)


def _build(content: Path, out: Path, tmp: Path, db: Path):
    with clock.travel(BUILT_ON):
        return build(content, out, BASE_URL, jobs=1, progress=False,
                     overrides=overrides(tmp, monitoring_db=str(db)))  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("auto-pages")
    content, site = sample_site(tmp)
    units = monitored_units(site)
    values = []
    for unit in units:
        values += hours(unit, dt.datetime(2026, 1, 1), 24 * 120, 1.0)
    fill(tmp / "m.duckdb", values)
    _build(content, tmp / "site", tmp, tmp / "m.duckdb")
    return tmp, site, units


def test_unit_page_shows_daily_values_shares_rating_and_history(built) -> None:
    tmp, _, units = built
    unit = units[0]
    page = soup(tmp / "site", urls.unit_path(unit.code))
    section = page.select_one('section[aria-labelledby="h-auto"]')
    assert "自动监控数据截至 2026-04-30 23:00" in section.get_text()
    blocks = section.select("section.series")
    assert len(blocks) == len(list(monitored(unit)))
    first = blocks[0]
    assert first.select_one("svg.chart title").get_text().endswith("超标 0 天")
    assert len(first.select("table.data tbody tr")) == 90
    assert "本月 100.0%，本年 100.0%" in first.get_text()
    glance = page.select_one("li.glance-auto").get_text()
    assert "本年超标 0 天" in glance and "绿脸" in glance
    reasons = [li.get_text() for li in page.select("section.rating ul.reasons li")]
    assert len(reasons) == 4 and reasons[0].startswith("安装：100.0%")
    quarters = page.select("ol.strip li")
    assert len(quarters) == 12 and quarters[-1].select_one(".q-label").get_text() == "2026 Q4"
    assert "无数据" in quarters[0].get_text()


def test_outlet_page_shows_its_own_series_without_the_rating(built) -> None:
    tmp, _, units = built
    unit = units[0]
    outlet = next(iter(monitored(unit)))[0]
    page = soup(tmp / "site", urls.outlet_path(unit.code, outlet.code))
    blocks = page.select('section[aria-labelledby="h-auto"] section.series')
    assert len(blocks) == sum(1 for o, _, _ in monitored(unit) if o.code == outlet.code)
    assert all(b.select_one("h3 .nobr").get_text() == outlet.code for b in blocks)
    assert page.select_one("section.rating") is None


def test_units_without_automatic_monitoring_show_the_history_only(built) -> None:
    tmp, site, units = built
    other = next(u for u in site.units if u not in units)
    page = soup(tmp / "site", urls.unit_path(other.code))
    assert page.select_one("li.glance-auto") is None
    assert page.select_one('section[aria-labelledby="h-auto"]') is None
    assert len(page.select("ol.strip li")) == 12


def test_rating_page_lists_by_grade_and_city_beside_the_method(built) -> None:
    tmp, site, units = built
    page = soup(tmp / "site", "/monitoring/rating/")
    criteria = page.select("table.ratings")[0].select("tbody tr")
    assert [tr.select_one("td").get_text() for tr in criteria] == [
        "安装",
        "联网",
        "运行",
        "数据有效",
    ]
    green = soup(tmp / "site", "/monitoring/rating/green/")
    names = {a.get_text() for a in green.select("table.ratings tbody a")}
    assert names == {u.name for u in units}
    city = units[0].city_code
    listed = soup(tmp / "site", f"/monitoring/rating/city/{city}/")
    assert units[0].name in listed.get_text()


def test_a_days_import_for_one_unit_re_renders_only_its_pages(built, tmp_path: Path) -> None:
    tmp, site, units = built
    content, db, out = tmp / "content", tmp_path / "m.duckdb", tmp_path / "site"
    shutil.copy(tmp / "m.duckdb", db)
    first = _build(content, out, tmp_path, db)
    assert first.full
    unit = units[1]
    others = [urls.unit_path(u.code) for u in site.units if u is not unit]
    before = {p: (out / p.lstrip("/") / "index.html").stat().st_mtime_ns for p in others}
    # A day of the real importer's frames for this unit's outlets only.
    outlet, _, code = next(iter(monitored(unit)))
    path = write_frames(tmp_path / "day.txt",
                        hourly_frames(outlet.mn, dt.datetime(2026, 5, 1), 24, [code]))  # fmt: skip
    with Store(db) as store:
        summary = import_files([path], store, outlets_of(site), dt.datetime(2026, 5, 3))
    assert summary.new == 24
    second = _build(content, out, tmp_path, db)
    assert not second.full
    after = {p: (out / p.lstrip("/") / "index.html").stat().st_mtime_ns for p in others}
    assert after == before
    # The unit's own files, and at most the rating page and its grade's and city's listings.
    assert unit_file_count(unit) <= second.rendered <= unit_file_count(unit) + 3
    page = soup(out, urls.unit_path(unit.code))
    assert "自动监控数据截至 2026-05-01 23:00" in page.get_text()
    third = _build(content, out, tmp_path, db)
    assert third.rendered == 0


def test_a_flatline_in_the_store_changes_no_public_page_text(tmp_path: Path) -> None:
    content, site = sample_site(tmp_path)
    unit = monitored_units(site)[0]
    count = 24 * 14
    honest = hours(unit, START, count, [20.0 + (1 if n % 2 else -1) for n in range(count)])
    fill(tmp_path / "honest.duckdb", honest)
    fill(tmp_path / "flat.duckdb", hours(unit, START, count, 20.0))
    texts = []
    for name in ("honest", "flat"):
        out = tmp_path / f"site-{name}"
        _build(content, out, tmp_path / name, tmp_path / f"{name}.duckdb")
        texts.append([soup(out, p).get_text() for p in
                      (urls.unit_path(unit.code), "/monitoring/rating/", "/monitoring/rating/green/")])  # fmt: skip
    assert texts[0] == texts[1]


def test_open_data_has_daily_values_and_ratings_with_their_dictionary(built) -> None:
    import csv
    import json

    tmp, _, units = built
    data = tmp / "site" / "data"
    with open(data / "auto_daily.csv", encoding="utf-8-sig", newline="") as handle:
        daily = list(csv.DictReader(handle))
    series = sum(len(list(monitored(u))) for u in units)
    assert len(daily) == series * 90
    first = daily[0]
    assert (first["valid_hours"], first["exceeds"], first["mean"]) == ("24", "false", "1")
    assert first["data_as_of"] == "2026-04-30 23:00"
    ratings = [json.loads(line) for line in (data / "auto_ratings.jsonl").read_text().splitlines()]
    assert sorted(r["fixed_source_code"] for r in ratings) == sorted(u.code for u in units)
    assert {r["grade"] for r in ratings} == {"green"} and ratings[0]["validity"] == 1.0
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in package["resources"]}
    assert {"auto_daily-csv", "auto_ratings-jsonl"} <= names
    dictionary = soup(tmp / "site", "/data/dictionary/").get_text()
    assert "自动监控日均值" in dictionary and "有效传输率" in dictionary


def test_frictionless_finds_the_package_with_monitoring_tables_valid(built) -> None:
    from frictionless import Package, system

    tmp, _, _ = built
    with system.use_context(trusted=True):
        report = Package(str(tmp / "site" / "data" / "datapackage.json")).validate()
    # (The sample has no rectifications: frictionless cannot read that empty JSON Lines file.)
    auto = [t for t in report.tasks if t.name.startswith("auto_")]
    assert len(auto) == 4 and all(t.valid for t in auto), [
        t.flatten(["type", "note"]) for t in auto
    ]
