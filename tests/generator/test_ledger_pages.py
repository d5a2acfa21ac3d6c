"""The public problem ledger on the site: the unit page's items and summary, the city pages
and the province index, the sitemap, the open-data table; overdue judged on the build's day;
incremental builds redo what a changed ledger shows, and equal a fresh build."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from generator import clock, urls
from generator.build.run import build

from .site_helpers import BASE_URL, FIXTURE, FIXTURE_DAY, overrides, soup, tree

KEY_UNIT = "91450126MA5L3K2R5Q001P"  # 南宁 450100
YULIN_UNIT = "91450902MA5K8T4H2R001P"  # 玉林 450900
GONE_UNIT = "91450126MA5L3K2R5Q999Z"


def item(ident: str, unit: str = KEY_UNIT, **fields: object) -> dict:
    """A ledger item as the service exports it, open with a deadline, unless told."""
    record = {
        "id": ident,
        "unit_code": unit,
        "outlet": "DW001",
        "source": "inspection",
        "found_on": "2026-10-12",
        "title": "废水排放口标志牌缺失",
        "action": "设置符合 GB 15562.1 的标志牌",
        "due_on": "2026-11-12",
        "state": "open",
        "closed_on": None,
        "body": "nn-binyang",
    }
    record.update(fields)
    return record


def ledger_items() -> list[dict]:
    """Open and overdue, answered not yet due, closed, fixed on the spot, an unknown unit."""
    return [
        item("L2026-000001"),
        item("L2026-000002", state="answered", due_on="2026-12-31", title="台账记录不全"),
        item("L2026-000003", state="closed", closed_on="2026-11-03", title="危废标识不清"),
        item("L2026-000004", due_on=None, state="closed", closed_on="2026-10-12", action=""),
        item(
            "L2026-000005",
            unit=YULIN_UNIT,
            found_on="2026-09-01",
            due_on="2026-09-30",
            source="report",
        ),
        item("L2026-000006", unit=GONE_UNIT),
    ]


def write_ledger(path: Path, items: list[dict], as_of: str = "2026-11-19") -> Path:
    """Write a ledger export file (the fixed interface of the service's export)."""
    path.write_text(json.dumps({"as_of": as_of, "items": items}, ensure_ascii=False), "utf-8")
    return path


def _build(out: Path, tmp: Path, ledger: Path | None, day: dt.date = FIXTURE_DAY):
    conf = overrides(tmp, ledger_file=str(ledger) if ledger else "")
    with clock.travel(day):
        return build(FIXTURE, out, BASE_URL, jobs=1, progress=False, overrides=conf)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    tmp = tmp_path_factory.mktemp("ledger-site")
    ledger = write_ledger(tmp / "ledger.json", ledger_items())
    result = _build(tmp / "site", tmp, ledger)
    return tmp / "site", result


def test_unit_page_lists_its_items_with_state_deadline_and_overdue(built):
    site, _ = built
    page = soup(site, urls.unit_path(KEY_UNIT))
    rows = page.select("section.ledger tr.ledger-item")
    assert [r["id"] for r in rows] == [
        "ledger-L2026-000004",
        "ledger-L2026-000003",
        "ledger-L2026-000002",
        "ledger-L2026-000001",
    ]
    overdue = page.select("section.ledger tr.overdue")
    assert [r["id"] for r in overdue] == ["ledger-L2026-000001"]
    closed = page.select_one("#ledger-L2026-000003 .ledger-state").get_text()
    assert "已销号" in closed and "2026-11-03" in closed
    spot = page.select_one("#ledger-L2026-000004").get_text()
    assert "当场整改" in spot
    glance = page.select_one("li.glance-ledger").get_text()
    assert "未销号 2 项" in glance and "逾期 1 项" in glance
    assert page.select_one('nav.toc a[href="#h-ledger"]') is not None


def test_a_unit_without_items_says_so_and_has_no_ledger_section(built):
    site, _ = built
    page = soup(site, urls.unit_path("91450222MA5N7P3C8N001P"))
    assert page.select_one("section.ledger") is None
    assert "无登记的问题" in page.select_one("li.glance-ledger").get_text()


def test_city_page_counts_by_state_and_lists_the_overdue(built):
    site, _ = built
    page = soup(site, "/ledger/450100/")
    counts = {
        tr["data-state"]: int(tr.select_one("td").get_text())
        for tr in page.select("table.ledger-states tr[data-state]")
    }
    assert counts == {
        "open": 1,
        "answered": 1,
        "sent_back": 0,
        "verified": 0,
        "closed": 2,
        "overdue": 1,
    }
    late = page.select("table.ledger-overdue tr.ledger-item")
    assert len(late) == 1
    link = late[0].select_one("a")
    assert link["href"] == urls.unit_path(KEY_UNIT) + "#ledger-L2026-000001"
    assert "8 天" in late[0].get_text()  # due 11-12, judged on 11-20
    yulin = soup(site, "/ledger/450900/")
    assert "51 天" in yulin.select_one("table.ledger-overdue").get_text()


def test_province_index_lists_every_city_with_its_figures(built):
    site, _ = built
    page = soup(site, "/ledger/")
    rows = {tr["data-city"]: tr for tr in page.select("table.ledger-cities tr[data-city]")}
    assert set(rows) == {"450100", "450200", "450300", "450900"}
    nanning = rows["450100"]
    assert [nanning.select_one(f"td.{k}").get_text() for k in ("total", "open", "closed")] == [
        "4",
        "2",
        "2",
    ]
    assert nanning.select_one("td.overdue").get_text() == "1"
    assert rows["450200"].select_one("td.total").get_text() == "0"
    assert nanning.select_one("a")["href"] == "/ledger/450100/"


def test_unknown_unit_is_a_notice_not_a_stop_and_is_published_nowhere(built):
    site, result = built
    assert any(GONE_UNIT in n and "L2026-000006" in n for n in result.notices)
    assert not any("L2026-000006" in p.read_text("utf-8") for p in site.rglob("*.html"))


def test_sitemap_and_open_data_hold_the_ledger(built):
    site, _ = built
    sitemap = "".join(p.read_text("utf-8") for p in site.glob("sitemap-*.xml"))
    assert f"{BASE_URL}/ledger/450100/" in sitemap and f"{BASE_URL}/ledger/" in sitemap
    raw = (site / "data" / "ledger.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert [r["id"] for r in rows] == [f"L2026-00000{n}" for n in (1, 2, 3, 4, 5)]
    assert {r["id"]: r["overdue"] for r in rows}["L2026-000001"] == "true"
    assert {r["id"]: r["overdue"] for r in rows}["L2026-000002"] == "false"
    dictionary = soup(site, "/data/dictionary/")
    assert "问题台账" in dictionary.get_text() and "sent_back" in dictionary.get_text()


def test_without_a_ledger_file_the_index_says_no_data_and_no_city_pages(tmp_path):
    _build(tmp_path / "site", tmp_path, None)
    page = soup(tmp_path / "site", "/ledger/")
    assert "暂无数据" in page.get_text()
    assert not (tmp_path / "site" / "ledger" / "450100").exists()
    unit = soup(tmp_path / "site", urls.unit_path(KEY_UNIT))
    assert unit.select_one("li.glance-ledger") is None


def test_overdue_follows_the_build_day(tmp_path):
    """Built on the day before the deadline nothing is overdue; the next build, after it,
    marks the item overdue without any change in the file."""
    items = [item("L2026-000001", due_on="2026-11-25")]
    ledger = write_ledger(tmp_path / "ledger.json", items, as_of="2026-11-20")
    out = tmp_path / "site"
    _build(out, tmp_path, ledger, dt.date(2026, 11, 25))
    assert soup(out, urls.unit_path(KEY_UNIT)).select("section.ledger tr.overdue") == []
    _build(out, tmp_path, ledger, dt.date(2026, 11, 26))
    late = soup(out, urls.unit_path(KEY_UNIT)).select("section.ledger tr.overdue")
    assert [r["id"] for r in late] == ["ledger-L2026-000001"]
    assert soup(out, "/ledger/450100/").select("table.ledger-overdue tr.ledger-item")


def test_a_changed_ledger_redoes_its_pages_and_equals_a_fresh_build(tmp_path):
    ledger = write_ledger(tmp_path / "ledger.json", [item("L2026-000001")])
    out = tmp_path / "site"
    first = _build(out, tmp_path, ledger)
    same = _build(out, tmp_path, ledger)
    assert same.rendered < first.total / 4
    closed = item("L2026-000001", state="closed", closed_on="2026-11-18")
    write_ledger(ledger, [closed])
    _build(out, tmp_path, ledger)
    state = soup(out, urls.unit_path(KEY_UNIT)).select_one("#ledger-L2026-000001 .ledger-state")
    assert "已销号" in state.get_text()
    assert soup(out, "/ledger/450100/").select("table.ledger-overdue tr") == []
    _build(tmp_path / "fresh", tmp_path / "other", ledger)
    assert tree(out) == tree(tmp_path / "fresh")
