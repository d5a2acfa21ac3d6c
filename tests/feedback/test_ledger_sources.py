"""Where ledger items come from: reports ordering rectification, content's open orders,
permits expired or expiring; the commands that open them."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from feedback.cli import feedback_group
from feedback.extensions import db
from feedback.ledger.imports import (
    EXPIRED_DAYS,
    EXPIRING_DAYS,
    import_permits,
    import_rectifications,
    permit_problem,
)
from feedback.ledger.models import LedgerItem
from generator import clock
from generator.content.enums import EXPIRING_DAYS as LAW_DAYS
from tests.feedback.conftest import BINYANG, LIUCHENG, get_report
from tests.feedback.test_officer import act

DAY = dt.date(2026, 6, 15)
YUZHOU = "91450902MA5K8T4H2R001P"
#: A day after every order of the fixture content was issued.
AFTER = dt.date(2026, 12, 1)


def _items(app) -> list[LedgerItem]:
    with app.app_context():
        found = list(db.session.scalars(select(LedgerItem).order_by(LedgerItem.id)))
        for item in found:
            db.session.expunge(item)
        return found


def _conclude(client, officer, app, number, finding="substantiated"):
    from feedback.auth import find_account

    officer.login("binyang")
    with app.app_context():
        officer_id = find_account("binyang").id
    act(client, number, "accept", text="")
    act(client, number, "assign", officer=officer_id)
    act(client, number, "investigate")
    act(
        client,
        number,
        "conclude",
        finding=finding,
        action_taken="现场查见雨水口排出废水",
        text="属实",
    )


def test_a_rectification_order_opens_one_report_item_in_the_officers_words(
    client, officer, app, make_report
):
    with clock.travel(DAY):
        number, _ = make_report(description="张三看见偷排，电话 13912345678", reporter_name="张三")
        _conclude(client, officer, app, number)
        due = (DAY + dt.timedelta(days=20)).isoformat()
        act(
            client,
            number,
            "order_rectification",
            requirement="封堵雨水口暗管，联系张三 13912345678",
            due=due,
        )
    [item] = _items(app)
    report = get_report(app, number)
    assert (item.source, item.source_ref) == ("report", f"{report.id}:0")
    assert item.title == "群众举报的废水问题经查属实：现场查见雨水口排出废水"
    assert "13912345678" not in item.action and "张三" not in item.action
    assert item.due_on == DAY + dt.timedelta(days=20) and item.body_id == report.body_id
    assert report.tracking_number not in item.number


def test_a_rectification_order_with_a_past_deadline_is_refused_whole(
    client, officer, app, make_report
):
    with clock.travel(DAY):
        number, _ = make_report()
        _conclude(client, officer, app, number)
        past = (DAY - dt.timedelta(days=1)).isoformat()
        response = act(client, number, "order_rectification", requirement="整改", due=past)
    assert response.status_code == 422 and "已经过去" in response.get_data(as_text=True)
    assert get_report(app, number).state == "concluded"
    assert _items(app) == []


def test_content_orders_are_imported_once_with_their_own_dates(app):
    with app.app_context():
        directory = app.extensions["yimatong_directory"]
        first = import_rectifications(directory, AFTER)
        db.session.commit()
        again = import_rectifications(directory, AFTER)
        db.session.commit()
    assert first.refused == [] and again.opened == [] and again.existing == first.opened
    items = {i.unit_code: i for i in _items(app)}
    yuzhou = items[YUZHOU]
    assert (yuzhou.source, yuzhou.found_on, yuzhou.due_on) == (
        "inspection",
        dt.date(2026, 5, 6),
        dt.date(2026, 6, 30),
    )
    assert yuzhou.body_id == "yl-yuzhou" and yuzhou.action == "拆除暗管，停产整治"


def test_an_order_issued_after_the_judging_day_is_reported_and_the_others_opened(app):
    with app.app_context():
        outcome = import_rectifications(app.extensions["yimatong_directory"], dt.date(2026, 5, 1))
    assert any(YUZHOU in p and "晚于今天" in p for p in outcome.refused)


@pytest.mark.parametrize(
    "today, expected",
    [
        (dt.date(2026, 6, 15), set()),
        (dt.date(2026, 11, 1), {LIUCHENG}),  # 60 days before 2026-12-31
        (dt.date(2026, 10, 31), set()),  # 61 days before
        (dt.date(2027, 1, 5), {LIUCHENG}),  # expired
        (dt.date(2028, 11, 1), {LIUCHENG, BINYANG}),
    ],
)
def test_permit_items_as_of_a_given_day(app, today, expected):
    with app.app_context():
        outcome = import_permits(app.extensions["yimatong_directory"], today)
        db.session.commit()
    assert outcome.refused == []
    assert {i.unit_code for i in _items(app)} == expected
    assert all(i.source == "permit" and i.found_on == today for i in _items(app))


def test_permit_deadlines_and_the_law_s_sixty_days():
    assert EXPIRING_DAYS == LAW_DAYS == 60
    end = dt.date(2026, 12, 31)
    assert permit_problem(end, end - dt.timedelta(days=61)) is None
    title, due = permit_problem(end, end - dt.timedelta(days=60))
    assert due == end and "还有 60 天" in title
    title, due = permit_problem(end, end + dt.timedelta(days=1))
    assert due == end + dt.timedelta(days=1 + EXPIRED_DAYS) and "已于 2026-12-31 到期" in title


@pytest.fixture
def runner(tmp_path, monkeypatch, fixture_directory) -> CliRunner:
    """A CLI runner on a fresh instance folder and the fixture directory."""
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", fixture_directory)
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    runner = CliRunner()
    assert runner.invoke(feedback_group, ["init-db"]).exit_code == 0
    return runner


def _count(tmp_path) -> int:
    import sqlite3

    with sqlite3.connect(tmp_path / "instance" / "feedback.sqlite3") as conn:
        return conn.execute("select count(*) from ledger_item").fetchone()[0]


def test_the_permit_command_is_idempotent_and_takes_a_day(runner, tmp_path):
    first = runner.invoke(feedback_group, ["ledger", "permits", "--today", "2027-01-05"])
    assert first.exit_code == 0, first.output
    assert "新登记 1 项" in first.output
    again = runner.invoke(feedback_group, ["ledger", "permits", "--today", "2027-01-05"])
    assert "新登记 0 项，已在台账 1 项" in again.output
    assert _count(tmp_path) == 1
    bad = runner.invoke(feedback_group, ["ledger", "permits", "--today", "2027-02-30"])
    assert bad.exit_code != 0 and "应为日期" in bad.output


def test_the_import_command_reports_refused_records(runner, tmp_path):
    result = runner.invoke(
        feedback_group, ["ledger", "import-rectifications", "--today", "2026-05-01"]
    )
    assert result.exit_code != 0 and "没有登记" in result.output
    assert _count(tmp_path) == 0  # every order of the fixture was issued after that day
    part = runner.invoke(
        feedback_group, ["ledger", "import-rectifications", "--today", "2026-07-01"]
    )
    assert part.exit_code != 0 and "ZG-2026-0107" in part.output
    assert _count(tmp_path) == 1  # Yuzhou's order opened all the same; Binyang's came later
    done = runner.invoke(
        feedback_group, ["ledger", "import-rectifications", "--today", "2026-12-01"]
    )
    assert done.exit_code == 0 and "新登记 1 项，已在台账 1 项" in done.output


def _respond(client, officer, number: str, text: str) -> None:
    import io

    from tests.feedback.conftest import png_bytes

    officer.login("hongda", kind="enterprise")
    data = {"text": text, "files": (io.BytesIO(png_bytes()), "整改.png")}
    response = client.post(
        f"/enterprise/case/{number}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    officer.logout("enterprise")


def test_the_report_item_follows_the_case_answered_and_verified_once(
    client, officer, app, make_report
):
    with clock.travel(DAY):
        number, _ = make_report()
        _conclude(client, officer, app, number)
        due = (DAY + dt.timedelta(days=20)).isoformat()
        act(client, number, "order_rectification", requirement="封堵暗管", due=due)
        officer.logout()
        [item] = _items(app)
        _respond(client, officer, number, "已封堵。")
        assert _items(app)[0].state == "answered"
        officer.login("hongda", kind="enterprise")
        page = client.get(f"/enterprise/ledger/{item.number}").get_data(as_text=True)
        assert number in page and "ledger-answer" not in page
        refused = client.post(f"/enterprise/ledger/{item.number}", data={"text": "再答一次"})
        assert refused.status_code == 422 and "案件页面" in refused.get_data(as_text=True)
        officer.logout("enterprise")
        officer.login("binyang")
        assert (
            act(client, number, "verify", decision="send_back", text="照片不清").status_code == 302
        )
        assert _items(app)[0].state == "sent_back"
        ledger_post = client.post(
            f"/officer/ledger/item/{item.number}/review", data={"review-decision": "verify"}
        )
        assert ledger_post.status_code == 422 and _items(app)[0].state == "sent_back"
        officer.logout()
        _respond(client, officer, number, "补充了照片。")
        officer.login("binyang")
        act(client, number, "verify", decision="verify", text="")
        act(client, number, "close", text="")
    [done] = _items(app)
    assert (done.state, done.closed_on) == ("closed", DAY)
    with app.app_context():
        from feedback.ledger.models import LedgerEvent, LedgerEvidence

        kinds = [e.kind for e in db.session.scalars(select(LedgerEvent).order_by(LedgerEvent.id))]
        assert kinds == ["open", "answer", "send_back", "answer", "verify", "close"]
        assert db.session.scalar(select(func.count()).select_from(LedgerEvidence)) == 2


def _renewed(app, code: str, until: dt.date):
    """The app's directory with the permit of ``code`` now valid until ``until``."""
    import dataclasses

    from feedback.directory import Directory

    directory = app.extensions["yimatong_directory"]
    unit = dataclasses.replace(directory.units[code], valid_until=until)
    return Directory(
        {**directory.units, code: unit},
        directory.bodies,
        directory.divisions,
        directory.province,
        directory.site_id,
    )


def test_a_permit_item_closes_itself_when_the_permit_is_renewed(app):
    opened_on = dt.date(2027, 1, 5)  # Liucheng's permit expired on 2026-12-31
    with app.app_context():
        import_permits(app.extensions["yimatong_directory"], opened_on)
        db.session.commit()
        [item] = _items(app)
        assert item.state == "open"
        renewal_seen = dt.date(2027, 1, 20)
        renewed = _renewed(app, LIUCHENG, dt.date(2031, 12, 30))
        outcome = import_permits(renewed, renewal_seen)
        db.session.commit()
        assert outcome.closed == [item.number] and outcome.opened == []
        closed = db.session.get(LedgerItem, item.id)
        assert closed.state == "closed" and closed.closed_on == renewal_seen
        last = closed.events[-1]
        assert (last.kind, last.actor_kind, last.actor_id) == ("renewed", "system", None)
        assert (last.state_before, last.state_after) == ("open", "closed")
        assert "已延续" in last.text and "2031-12-30" in last.text and "2027-01-20" in last.text
        again = import_permits(renewed, renewal_seen)
        assert again.closed == [] and again.opened == []


@pytest.mark.parametrize("until", [dt.date(2027, 3, 21), dt.date(2026, 12, 31)])
def test_a_permit_renewed_only_into_the_window_leaves_the_item_open(app, until):
    """Renewed to a day still within 60 days (or not renewed): the item stays open."""
    with app.app_context():
        import_permits(app.extensions["yimatong_directory"], dt.date(2027, 1, 5))
        db.session.commit()
        outcome = import_permits(_renewed(app, LIUCHENG, until), dt.date(2027, 1, 20))
        db.session.commit()
        assert outcome.closed == []
        assert {i.state for i in _items(app) if i.unit_code == LIUCHENG} == {"open"}


def test_the_permit_command_says_which_items_it_closed(runner, tmp_path, monkeypatch):
    import dataclasses
    import os

    from generator.directory.records import read, write

    runner.invoke(feedback_group, ["ledger", "permits", "--today", "2027-01-05"])
    data = read(os.environ["YIMATONG_DIRECTORY_FILE"])
    units = tuple(
        dataclasses.replace(u, valid_until=dt.date(2031, 12, 30)) if u.code == LIUCHENG else u
        for u in data.units
    )
    renewed = tmp_path / "renewed.jsonl"
    write(renewed, dataclasses.replace(data, units=units))
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", str(renewed))
    result = runner.invoke(feedback_group, ["ledger", "permits", "--today", "2027-01-20"])
    assert result.exit_code == 0, result.output
    assert "自动销号 1 项" in result.output
    import sqlite3

    with sqlite3.connect(tmp_path / "instance" / "feedback.sqlite3") as conn:
        rows = conn.execute("select state, closed_on from ledger_item").fetchall()
    assert rows == [("closed", "2027-01-20")]


def test_the_renewal_closing_shows_in_the_trail_of_the_officer_and_the_enterprise(
    app, client, officer
):
    from bs4 import BeautifulSoup

    with app.app_context():
        import_permits(app.extensions["yimatong_directory"], dt.date(2027, 1, 5))
        db.session.commit()
        import_permits(_renewed(app, LIUCHENG, dt.date(2031, 12, 30)), dt.date(2027, 1, 20))
        db.session.commit()
    [item] = _items(app)
    for login, kind, path in (
        ("liucheng", "officer", f"/officer/ledger/item/{item.number}"),
        ("yongfeng", "enterprise", f"/enterprise/ledger/{item.number}"),
    ):
        officer.login(login, kind=kind)
        with clock.travel(dt.date(2027, 1, 20)):
            page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        assert page.select_one("h1 .state").get_text() == "已销号"
        last = page.select("ol.ledger-trail li")[-1].get_text()
        assert "已延续" in last and "2031-12-30" in last
        officer.logout(kind=kind)
