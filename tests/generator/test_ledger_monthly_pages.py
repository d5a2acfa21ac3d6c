"""The public monthly summary (月报公开) from the ledger file's ``monthly`` list: the index of
months, a page per month with every body's figures and its problems by checklist item, the
link from the ledger index, and every bad record named by file, record and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build.run import build
from generator.content.problems import ContentError
from generator.content.readers import read_content

from .site_helpers import BASE_URL, FIXTURE, overrides, soup
from .test_ledger_pages import _build, item

COUNTS = (
    "inspections units problems ledger_found ledger_closed ledger_overdue reports_received "
    "reports_concluded reports_on_time penalties"
).split()


def month(body: str, name: str, when: str, **figures: object) -> dict:
    """A body's month as the service exports it: zeros unless told."""
    record: dict = {"month": when, "body": body, "body_name": name, "items": []}
    record.update({k: 0 for k in COUNTS})
    record.update(figures)
    return record


DESTINATION = {"title": "污染物排放去向", "found": 2, "on_the_spot": 1, "deadline": 1}
RECORDS = {"title": "环境管理台账", "found": 1, "on_the_spot": 0, "deadline": 1}
QUIET = {"title": "排污许可证", "found": 0, "on_the_spot": 0, "deadline": 0}


def monthly_records() -> list[dict]:
    june = dict(inspections=2, units=1, problems=3, items=[DESTINATION, RECORDS, QUIET])
    june |= dict(ledger_found=3, ledger_closed=1, ledger_overdue=2, reports_received=3)
    june |= dict(reports_concluded=2, reports_on_time=1, penalties=1)
    return [
        month("gx", "广西壮族自治区生态环境厅", "2026-10", **june),
        month("nn", "南宁市生态环境局", "2026-10", **june),
        month("nn-binyang", "南宁市宾阳生态环境局", "2026-10", **june),
        month("gx", "广西壮族自治区生态环境厅", "2026-11", reports_received=4),
        month("nn", "南宁市生态环境局", "2026-11", reports_received=4),
        month("nn-binyang", "南宁市宾阳生态环境局", "2026-11", reports_received=4),
    ]


def write(path: Path, monthly: object, as_of: str = "2026-11-19") -> Path:
    data = {"as_of": as_of, "items": [item("L2026-000001")], "monthly": monthly}
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("monthly-site")
    _build(tmp / "site", tmp, write(tmp / "ledger.json", monthly_records()))
    return tmp / "site"


def test_the_index_lists_the_months_newest_first_with_the_province_s_figures(built):
    page = soup(built, "/ledger/monthly/")
    rows = page.select("table.monthly-months tr[data-month]")
    assert [r["data-month"] for r in rows] == ["2026-11", "2026-10"]
    assert rows[0].select_one("a")["href"] == "/ledger/monthly/2026-11/"
    assert "截至 2026-11-19" in rows[0].select_one("th").get_text()  # November not over
    assert "截至" not in rows[1].select_one("th").get_text()
    assert rows[1].select_one("td.inspections").get_text() == "2"
    assert rows[0].select_one("td.reports_received").get_text() == "4"


def test_a_month_shows_every_body_and_its_problems_by_item(built):
    page = soup(built, "/ledger/monthly/2026-10/")
    rows = {r["data-body"]: r for r in page.select("table.monthly-bodies tr[data-body]")}
    assert list(rows) == ["gx", "nn", "nn-binyang"]
    binyang = {k: int(rows["nn-binyang"].select_one(f"td.{k}").get_text()) for k in COUNTS}
    assert binyang == {
        "inspections": 2,
        "units": 1,
        "problems": 3,
        "ledger_found": 3,
        "ledger_closed": 1,
        "ledger_overdue": 2,
        "reports_received": 3,
        "reports_concluded": 2,
        "reports_on_time": 1,
        "penalties": 1,
    }
    table = page.select_one('table.monthly-items[data-body="nn-binyang"]')
    found = {
        tr.select_one("th").get_text(): [int(td.get_text()) for td in tr.select("td")]
        for tr in table.select("tbody tr")
    }
    assert found == {"污染物排放去向": [2, 1, 1], "环境管理台账": [1, 0, 1]}  # no zero rows
    november = soup(built, "/ledger/monthly/2026-11/")
    assert november.select("table.monthly-items") == []
    assert "未发现问题" in november.select_one("p.empty").get_text()
    assert november.select_one("p.hint time")["datetime"] == "2026-11-19"


def test_the_ledger_index_links_to_the_summary_and_the_sitemap_lists_it(built):
    link = soup(built, "/ledger/").select_one("p.monthly-link a")
    assert link["href"] == "/ledger/monthly/"
    sitemap = "".join(p.read_text("utf-8") for p in built.glob("sitemap-*.xml"))
    assert f"{BASE_URL}/ledger/monthly/2026-10/" in sitemap


def test_without_monthly_figures_the_index_says_no_data(tmp_path):
    out = tmp_path / "site"
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps({"as_of": "2026-11-19", "items": []}), "utf-8")
    _build(out, tmp_path, ledger)
    page = soup(out, "/ledger/monthly/")
    assert "暂无数据" in page.select_one("p.empty").get_text()
    assert not (out / "ledger" / "monthly" / "2026-10").exists()
    _build(out, tmp_path, None)
    assert soup(out, "/ledger/monthly/").select_one("p.empty") is not None


def _problems(tmp_path: Path, monthly: object) -> list[str]:
    _, problems = read_content(FIXTURE, ledger_file=write(tmp_path / "ledger.json", monthly))
    return [f"{p.file} [{p.record}] {p.field}: {p.message}" for p in problems]


@pytest.mark.parametrize(
    "record, field, words",
    [
        (month("nn", "南宁", "2026-13"), "month", "YYYY-MM"),
        (month("nn", "南宁", "2026-10", inspections=-1), "inspections", "非负整数"),
        (month("nn", "南宁", "2026-10", units="3"), "units", "非负整数"),
        (month("nn", "南宁", "2026-10", problems=2), "problems", "之和"),
        ({**month("nn", "南宁", "2026-10"), "reporter": "张三"}, "reporter", "不认识的字段"),
        (
            {k: v for k, v in month("nn", "南宁", "2026-10").items() if k != "penalties"},
            "penalties",
            "缺少",
        ),
        (month("nn", "", "2026-10"), "body_name", "不能为空"),
        (
            month("nn", "南宁", "2026-10", problems=1, items=[{**RECORDS, "found": "x"}]),
            "items[1].found",
            "非负整数",
        ),
        (
            month("nn", "南宁", "2026-10", problems=1, items=[{**RECORDS, "on_the_spot": 1}]),
            "items[1]",
            "之和不应大于",
        ),
    ],
)
def test_a_bad_monthly_record_is_named_by_file_record_and_field(tmp_path, record, field, words):
    found = _problems(tmp_path, [month("gx", "广西", "2026-10"), record])
    assert any(
        "ledger.json" in p and "monthly 第2条" in p and f"] {field}:" in p and words in p
        for p in found
    ), found


def test_a_body_twice_in_a_month_and_a_list_that_is_not_one_are_problems(tmp_path):
    twice = _problems(tmp_path, [month("nn", "南宁", "2026-10"), month("nn", "南宁", "2026-10")])
    assert any("第2条" in p and "重复" in p for p in twice)
    assert any("monthly: 应为月度数据列表" in p for p in _problems(tmp_path, {"nn": 1}))


def test_a_bad_monthly_record_stops_the_build_and_writes_nothing(tmp_path):
    path = write(tmp_path / "ledger.json", [month("nn", "南宁", "26-10")])
    out = tmp_path / "site"
    with pytest.raises(ContentError) as caught:
        build(
            FIXTURE,
            out,
            BASE_URL,
            jobs=1,
            progress=False,
            overrides=overrides(tmp_path, ledger_file=str(path)),
        )
    assert any(p.field == "month" for p in caught.value.problems)
    assert not out.exists()


def test_changed_figures_alone_redo_the_month_page(tmp_path):
    """Only the figures change (the same items, the same day): the next build shows them."""
    out = tmp_path / "site"
    ledger = write(tmp_path / "ledger.json", monthly_records())
    _build(out, tmp_path, ledger)
    more = monthly_records()
    more[2] = {**more[2], "reports_received": 9}
    write(ledger, more)
    _build(out, tmp_path, ledger)
    row = soup(out, "/ledger/monthly/2026-10/").select_one('tr[data-body="nn-binyang"]')
    assert row.select_one("td.reports_received").get_text() == "9"
