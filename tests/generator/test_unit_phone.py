"""The unit page on a phone: a summary first, jump links, long tables folded, charts shown."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest

from generator import urls
from generator.content.enums import RectificationStatus
from generator.content.model import Penalty, Rectification
from generator.pages.views.unit_summary import unit_summary

from .site_helpers import BASE_URL, soup

KEY_UNIT = "91450126MA5L3K2R5Q001P"


def glance(page) -> dict[str, str]:
    """The summary's rows, by their class, as text."""
    rows = page.select("section.summary .glance li")
    return {r["class"][0]: r.select_one(".glance-v").get_text(" ", strip=True) for r in rows}


def test_summary_comes_first_after_the_heading(site_dir, site):
    for unit in site.units:
        page = soup(site_dir, urls.unit_path(unit.code))
        first = page.select_one("article.unit > section")
        assert first is not None and "summary" in first["class"], unit.code
        rows = glance(page)
        keys = ["glance-permit", "glance-exceed", "glance-rect", "glance-penalty"]
        assert list(rows)[:4] == keys
        assert rows["glance-permit"].startswith(unit.permit_state(site.as_of).label)


def test_summary_of_the_key_unit_counts_what_the_page_shows(site_dir):
    page = soup(site_dir, urls.unit_path(KEY_UNIT))
    rows = glance(page)
    flagged = len(page.select("table.data tr.exceed"))
    assert flagged and rows["glance-exceed"].startswith(f"{flagged} 次")
    assert page.select_one(".glance-exceed .flag") is not None, "not colour alone"
    assert "近12个月 1 起" in rows["glance-penalty"] and "200,000 元" in rows["glance-penalty"]
    open_rows = [r for r in page.select("#h-enforcement ~ div tr") if "整改中" in r.get_text()]
    assert f"未销号 {len(open_rows)} 项" in rows["glance-rect"]
    as_of = page.select_one("section.summary .as-of").get_text()
    assert "数据截至 2026-11-20" in as_of


def test_jump_links_reach_every_section_heading(site_dir, site):
    for unit in site.units:
        page = soup(site_dir, urls.unit_path(unit.code))
        links = page.select("nav.toc a")
        assert len(links) >= 7
        for link in links:
            target = link["href"].removeprefix("#")
            assert page.find(id=target) is not None, (unit.code, target)


def test_monitoring_tables_folded_and_charts_visible(site_dir):
    for path in (urls.unit_path(KEY_UNIT), urls.outlet_path(KEY_UNIT, "DW001")):
        page = soup(site_dir, path)
        blocks = page.select("section.series")
        assert blocks
        for block in blocks:
            assert block.select_one("svg.chart").find_parent("details") is None
            table = block.select_one("table.data")
            fold = table.find_parent("details")
            rows = len(table.select("tbody tr"))
            assert fold is not None and f"（{rows} 次）" in fold.summary.get_text()
            assert not fold.has_attr("open")


def test_unit_without_monitoring_says_so_in_the_summary(site_dir, site):
    quiet = [u for u in site.units if not u.measurements]
    assert quiet, "the fixture has a unit without monitoring data"
    rows = glance(soup(site_dir, urls.unit_path(quiet[0].code)))
    assert rows["glance-exceed"] == "暂无监测数据"


def _penalty(number: str, day: dt.date, amount: float) -> Penalty:
    return Penalty(number, day, "局", "违法", "依据", amount)


def test_summary_counts_only_the_last_twelve_months(site):
    unit = site.unit(KEY_UNIT)
    as_of = dt.date(2026, 3, 1)
    unit = dataclasses.replace(
        unit,
        penalties=(
            _penalty("a", dt.date(2025, 3, 1), 5.0),  # 365 days before: outside
            _penalty("b", dt.date(2025, 3, 2), 7.0),
            _penalty("c", as_of, 11.0),
            _penalty("d", dt.date(2026, 3, 2), 13.0),  # after the as-of date: outside
        ),
        rectifications=(
            Rectification("R1", dt.date(2026, 1, 1), "局", "改", dt.date(2026, 2, 28)),
            Rectification("R2", dt.date(2026, 1, 1), "局", "改", as_of),
            Rectification(
                "R3",
                dt.date(2026, 1, 1),
                "局",
                "改",
                dt.date(2026, 1, 2),
                RectificationStatus.CLOSED,
                dt.date(2026, 1, 2),
            ),
        ),
    )
    series = [SimpleNamespace(exceedances=n) for n in (0, 2, 3)]
    got = unit_summary(unit, series, as_of)
    assert (got.recent_penalties, got.recent_fines, got.all_penalties) == (2, 18.0, 4)
    assert (got.open_rectifications, got.overdue_rectifications) == (2, 1)
    assert (got.exceedances, got.exceeding_series, got.monitored_series) == (5, 2, 3)


CARD_PAGES = ["/penalties/", urls.unit_path(KEY_UNIT), urls.outlet_path(KEY_UNIT, "DW001")]


@pytest.mark.parametrize("path", [*CARD_PAGES, "/permits/expired/", "/area/450100/"])
def test_every_card_cell_is_labelled_with_its_column(site_dir, path):
    page = soup(site_dir, path)
    tables = page.select("table.cards")
    assert tables or path.startswith("/permits/"), path
    for table in tables:
        heads = [th.get_text(strip=True) for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            labels = [td.get("data-label") for td in row.select("td")]
            assert labels == heads, (path, labels, heads)


def test_outlet_codes_are_unbreakable(site_dir):
    page = soup(site_dir, urls.outlet_path(KEY_UNIT, "DW001"))
    code = page.select_one(".unit-head .code strong")
    assert code.select_one(".nobr").get_text() == "DW001" and code.find("wbr") is not None
    unit = soup(site_dir, urls.unit_path(KEY_UNIT))
    assert {s.get_text() for s in unit.select(".outlets .nobr")} == {"DW001", "DA001"}


def og(page) -> dict[str, str]:
    """The page's Open Graph properties."""
    return {m["property"]: m["content"] for m in page.select("meta[property^='og:']")}


@pytest.mark.parametrize(
    ("path", "image"),
    [
        (urls.unit_path(KEY_UNIT), "qr.png"),
        (urls.outlet_path(KEY_UNIT, "DW001"), "qr.png"),
        ("/pages/about/", None),
        ("/penalties/", None),
    ],
)
def test_open_graph_card_without_javascript(site_dir, path, image):
    page = soup(site_dir, path)
    tags = og(page)
    assert tags["og:url"] == BASE_URL + path
    assert page.select_one("link[rel=canonical]")["href"] == BASE_URL + path
    assert tags["og:title"] and page.title.get_text().startswith(tags["og:title"])
    assert tags["og:description"] == page.select_one("meta[name=description]")["content"]
    assert tags["og:image"].startswith(BASE_URL + "/")
    if image:
        assert tags["og:image"] == BASE_URL + path + image
    served = site_dir / tags["og:image"].removeprefix(BASE_URL + "/")
    assert served.read_bytes().startswith(b"\x89PNG"), "a raster image the apps can show"


def test_print_footer_names_the_address_and_data_date(site_dir, site):
    unit = site.unit(KEY_UNIT)
    meta = soup(site_dir, urls.unit_path(KEY_UNIT)).select_one("footer .print-meta").get_text()
    assert BASE_URL + urls.unit_path(KEY_UNIT) in meta
    assert f"数据截至 {unit.data_as_of.latest}" in meta
