"""The service on chosen days (generator.clock.travel): numbers, deadlines, the date checks
and the queue's marks follow China's date, at year ends, on 29 February and near midnight."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from generator import clock
from tests.feedback.conftest import BINYANG, get_report, report_data

CHINA = clock.CHINA
#: Moments in China time; each test runs at every one of them.
MOMENTS = [
    dt.datetime(2027, 1, 2, 10, 0, tzinfo=CHINA),
    dt.datetime(2027, 3, 12, 10, 0, tzinfo=CHINA),
    dt.datetime(2028, 2, 29, 10, 0, tzinfo=CHINA),
    dt.datetime(2026, 12, 31, 23, 58, tzinfo=CHINA),  # 15:58 UTC: still the 31st in China
    dt.datetime(2027, 1, 1, 0, 5, tzinfo=CHINA),  # 16:05 UTC on the 31st
]


@pytest.fixture(params=MOMENTS, ids=lambda m: m.strftime("%Y-%m-%dT%H:%M"))
def day(request):
    """Run the test at one of MOMENTS; the China date."""
    with clock.travel(request.param):
        yield request.param.date()


def _receipt(client, **data):
    response = client.post(f"/report/{BINYANG}", data=report_data(**data))
    return response, BeautifulSoup(response.data, "html.parser")


def test_report_of_the_day_gets_its_number_and_deadlines(client, app, day):
    response, page = _receipt(client, seen_on=day.isoformat())
    assert response.status_code == 200
    number = page.select_one(".tracking-number").text.strip()
    report = get_report(app, number)
    assert number == f"GX{day:%Y%m%d}00001"
    assert clock.china_today(report.received_at) == day
    assert report.accept_due == day + dt.timedelta(days=app.config["ACCEPT_DAYS"])
    public = BeautifulSoup(client.get(f"/case/{number}").data, "html.parser")
    received = public.find("dt", string="收到日期").find_next_sibling("dd").text
    assert received == day.isoformat()


@pytest.mark.parametrize(("ahead", "accepted"), [(0, True), (1, True), (2, False), (-400, True)])
def test_seen_on_may_not_be_after_today(client, day, ahead, accepted):
    seen = day + dt.timedelta(days=ahead)
    response, page = _receipt(client, seen_on=seen.isoformat())
    errors = [e.text for e in page.select(".field-error .error-message")]
    assert (response.status_code == 200) is accepted
    assert ("发现日期不能晚于今天。" in errors) is not accepted


def test_queue_marks_follow_the_day(client, officer, make_report, day):
    late, _ = make_report(accept_due=day - dt.timedelta(days=1))
    today, _ = make_report(accept_due=day)
    soon, _ = make_report(accept_due=day + dt.timedelta(days=2))
    fine, _ = make_report(accept_due=day + dt.timedelta(days=14))
    officer.login("binyang")
    page = BeautifulSoup(client.get("/officer/").data, "html.parser")
    rows = {
        r.select_one("a").text: r.get("class") or [] for r in page.select("table.queue tbody tr")
    }
    assert rows[late] == ["overdue"] and rows[today] == ["due_soon"]
    assert rows[soon] == ["due_soon"] and rows[fine] == []


def test_reward_form_offers_the_day_as_decision_date(client, officer, make_report, app, day):
    from tests.feedback.test_officer import conclude_substantiated

    number, _ = make_report()
    officer.login("binyang")
    conclude_substantiated(client, app, number)
    page = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    field = page.select_one("input[name=reward-decided_on]")
    assert field is not None and field["value"] == day.isoformat()
