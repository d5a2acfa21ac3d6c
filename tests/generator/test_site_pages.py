"""Rendered pages of the fixture content, checked through CSS selectors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from generator import settings, urls
from generator.build.plan import plan
from generator.pages.app import create_site_app

from .site_helpers import (
    BASE_URL,
    FEEDBACK_URL,
    overrides,
    soup,
)

KEY_UNIT = "91450126MA5L3K2R5Q001P"


def test_every_unit_page_has_badge_with_its_state(site_dir, site):
    for unit in site.units:
        page = soup(site_dir, urls.unit_path(unit.code))
        badge = page.select_one(".unit-head .badge")
        assert badge.get_text() == f"许可状态：{unit.permit_state(site.as_of).label}"
        assert f"badge-{unit.permit_state(site.as_of).value}" in badge["class"]
    states = {u.permit_state(site.as_of).value for u in site.units}
    assert {"valid", "registered"} <= states


def test_exceedance_marked_in_text_not_colour_alone(site_dir):
    page = soup(site_dir, urls.unit_path(KEY_UNIT))
    rows = page.select("table.data tr.exceed")
    assert rows, "the fixture unit has an exceedance"
    assert all("超标" in r.select_one(".flag").get_text() for r in rows)
    assert page.select_one("svg.chart rect.exceed") is not None
    heading = page.select_one("section.series h3 .flag")
    assert "超标" in heading.get_text()


def test_chart_is_accessible_and_has_limit_line(site_dir):
    chart = soup(site_dir, urls.unit_path(KEY_UNIT)).select_one("svg.chart")
    assert chart["role"] == "img"
    title = chart.select_one("title")
    assert chart["aria-labelledby"] == title["id"] and "限值" in title.get_text()
    assert chart.select("line.limit")


def test_report_link_and_data_links(site_dir):
    page = soup(site_dir, urls.unit_path(KEY_UNIT))
    hrefs = {a["href"] for a in page.select("a.button-report")}
    assert hrefs == {f"{FEEDBACK_URL}/report/{KEY_UNIT}"}
    assert page.select_one("a.data-json")["href"] == "data.json"
    assert page.select_one("a.data-csv")["href"] == "data.csv"
    folder = site_dir / urls.unit_path(KEY_UNIT).lstrip("/")
    record = json.loads((folder / "data.json").read_text(encoding="utf-8"))
    assert record["fixed_source_code"] == KEY_UNIT
    raw = (folder / "data.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "排放口编号" and any(r[-1] == "是" for r in rows[1:])


def test_outlet_pages_linked_and_rendered(site_dir, site):
    unit = site.unit(KEY_UNIT)
    page = soup(site_dir, urls.unit_path(KEY_UNIT))
    links = {a["href"] for a in page.select("ul.outlets a")}
    assert links == {urls.outlet_path(KEY_UNIT, o.code) for o in unit.outlets}
    outlet = soup(site_dir, urls.outlet_path(KEY_UNIT, unit.outlets[0].code))
    assert unit.outlets[0].code in outlet.select_one("h1").get_text()
    assert outlet.select_one("a.button-report")["href"] == f"{FEEDBACK_URL}/report/{KEY_UNIT}"
    assert outlet.select_one(".qr img")["src"] == "qr.svg"


def _own_html_pages(site) -> list[str]:
    """The HTML pages the site app makes (build steps of other areas test their own)."""
    conf = settings.resolve(overrides(Path("/nonexistent"), base_url=BASE_URL))
    cat = create_site_app(site, conf).extensions["yimatong.catalog"]
    return [o.path for o in plan(cat, conf).outputs if o.path.endswith(("/", ".html"))]


def test_every_page_is_lean_and_accessible(site_dir, site):
    for path in _own_html_pages(site):
        page = soup(site_dir, path)
        assert page.html["lang"] == "zh-CN"
        assert page.title.get_text().strip()
        assert (
            page.select_one("main#main") and page.select_one("header") and page.select_one("footer")
        )
        assert not page.select("script") and not page.select("style") and not page.select("[style]")
        assert len(page.select("h1")) == 1
        form = page.select_one("form[role=search]")
        assert form["action"] == f"{FEEDBACK_URL}/search" and form.select_one("input[name=q]")
        assert "12369" in page.select_one("footer").get_text()
        for img in page.select("img"):
            assert img.get("alt")
        for table in page.select("table"):
            assert table.select_one("caption") and table.select("th")
        css = page.select_one("link[rel=stylesheet]")["href"]
        assert css.startswith("/static/site.") and (site_dir / css.lstrip("/")).is_file()


def test_listings_and_home(site_dir, site):
    home = soup(site_dir, "/")
    assert str(len(site.units)) in home.select_one(".counts").get_text()
    expired = [u for u in site.units if u.permit_state(site.as_of).value == "expiring"]
    listing = soup(site_dir, "/permits/expiring/")
    assert {a.get_text() for a in listing.select("table.units a")} == {u.name for u in expired}
    county = site.units[0].county_code
    area = soup(site_dir, f"/area/{county}/")
    assert site.units[0].name in area.get_text()


def test_stats_page_without_data_says_so(site_dir):
    assert "暂无数据" in soup(site_dir, "/stats/").select_one("main").get_text()


def test_404_robots_and_sitemap(site_dir):
    assert "页面不存在" in soup(site_dir, "/404.html").select_one("h1").get_text()
    robots = (site_dir / "robots.txt").read_text()
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in robots
    index = (site_dir / "sitemap.xml").read_text()
    assert f"<loc>{BASE_URL}/sitemap-1.xml</loc>" in index
    part = (site_dir / "sitemap-1.xml").read_text()
    assert f"<loc>{BASE_URL}{urls.unit_path(KEY_UNIT)}</loc>" in part


def test_open_data_and_feeds_are_linked(site_dir):
    home = soup(site_dir, "/")
    hrefs = {a["href"] for a in home.select("#main a")}
    assert {"/data/", "/data/dictionary/", "/feeds/penalties.atom", "/feeds/permits.atom"} <= hrefs
    assert home.select_one('link[rel="alternate"][type="application/atom+xml"]')
    city = soup(site_dir, "/area/450100/")
    assert city.select_one('a[href="/feeds/city/450100.atom"]')
    assert (site_dir / "feeds/city/450100.atom").is_file()
    county = soup(site_dir, "/area/450126/")
    assert not county.select('a[href^="/feeds/city/"]')


def test_measurement_records_match_the_generic_conversion():
    from dataclasses import fields

    from generator.content.model import Measurement, Method
    from generator.content.serialize import plain

    m = Measurement("DW001", "化学需氧量", dt.date(2026, 3, 31), 41.5, "mg/L", Method.AUTOMATIC)
    generic = {f.name: getattr(m, f.name) for f in fields(m)}
    generic.update(date="2026-03-31", method="automatic")
    assert plain(m) == generic and list(plain(m)) == [f.name for f in fields(m)]
