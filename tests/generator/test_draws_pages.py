"""The public list of draws on the site (双随机、一公开): the index of periods, a page per
period with each body's units and their results, the draws on a drawn unit's page; the
draws file checked, every problem named; unknown units are notices."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator import clock, urls
from generator.build.run import build
from generator.content.problems import ContentError
from generator.content.readers import load_site
from generator.content.readers.draws import read_draws

from .site_helpers import BASE_URL, FIXTURE, FIXTURE_DAY, overrides, soup
from .test_ledger_pages import GONE_UNIT, KEY_UNIT, YULIN_UNIT, item, write_ledger

DIGEST = "ab" * 32


def draw(ident: int, body: str, period: str, units: list[str], **fields: object) -> dict:
    """A draw as the service exports it."""
    record = {
        "id": ident,
        "body": body,
        "period": period,
        "drawn_on": "2026-10-08",
        "units": units,
        "inspectors": 2,
        "library": 41,
        "inputs_digest": DIGEST,
    }
    record.update(fields)
    return record


def write_draws(path: Path, draws: list[dict]) -> Path:
    path.write_text(
        json.dumps({"as_of": "2026-11-19", "draws": draws}, ensure_ascii=False), "utf-8"
    )
    return path


def _build(out: Path, tmp: Path, **files: Path):
    conf = overrides(tmp, **{k: str(v) for k, v in files.items()})
    with clock.travel(FIXTURE_DAY):
        return build(FIXTURE, out, BASE_URL, jobs=1, progress=False, overrides=conf)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("draws-site")
    draws = write_draws(
        tmp / "draws.json",
        [
            draw(1, "nn-binyang", "2026-Q3", [KEY_UNIT], drawn_on="2026-07-02"),
            draw(2, "nn-binyang", "2026-Q4", [KEY_UNIT, GONE_UNIT]),
            draw(3, "yl-yuzhou", "2026-Q4", [YULIN_UNIT]),
        ],
    )
    ledger = write_ledger(
        tmp / "ledger.json",
        [
            item("L1", found_on="2026-10-12"),  # inspection after the Q4 draw, open
            item("L2", found_on="2026-10-12", state="closed", closed_on="2026-10-20"),
            item("L3", found_on="2026-10-12", source="report"),  # not an inspection
        ],
    )
    result = _build(tmp / "site", tmp, draws_file=draws, ledger_file=ledger)
    return tmp / "site", result


def test_index_lists_each_period_with_its_bodies_and_units(built):
    site, _ = built
    rows = {r["data-period"]: r for r in soup(site, "/draws/").select("tr[data-period]")}
    assert list(rows) == ["2026-Q4", "2026-Q3"]
    assert rows["2026-Q4"].select_one("td.bodies").get_text() == "2"
    assert rows["2026-Q4"].select_one("td.units").get_text() == "2"  # the unknown unit left out
    assert rows["2026-Q4"].select_one("a")["href"] == "/draws/2026-Q4/"


def test_period_page_shows_each_body_its_units_and_results(built):
    site, _ = built
    page = soup(site, "/draws/2026-Q4/")
    sections = {s["data-draw"]: s for s in page.select("section.draw")}
    assert set(sections) == {"2", "3"}
    binyang = sections["2"]
    assert "南宁市宾阳生态环境局" in binyang.select_one("h2").get_text()
    (row,) = binyang.select("tr[data-unit]")
    assert row.select_one("a")["href"] == urls.unit_path(KEY_UNIT)
    result = row.select_one("td.outcome").get_text()
    assert "检查发现问题 2 项" in result and "未销号 1 项" in result
    pending = sections["3"].select_one("td.outcome").get_text()
    assert "待公布" in pending
    assert "随机选派执法人员 2 名" in binyang.get_text()


def test_a_drawn_unit_page_lists_its_draws_newest_first_with_results(built):
    site, _ = built
    page = soup(site, urls.unit_path(KEY_UNIT))
    entries = page.select("section.drawn-by li[data-draw]")
    assert [e["data-draw"] for e in entries] == ["2", "1"]
    assert "检查发现问题 2 项" in entries[0].select_one(".outcome").get_text()
    assert "检查发现问题 2 项" in entries[1].select_one(".outcome").get_text()  # after Q3 too
    assert (
        soup(site, urls.unit_path("91450222MA5N7P3C8N001P")).select_one("section.drawn-by") is None
    )


def test_unknown_units_are_notices_and_the_periods_are_in_the_sitemap(built):
    site, result = built
    assert any(GONE_UNIT in n for n in result.notices)
    sitemap = "".join(p.read_text("utf-8") for p in site.glob("sitemap-*.xml"))
    assert f"{BASE_URL}/draws/2026-Q4/" in sitemap


def test_without_a_draws_file_the_index_says_no_data(tmp_path):
    _build(tmp_path / "site", tmp_path)
    assert "暂无数据" in soup(tmp_path / "site", "/draws/").get_text()
    assert not (tmp_path / "site" / "draws" / "2026-Q4").exists()


def test_every_bad_draw_and_field_is_reported(tmp_path):
    path = write_draws(
        tmp_path / "d.json",
        [
            draw(1, "nn", "2026年", [KEY_UNIT]),
            draw(2, "nn", "2026-Q4", "91450126MA5L3K2R5Q001P"),
            draw(3, "nn", "2026-Q4", [KEY_UNIT], inspectors=-1, inputs_digest="xyz"),
            draw(4, "nn", "2026-Q4", [KEY_UNIT], inspector_names=["张三"]),
            draw(1, "nn", "2026-Q1", [KEY_UNIT], drawn_on="2026-1-1"),
            "draw",
        ],
    )
    _, problems = read_draws(path, "d.json")
    found = [str(p) for p in problems]
    for record, field, words in [
        ("第1项 1", "period:", "2026-Q4"),
        ("第2项 2", "units:", "列表"),
        ("第3项 3", "inspectors:", "非负整数"),
        ("第3项 3", "inputs_digest:", "SHA-256"),
        ("第4项 4", "inspector_names:", "不认识的字段"),
        ("第5项 1", "drawn_on:", "YYYY-MM-DD"),
        ("第5项 1", "id:", "与第1项重复"),
        ("第6项", "", "JSON 对象"),
    ]:
        assert any(f"[{record}]" in p and field in p and words in p for p in found), (record, found)


def test_a_bad_draws_file_stops_the_build(tmp_path):
    path = write_draws(tmp_path / "d.json", [draw(1, "nn", "Q4", [KEY_UNIT])])
    with pytest.raises(ContentError):
        _build(tmp_path / "site", tmp_path, draws_file=path)
    assert not (tmp_path / "site").exists()
    (tmp_path / "e.json").write_text("{", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_site(FIXTURE, draws_file=tmp_path / "e.json")
    assert "抽查公示文件" in caught.value.report()


def test_a_draw_changes_the_unit_page_in_an_incremental_build(tmp_path):
    path = write_draws(tmp_path / "d.json", [])
    out = tmp_path / "site"
    _build(out, tmp_path, draws_file=path)
    assert soup(out, urls.unit_path(KEY_UNIT)).select_one("section.drawn-by") is None
    write_draws(path, [draw(5, "nn-binyang", "2026-12", [KEY_UNIT], drawn_on="2026-11-02")])
    _build(out, tmp_path, draws_file=path)
    assert soup(out, urls.unit_path(KEY_UNIT)).select("section.drawn-by li[data-draw='5']")
    assert soup(out, "/draws/2026-12/").select("tr[data-unit]")
    assert dt.date(2026, 11, 2).isoformat() in soup(out, urls.unit_path(KEY_UNIT)).get_text()
