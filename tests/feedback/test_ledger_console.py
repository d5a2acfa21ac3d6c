"""The officer ledger: scope, filters, counts, CSV, the 清零 view, entries by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.ledger import service
from feedback.ledger.models import LedgerItem
from feedback.models import Account
from generator import clock
from tests.feedback.conftest import PASSWORD
from tests.feedback.ledger_helpers import BINYANG, DAY, LIUCHENG, account, open_one

LATER = DAY + dt.timedelta(days=10)


@pytest.fixture(autouse=True)
def _on_the_day():
    with clock.travel(DAY):
        yield


@pytest.fixture
def ledger(app, password_hash):
    """Binyang: one open, one overdue (found in March), one closed on the spot, one answered
    by hand from the officer; Liucheng: one open monitoring item. And a province officer."""
    with app.app_context():
        db.session.add(
            Account(login="gx", password_hash=password_hash, role="officer", body_id="gx")
        )
        open_one("b-open")
        march = dt.date(DAY.year, 3, 3)
        open_one("b-late", found_on=march, due_on=march + dt.timedelta(days=30))
        open_one("b-spot", due_on=None)
        answered = open_one("b-answered", source="officer", title='=HYPERLINK("x")')
        service.answer(answered, account("hongda"), "已整改。")
        open_one(
            "l-open",
            source="monitoring",
            unit_code=LIUCHENG,
            outlet="",
            body_id="lz-liucheng",
            actor=account("liucheng"),
        )
        db.session.commit()


def _login(client, login: str, kind: str = "officer") -> None:
    client.post(f"/{kind}/login", data={"login": login, "password": PASSWORD})


def _numbers(client, query: str = "") -> list[str]:
    page = BeautifulSoup(
        client.get(f"/officer/ledger/{query}").get_data(as_text=True), "html.parser"
    )
    return sorted(a.get_text() for a in page.select("tr.ledger-row td:first-child a"))


def _titles(client, query: str = "") -> set[str]:
    page = BeautifulSoup(
        client.get(f"/officer/ledger/{query}").get_data(as_text=True), "html.parser"
    )
    return {row.select("td")[2].get_text() for row in page.select("tr.ledger-row")}


def _counts(client, query: str = "") -> dict[str, str]:
    page = BeautifulSoup(
        client.get(f"/officer/ledger/{query}").get_data(as_text=True), "html.parser"
    )
    return {s["data-count"]: s.get_text() for s in page.select(".ledger-counts strong")}


def test_each_officer_sees_the_ledger_of_the_body_and_below(client, ledger):
    _login(client, "binyang")
    assert len(_numbers(client)) == 4
    client.post("/officer/logout")
    _login(client, "liucheng")
    assert len(_numbers(client)) == 1
    client.post("/officer/logout")
    _login(client, "nanning")  # the city above Binyang
    assert len(_numbers(client)) == 4
    client.post("/officer/logout")
    _login(client, "gx")
    assert len(_numbers(client)) == 5


def test_others_cannot_see_the_officer_ledger(client, ledger):
    for path in (
        "/officer/ledger/",
        "/officer/ledger/export.csv",
        "/officer/ledger/clearing",
        "/officer/ledger/new",
    ):
        assert client.get(path).status_code == 302
    _login(client, "hongda", "enterprise")
    for path in (
        "/officer/ledger/",
        "/officer/ledger/export.csv",
        "/officer/ledger/clearing",
        "/officer/ledger/new",
    ):
        assert client.get(path).status_code == 403


def test_filters_and_counts(client, ledger):
    _login(client, "gx")
    assert _counts(client) == {
        "all": "5",
        "open": "3",
        "answered": "1",
        "sent_back": "0",
        "verified": "0",
        "closed": "1",
        "overdue": "1",
    }
    assert _titles(client, "?overdue=1") == {"废水排放口标志牌缺失"}
    assert len(_numbers(client, "?source=monitoring")) == 1
    assert len(_numbers(client, "?state=closed")) == 1
    assert len(_numbers(client, "?area=450200")) == 1  # Liuzhou city
    assert len(_numbers(client, "?area=450126")) == 4  # Binyang county
    assert len(_numbers(client, "?industry=1340")) == 4  # 制糖业
    assert _numbers(client, "?industry=9999") == []
    assert len(_numbers(client, "?source=inspection&area=450100&state=open")) == 2
    assert _counts(client, "?area=450200")["all"] == "1"
    assert len(_numbers(client, "?state=nonsense&source=rumour")) == 5  # unknown values: ignored


def test_the_csv_has_every_row_no_formula_and_no_internal_note(client, app, ledger):
    with app.app_context():
        item = db.session.scalar(select(LedgerItem).where(LedgerItem.source_ref == "b-open"))
        item.detail = "内部：不公开的说明"
        db.session.commit()
    _login(client, "nanning")
    response = client.get("/officer/ledger/export.csv?area=450100")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "不公开的说明" not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "问题编号" and len(rows) == 5
    titles = {r[7] for r in rows[1:]}
    assert '\'=HYPERLINK("x")' in titles
    overdue = {r[0]: r[12] for r in rows[1:]}
    assert sorted(overdue.values()) == ["否", "否", "否", "是"]


def test_the_clearing_view_per_city_and_month(client, ledger):
    _login(client, "gx")
    page = BeautifulSoup(
        client.get("/officer/ledger/clearing").get_data(as_text=True), "html.parser"
    )
    cities = {
        row["data-city"]: [row.select_one(c).get_text() for c in (".open", ".overdue", ".closed")]
        for row in page.select("tr[data-city]")
    }
    assert cities == {"450100": ["3", "1", "1"], "450200": ["1", "0", "0"]}
    months = {row["data-month"]: row for row in page.select("tr[data-month]")}
    assert len(months) == 12
    this = months[DAY.strftime("%Y-%m")]
    assert (
        this.select_one(".found").get_text() == "4" and this.select_one(".closed").get_text() == "1"
    )
    assert months[f"{DAY.year}-03"].select_one(".found").get_text() == "1"


def _new(client, **fields):
    data = {
        "submission_key": "k-1",
        "unit": BINYANG,
        "outlet": "DW001",
        "title": "台账记录不全",
        "action": "补齐 2026 年运行台账",
        "due_on": LATER.isoformat(),
        "detail": "质量检查发现",
    }
    data.update(fields)
    return client.post("/officer/ledger/new", data=data)


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LedgerItem)) or 0


def test_an_officer_enters_an_item_by_hand_once(client, app):
    _login(client, "binyang")
    form = BeautifulSoup(client.get("/officer/ledger/new").get_data(as_text=True), "html.parser")
    assert form.select_one("input[name=submission_key]")["value"]
    first = _new(client)
    assert first.status_code == 302
    assert _new(client).status_code == 302  # the same form sent again: the same item
    assert _count(app) == 1
    with app.app_context():
        item = db.session.scalar(select(LedgerItem))
        assert (item.source, item.body_id, item.detail) == ("officer", "nn-binyang", "质量检查发现")
        assert item.created_by.login == "binyang"


@pytest.mark.parametrize(
    "login, fields, words",
    [
        ("binyang", {"unit": "91450000XXXXXXXXXX001P"}, "目录中没有排污单位"),
        ("binyang", {"due_on": (DAY - dt.timedelta(days=1)).isoformat()}, "已经过去"),
        ("binyang", {"unit": LIUCHENG, "outlet": ""}, "管辖范围"),
        ("binyang", {"title": ""}, "请填写发现的问题"),
        ("binyang", {"due_on": "明天"}, "请改正"),
        ("liucheng", {}, "管辖范围"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(client, app, login, fields, words):
    _login(client, login)
    response = _new(client, **fields)
    assert response.status_code == 422
    assert words in response.get_data(as_text=True)
    assert _count(app) == 0


@pytest.mark.parametrize(
    ("login", "shown"),
    [("binyang", 4), ("nanning", 4), ("gx", 4), ("liucheng", 0)],  # another body sees none
)
def test_the_scan_view_of_a_unit_lists_its_ledger_items(client, ledger, login, shown):
    _login(client, login)
    page = BeautifulSoup(
        client.get(f"/officer/unit/{BINYANG}").get_data(as_text=True), "html.parser"
    )
    section = page.select_one("section.unit-ledger")
    links = section.select("li a")
    assert len(links) == shown
    assert all(a["href"].startswith("/officer/ledger/item/") for a in links)
    if shown:
        assert "已超期" in section.get_text()  # the March item is past its deadline
        assert section.select_one(f'a[href="/officer/ledger/?unit={BINYANG}"]') is not None
    else:
        assert "没有该单位的问题" in section.get_text()
