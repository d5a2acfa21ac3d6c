"""Before filing, a unit's form lists the open cases about it, so a citizen can follow one."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from generator import clock
from tests.feedback.conftest import BINYANG, LIUCHENG, report_data
from tests.feedback.test_officer import act

DAY = dt.date(2026, 7, 14)


def _section(client, url: str):
    return BeautifulSoup(client.get(url).data, "html.parser").select_one("section.open-cases")


def _file(make_report, count: int, unit: str = BINYANG, **kw) -> list[str]:
    numbers = []
    for i in range(count):
        with clock.travel(dt.datetime(2026, 7, 1 + i, 9, tzinfo=clock.CHINA)):
            numbers.append(make_report(unit, **kw)[0])
    return numbers


def test_no_open_case_no_list(client, make_report):
    _file(make_report, 2, unit=LIUCHENG)  # about another unit
    assert _section(client, f"/report/{BINYANG}") is None
    assert _section(client, "/report") is None  # a free place has no unit to match


@pytest.mark.parametrize("count", [1, 5, 7])
def test_open_cases_are_listed_newest_first_with_only_public_facts(client, make_report, count):
    numbers = _file(
        make_report,
        count,
        reporter_name="周九",
        reporter_phone="13711112222",
        description="夜里偷排，周九看见了。",
    )
    section = _section(client, f"/report/{BINYANG}")
    assert f"有 {count} 件举报正在办理" in section.h2.text
    links = [a.text for a in section.select("li a")]
    assert links == list(reversed(numbers))[:5]
    assert all(a["href"].endswith(a.text) for a in section.select("li a"))
    assert ("以上是最近 5 件" in section.text) == (count > 5)
    first = section.select_one("li").text
    assert "废水" in first and "已收到" in first
    text = section.text
    assert "周九" not in text and "13711112222" not in text and "偷排" not in text


def test_closed_and_refused_cases_are_not_offered(client, officer, make_report):
    refused, kept = _file(make_report, 2)
    officer.login("binyang")
    act(client, refused, "not_accept", text="不属于生态环境部门职责范围。")
    officer.logout()
    section = _section(client, f"/report/{BINYANG}")
    assert [a.text for a in section.select("li a")] == [kept]
    assert "有 1 件" in section.h2.text


def test_the_list_stays_when_the_form_comes_back_with_errors(client, make_report):
    (number,) = _file(make_report, 1)
    response = client.post(f"/report/{BINYANG}", data=report_data(description="短"))
    page = BeautifulSoup(response.data, "html.parser")
    assert response.status_code == 422
    assert [a.text for a in page.select("section.open-cases li a")] == [number]
