"""Suspension (中止办理): the legal clock pauses; resuming returns to the state before."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from feedback.auth import find_account
from feedback.extensions import db
from feedback.models import Report, Update
from feedback.open311.mapping import status_of
from feedback.queue import deadline_mark
from generator import clock
from tests.feedback.conftest import get_report
from tests.feedback.test_officer import act

#: A fixed China day, so the counted pauses never depend on today's date.
DAY = dt.date(2026, 3, 2)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=clock.CHINA)


def _suspend(client, number, reason="等待检测机构出具监测报告"):
    return act(client, number, "suspend", text=reason)


def _history(app, number) -> list[tuple[str, str, str]]:
    with app.app_context():
        report = db.session.query(Report).filter_by(tracking_number=number).one()
        return [(u.action, u.state_before, u.state_after) for u in report.updates]


def _to_investigating(client, officer, app, number):
    with app.app_context():
        boss_id = find_account("binyang-boss").id
    act(client, number, "accept", text="")
    act(client, number, "assign", officer=boss_id)
    act(client, number, "investigate")


@pytest.mark.parametrize("paused_days", [0, 1, 10, 45])
def test_suspended_while_received_moves_the_acceptance_deadline(
    client, officer, make_report, app, paused_days
):
    with clock.travel(_at(DAY)):
        number, _ = make_report()
        accept_due = get_report(app, number).accept_due
        officer.login("binyang-boss")
        assert _suspend(client, number).status_code == 302
        assert get_report(app, number).state == "suspended"
    with clock.travel(_at(DAY + dt.timedelta(days=paused_days), hour=9)):
        assert act(client, number, "resume").status_code == 302
    report = get_report(app, number)
    assert report.state == "received"
    assert report.accept_due == accept_due + dt.timedelta(days=paused_days)
    assert report.conclude_due is None
    assert _history(app, number)[-2:] == [
        ("suspend", "received", "suspended"),
        ("resume", "suspended", "received"),
    ]


def test_suspended_while_investigating_moves_the_conclusion_deadline(
    client, officer, make_report, app
):
    with clock.travel(_at(DAY)):
        number, _ = make_report()
        officer.login("binyang-boss")
        _to_investigating(client, officer, app, number)
        before = get_report(app, number)
        assert _suspend(client, number).status_code == 302
    # Across a month end and at the last minute of the China day (15:59 UTC).
    with clock.travel(dt.datetime(2026, 4, 1, 23, 59, tzinfo=clock.CHINA)):
        assert act(client, number, "resume").status_code == 302
    report = get_report(app, number)
    assert report.state == "investigating"
    assert report.conclude_due == before.conclude_due + dt.timedelta(days=30)
    assert report.accept_due == before.accept_due


def test_every_pause_counts_and_reopened_cases_resume_reopened(client, officer, make_report, app):
    with clock.travel(_at(DAY)):
        number, _ = make_report(state="reopened", conclude_due=DAY + dt.timedelta(days=20))
        officer.login("binyang-boss")
        _suspend(client, number)
    with clock.travel(_at(DAY + dt.timedelta(days=3))):
        act(client, number, "resume")
        _suspend(client, number, "再次等待监测报告")
    with clock.travel(_at(DAY + dt.timedelta(days=8))):
        act(client, number, "resume")
    report = get_report(app, number)
    assert report.state == "reopened"
    assert report.conclude_due == DAY + dt.timedelta(days=20 + 3 + 5)


def test_only_supervisors_suspend_and_resume(client, officer, make_report, app):
    number, _ = make_report()
    officer.login("binyang")
    assert _suspend(client, number).status_code == 403
    page = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    assert page.select_one("#action-suspend") is None
    officer.logout()
    officer.login("binyang-boss")
    page = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    assert page.select_one("#action-suspend button").text == "中止办理"
    assert "button-negative" in page.select_one("#action-suspend button")["class"]
    _suspend(client, number)
    officer.logout()
    officer.login("binyang")
    assert act(client, number, "resume").status_code == 403
    assert get_report(app, number).state == "suspended"
    officer.logout()
    officer.login("liucheng")  # another county's officer
    assert act(client, number, "resume").status_code == 403


def test_suspension_needs_a_reason_and_nothing_changes_without(client, officer, make_report, app):
    number, _ = make_report()
    officer.login("binyang-boss")
    for blank in ("", "   \n"):
        response = _suspend(client, number, blank)
        assert response.status_code == 422
        page = BeautifulSoup(response.data, "html.parser")
        assert page.select_one("#action-suspend .error-message, .error-summary") is not None
    assert get_report(app, number).state == "received"
    assert [a for a, _, _ in _history(app, number)] == ["create"]


def test_while_suspended_no_clock_runs_and_no_handling_action(client, officer, make_report, app):
    with clock.travel(_at(DAY)):
        number, _ = make_report(accept_due=DAY - dt.timedelta(days=1))
        officer.login("binyang-boss")
        with app.app_context():
            report = db.session.query(Report).filter_by(tracking_number=number).one()
            assert deadline_mark(report, DAY) == "overdue"
        _suspend(client, number)
        with app.app_context():
            report = db.session.query(Report).filter_by(tracking_number=number).one()
            assert deadline_mark(report, DAY + dt.timedelta(days=99)) == ""
        overdue = client.get("/officer/?overdue=1").get_data(as_text=True)
        assert number not in overdue
        for action, data in [
            ("accept", {"text": ""}),
            ("transfer", {"body": "nn", "text": "转市局"}),
            ("extend", {"days": "5", "text": "延期"}),
            ("suspend", {"text": "再中止一次"}),
        ]:
            assert act(client, number, action, **data).status_code == 403, action
        assert act(client, number, "note", text="等待报告").status_code == 302
        assert act(client, number, "reply", text="正在等待检测报告。").status_code == 302


def test_public_page_csv_and_open311_show_the_suspension(client, officer, make_report, app):
    number, token = make_report()
    officer.login("binyang-boss")
    _suspend(client, number, "等待司法鉴定结论")
    for url in (f"/case/{number}", f"/r/{token}"):
        page = BeautifulSoup(client.get(url).data, "html.parser")
        state = page.find("dt", string="状态").find_next_sibling("dd")
        assert state.text == "中止办理" and "state-open" in state["class"]
        entries = [li.text for li in page.select(".timeline li")]
        assert any("等待司法鉴定结论" in text for text in entries)
        assert "暂停" in page.select_one("dd.paused").text
    queue = BeautifulSoup(client.get("/officer/").data, "html.parser")
    row = next(tr for tr in queue.select("tr") if number in tr.text)
    assert "期限暂停" in row.text
    case = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    assert case.select_one("h1 .state").text == "中止办理"
    assert case.select_one(".paused") is not None
    rows = client.get("/officer/export.csv").get_data(as_text=True).splitlines()
    assert any(number in row and "中止办理" in row for row in rows)
    assert status_of("suspended") == "open"


def test_resume_without_a_suspension_record_is_refused(client, officer, make_report, app):
    number, _ = make_report(state="suspended")  # set directly: no suspend entry in the history
    officer.login("binyang-boss")
    response = act(client, number, "resume")
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert "找不到中止办理的记录" in page.select_one(".error-summary").text
    assert get_report(app, number).state == "suspended"
    with app.app_context():
        assert db.session.query(Update).filter_by(action="resume").count() == 0
