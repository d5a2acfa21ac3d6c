"""The monthly enforcement report: inspections, problems by item, ledger closed and overdue,
reports and their handling on time, as a page, CSV and PDF; refusals and authorisation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pymupdf
import pytest
from bs4 import BeautifulSoup

from generator import clock
from tests.feedback.conftest import BINYANG, LIUCHENG
from tests.feedback.inspection_helpers import started, valid_post

MAY = dt.datetime(2026, 5, 20, 12, 0)
JUNE = dt.datetime(2026, 6, 10, 12, 0)
REPORT_DAY = dt.datetime(2026, 7, 2, 12, 0)


def _inspect(client, day: dt.datetime, **overrides) -> None:
    start = f"{day:%Y-%m-%d}T09:00"
    post = valid_post(started_at=start, ended_at=f"{day:%Y-%m-%d}T10:00", **overrides)
    number = started(client, BINYANG)
    assert client.post(f"/officer/inspection/{number}", data=post).status_code == 303


@pytest.fixture
def month_of_work(client, officer, make_report):
    """May: one inspection (a problem due 05-30); June: two inspections and three reports."""
    officer.login("binyang")
    with clock.travel(MAY):
        _inspect(client, MAY, **{"destination-due": "2026-05-30"})
    with clock.travel(JUNE):
        _inspect(client, JUNE)  # destination: deadline 06-25
        _inspect(
            client,
            JUNE,
            **{
                "destination-resolution": "on_the_spot",
                "destination-evidence": "当场拆除软管。",
                "records-answer": "problem",
                "records-notes": "台账缺 5 月记录。",
                "records-resolution": "deadline",
                "records-action": "补记台账。",
                "records-due": "2026-07-31",
            },
        )
        concluded = clock.utcnow()
        make_report(
            concluded_at=concluded, concluded_on_time=True, penalty_number="宾环罚〔2026〕3号"
        )
        make_report(concluded_at=concluded, concluded_on_time=False)
        make_report()
        make_report(LIUCHENG)  # another body's
    return client


def _figures(response) -> dict[tuple[str, str], int]:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    found = {}
    for row in page.select("table.monthly tbody tr"):
        section, what, n = (td.get_text(strip=True) for td in row.select("td"))
        found[(section, what)] = int(n)
    return found


def test_the_months_figures(month_of_work):
    with clock.travel(REPORT_DAY):
        response = month_of_work.get("/officer/monthly/2026-06")
    assert response.status_code == 200
    figures = _figures(response)
    assert figures[("现场检查", "检查次数")] == 2
    assert figures[("现场检查", "检查单位数")] == 1
    assert figures[("现场检查", "发现问题")] == 3
    assert figures[("发现问题（按检查项）", "污染物排放去向")] == 2
    assert figures[("发现问题（按检查项）", "污染物排放去向：立整立改")] == 1
    assert figures[("发现问题（按检查项）", "环境管理台账：限期整改")] == 1
    assert figures[("问题台账", "本月发现（全部来源）")] == 3 + 0  # the reports ordered nothing
    assert figures[("问题台账", "本月销号")] == 1  # fixed on the spot
    assert figures[("问题台账", "月末超期未销号")] == 2  # May's (due 05-30) and June's (06-25)
    assert figures[("群众举报", "收到")] == 3
    assert figures[("群众举报", "办结")] == 2
    assert figures[("群众举报", "按期办结")] == 1
    assert figures[("群众举报", "作出处罚决定")] == 1
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.select_one("p.hint time")["datetime"] == "2026-07-03"


def test_may_counts_only_may(month_of_work):
    with clock.travel(REPORT_DAY):
        figures = _figures(month_of_work.get("/officer/monthly/2026-05"))
    assert figures[("现场检查", "检查次数")] == 1
    assert figures[("问题台账", "月末超期未销号")] == 1
    assert figures[("群众举报", "收到")] == 0


def test_csv_and_pdf_hold_the_same_figures(month_of_work):
    with clock.travel(REPORT_DAY):
        page = _figures(month_of_work.get("/officer/monthly/2026-06"))
        sheet = month_of_work.get("/officer/monthly/2026-06.csv")
        printed = month_of_work.get("/officer/monthly/2026-06.pdf")
    assert sheet.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["类别", "项目", "数值"]
    assert rows[1:4] == [
        ["机构", "南宁市宾阳生态环境局", ""],
        ["月份", "2026-06", ""],
        ["截至", "2026-07-02", ""],
    ]
    assert {(s, w): int(n) for s, w, n in rows[4:]} == page
    assert printed.mimetype == "application/pdf"
    doc = pymupdf.open(stream=printed.data, filetype="pdf")
    text = "".join("".join(p.get_text().split()) for p in doc)
    assert "执法工作月报" in text and "报送期限：2026-07-03" in text
    assert "月末超期未销号2" in text
    for page_ in doc:
        for font in page_.get_fonts(full=True):
            assert doc.extract_font(font[0])[1] != "n/a", font


def test_a_month_under_way_says_so(month_of_work):
    with clock.travel(JUNE):
        response = month_of_work.get("/officer/monthly/2026-06")
    assert "本月尚未结束，数字截至 2026-06-10" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("month", "message"),
    [("2026-13", "月份“2026-13”无效"), ("26-06", "格式如"), ("2026-08", "还没有开始")],
)
def test_a_bad_month_is_refused(client, officer, month, message):
    officer.login("binyang")
    with clock.travel(REPORT_DAY):
        for suffix in ("", ".csv", ".pdf"):
            response = client.get(f"/officer/monthly/{month}{suffix}")
            assert response.status_code == 404
            assert message in response.get_data(as_text=True)


def test_who_sees_which_bodys_report(month_of_work, officer):
    client = month_of_work
    with clock.travel(REPORT_DAY):
        assert (
            client.get("/officer/monthly/").headers["Location"].endswith("/officer/monthly/2026-06")
        )
        refused = client.get("/officer/monthly/2026-06?body=lz-liucheng")
        assert refused.status_code == 403 and "不在您所在机构的管辖范围内" in refused.get_data(
            as_text=True
        )
        officer.logout()
        officer.login("nanning")  # the city body sees its county's month, and its own total
        child = _figures(client.get("/officer/monthly/2026-06?body=nn-binyang"))
        own = _figures(client.get("/officer/monthly/2026-06"))
        assert child[("现场检查", "检查次数")] == own[("现场检查", "检查次数")] == 2
        officer.logout()
        officer.login("liucheng")
        theirs = _figures(client.get("/officer/monthly/2026-06"))
        assert theirs[("现场检查", "检查次数")] == 0 and theirs[("群众举报", "收到")] == 1


def test_the_monthly_pages_need_an_officer(client, officer):
    paths = ["/officer/monthly/", "/officer/monthly/2026-06", "/officer/monthly/2026-06.csv"]
    for path in paths + ["/officer/monthly/2026-06.pdf"]:
        response = client.get(path)
        assert response.status_code == 302 and "/officer/login" in response.headers["Location"]
    officer.login("hongda", kind="enterprise")
    for path in paths:
        assert client.get(path).status_code == 403
