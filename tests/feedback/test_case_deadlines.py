"""The public case page shows the acceptance and conclusion deadlines and whether they were met."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from feedback.auth import find_account
from generator import clock
from tests.feedback.conftest import get_report
from tests.feedback.test_officer import act

#: A fixed China day: the counted days never depend on the real date.
DAY = dt.date(2026, 2, 27)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=clock.CHINA)


def _shown(client, url: str) -> dict[str, tuple[str, list[str]]]:
    page = BeautifulSoup(client.get(url).data, "html.parser")
    section = page.select_one("section.deadlines")
    assert section is not None, "no deadlines section"
    return {
        dt_.text: (dt_.find_next_sibling("dd").text, dt_.find_next_sibling("dd")["class"])
        for dt_ in section.select("dt")
    }


def _after(days: int) -> dt.datetime:
    return _at(DAY + dt.timedelta(days=days))


def _investigating(client, app, number: str) -> None:
    with app.app_context():
        boss_id = find_account("binyang-boss").id
    act(client, number, "accept", text="")
    act(client, number, "assign", officer=boss_id)
    act(client, number, "investigate")


def _conclude(client, number: str) -> None:
    act(client, number, "conclude", finding="substantiated", action_taken="", text="属实。")


@pytest.mark.parametrize("elapsed", [0, 1, 6])
def test_a_received_case_counts_down_to_its_acceptance_deadline(client, make_report, app, elapsed):
    with clock.travel(_at(DAY)):
        number, token = make_report()
    due = get_report(app, number).accept_due
    with clock.travel(_after(elapsed)):
        for url in (f"/case/{number}", f"/r/{token}"):
            shown = _shown(client, url)
            text, classes = shown["受理期限"]
            left = (due - DAY).days - elapsed
            assert due.isoformat() in text and "deadline-running" in classes
            assert (f"还剩 {left} 天" if left else "今天到期") in text
            assert "受理后开始计算" in shown["办结期限"][0]


@pytest.mark.parametrize("late", [1, 3, 30])
def test_an_unanswered_case_past_its_deadline_says_by_how_many_days(client, make_report, app, late):
    with clock.travel(_at(DAY)):
        number, _ = make_report()
    due = get_report(app, number).accept_due
    with clock.travel(_at(due + dt.timedelta(days=late))):
        text, classes = _shown(client, f"/case/{number}")["受理期限"]
    assert f"已超期 {late} 天" in text and "deadline-overdue" in classes


@pytest.mark.parametrize(
    ("from_due", "hour", "met"),
    # 06:00 in China is still the day before in UTC: the China day decides.
    [(-15, 23, True), (-1, 23, True), (0, 23, True), (1, 6, False), (9, 12, False)],
)
def test_acceptance_is_judged_met_or_missed_on_the_china_day_it_came(
    client, officer, make_report, app, from_due, hour, met
):
    with clock.travel(_at(DAY)):
        number, _ = make_report()
    due = get_report(app, number).accept_due
    with clock.travel(_at(due + dt.timedelta(days=from_due), hour=hour)):
        officer.login("binyang")
        act(client, number, "accept", text="")
        text, classes = _shown(client, f"/case/{number}")["受理期限"]
        conclusion = _shown(client, f"/case/{number}")["办结期限"]
    assert ("按期完成" if met else "超期完成") in text
    assert ("deadline-met" if met else "deadline-missed") in classes
    assert "deadline-running" in conclusion[1]
    assert get_report(app, number).conclude_due.isoformat() in conclusion[0]


@pytest.mark.parametrize("late", [False, True])
def test_the_conclusion_deadline_is_met_or_missed(client, officer, make_report, app, late):
    with clock.travel(_at(DAY)):
        number, token = make_report()
        officer.login("binyang-boss")
        _investigating(client, app, number)
    due = get_report(app, number).conclude_due
    with clock.travel(_at(due + dt.timedelta(days=2 if late else 0), hour=23)):
        _conclude(client, number)
        for url in (f"/case/{number}", f"/r/{token}"):
            text, classes = _shown(client, url)["办结期限"]
            assert ("超期完成" if late else "按期完成") in text
            assert ("deadline-missed" if late else "deadline-met") in classes


def test_a_refused_case_shows_only_the_acceptance_deadline(client, officer, make_report, app):
    with clock.travel(_at(DAY)):
        number, _ = make_report()
        officer.login("binyang")
        act(client, number, "not_accept", text="不属于生态环境部门职责范围。")
        shown = _shown(client, f"/case/{number}")
    assert list(shown) == ["受理期限"]
    assert "按期完成" in shown["受理期限"][0]


def test_a_suspended_case_shows_the_clock_paused(client, officer, make_report, app):
    with clock.travel(_at(DAY)):
        number, _ = make_report()
        officer.login("binyang-boss")
        _investigating(client, app, number)
        act(client, number, "suspend", text="等待检测机构出具监测报告")
    with clock.travel(_after(90)):  # long past the due day: still paused, never overdue
        text, classes = _shown(client, f"/case/{number}")["办结期限"]
    assert "暂停计算" in text and "paused" in classes and "超期" not in text
