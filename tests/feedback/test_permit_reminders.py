"""Monthly permit reminders: each body's officers get their area's units whose permits expire
within 60 days or have expired, each such enterprise a reminder with its renewal deadline;
delivered through the outbox to a real SMTP server on loopback; once a month."""

from __future__ import annotations

import dataclasses
import datetime as dt
from email.header import decode_header, make_header

import pytest
from click.testing import CliRunner

from feedback.cli import feedback_group
from feedback.extensions import db
from feedback.mail import send_pending
from feedback.models import Account, OutboxMail
from feedback.reminders import PermitReminder, due_units, remind_permits
from generator.directory.records import UnitEntry, read, write

from .test_mail_storage_csrf import Inbox, _free_port

DAY = dt.date(2027, 3, 15)
EXPIRING = "91450126MA5L3K0001Q001P"  # 2027-04-30: renew by 2027-03-01
EXPIRED = "91450126MA5L3K0002Q001P"  # 2027-02-01
LATER = "91450126MA5L3K0003Q001P"  # 2027-06-30: not yet
REGISTERED = "91450126MA5L3K0004Q001P"  # no permit
LIUCHENG_DUE = "91450222MA5N7P0005Q001P"  # 2027-05-14, exactly 60 days


@pytest.fixture(scope="module")
def permit_directory(tmp_path_factory, fixture_directory) -> str:
    """The fixture bodies with units whose permits end around DAY (the fixture's own units
    get no permit end, so only these are due)."""
    data = read(fixture_directory)

    def unit(code, county, until):
        return UnitEntry(
            code, f"单位{code[-6:-4]}", county, county[:4] + "00", (), valid_until=until
        )

    units = (
        unit(EXPIRING, "450126", dt.date(2027, 4, 30)),
        unit(EXPIRED, "450126", dt.date(2027, 2, 1)),
        unit(LATER, "450126", dt.date(2027, 6, 30)),
        unit(REGISTERED, "450126", None),
        unit(LIUCHENG_DUE, "450222", dt.date(2027, 5, 14)),
    )
    path = tmp_path_factory.mktemp("permit-directory") / "directory.jsonl"
    write(path, dataclasses.replace(data, units=units))
    return str(path)


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def rapp(make_app, password_hash, permit_directory, smtp):
    controller, _ = smtp
    app = make_app(
        DIRECTORY_FILE=permit_directory,
        MAIL_ENABLED=True,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
    )
    people = [
        ("binyang", "officer", {"body_id": "nn-binyang", "email": "by@hb.example.gov.cn"}),
        (
            "binyang-boss",
            "supervisor",
            {"body_id": "nn-binyang", "email": "boss@hb.example.gov.cn"},
        ),
        ("nanning", "officer", {"body_id": "nn", "email": "nn-o@hb.example.gov.cn"}),
        ("liucheng", "officer", {"body_id": "lz-liucheng"}),  # no address: the body's
        ("e-expiring", "enterprise", {"unit_code": EXPIRING, "email": "exp@corp.example.com"}),
        ("e-expired", "enterprise", {"unit_code": EXPIRED, "email": "old@corp.example.com"}),
        ("e-later", "enterprise", {"unit_code": LATER, "email": "later@corp.example.com"}),
        ("e-liucheng", "enterprise", {"unit_code": LIUCHENG_DUE}),  # no address
    ]
    with app.app_context():
        for login, role, extra in people:
            db.session.add(Account(login=login, password_hash=password_hash, role=role, **extra))
        db.session.commit()
    return app


def _run(app, monkeypatch, day: str):
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", app.config["DIRECTORY_FILE"])
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "cli-secret")
    result = CliRunner().invoke(feedback_group, ["reminders", "permits", "--on", day])
    assert result.exit_code == 0, result.output
    return result.output


def _delivered(app, inbox) -> dict[str, list[tuple[str, str]]]:
    with app.app_context():
        send_pending()
    found: dict[str, list[tuple[str, str]]] = {}
    for message in inbox.messages:
        subject = str(make_header(decode_header(message["Subject"])))
        body = message.get_payload(decode=True).decode("utf-8")
        found.setdefault(message["To"], []).append((subject, body))
    return found


def test_due_units_are_those_ending_within_60_days_or_ended():
    from feedback.directory import Directory

    units = {
        c: UnitEntry(c, c, "450126", "450100", (), valid_until=d)
        for c, d in [
            ("A", DAY + dt.timedelta(days=60)),
            ("B", DAY + dt.timedelta(days=61)),
            ("C", DAY - dt.timedelta(days=400)),
            ("D", None),
            ("E", DAY),
        ]
    }
    assert [u.code for u in due_units(Directory(units), DAY)] == ["C", "E", "A"]


def test_officers_and_enterprises_get_their_reminders_through_smtp(rapp, smtp, monkeypatch):
    _, inbox = smtp
    output = _run(rapp, monkeypatch, DAY.isoformat())
    mail = _delivered(rapp, inbox)
    officers = mail["by@hb.example.gov.cn"]
    assert mail["boss@hb.example.gov.cn"] == officers
    ((subject, body),) = officers
    assert "2 个单位" in subject
    assert EXPIRING in body and "2027-03-01 前申请延续" in body
    assert EXPIRED in body and "已于 2027-02-01 到期，未延续" in body
    assert LATER not in body and REGISTERED not in body and LIUCHENG_DUE not in body
    assert "nn-o@hb.example.gov.cn" in mail  # the city body above covers its counties
    assert LIUCHENG_DUE in mail["lz-liucheng@hb.example.gov.cn"][0][1]  # no officer address
    assert len(mail["sthjt@hb.example.gov.cn"][0][1].splitlines()) == 4 + 3  # the province
    ((subject, body),) = mail["exp@corp.example.com"]
    assert "2027-03-01 前申请延续" in subject and "排污许可管理条例第十四条" in body
    assert "已过期" in mail["old@corp.example.com"][0][0]
    assert "later@corp.example.com" not in mail
    assert "2 家企业" in output


def test_a_second_run_in_the_month_sends_nothing_new_the_next_month_does(rapp, smtp, monkeypatch):
    _, inbox = smtp
    _run(rapp, monkeypatch, DAY.isoformat())
    with rapp.app_context():
        first = db.session.query(OutboxMail).count()
        kept = db.session.query(PermitReminder).count()
    again = _run(rapp, monkeypatch, (DAY + dt.timedelta(days=10)).isoformat())
    assert "已排入 0 封" in again
    with rapp.app_context():
        assert db.session.query(OutboxMail).count() == first
        assert db.session.query(PermitReminder).count() == kept
    later = _run(rapp, monkeypatch, "2027-04-01")
    assert "已排入 0 封" not in later
    with rapp.app_context():
        assert db.session.query(OutboxMail).count() > first


def test_a_bad_day_is_refused_plainly(rapp, monkeypatch):
    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", rapp.instance_path)
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", rapp.config["DIRECTORY_FILE"])
    result = CliRunner().invoke(feedback_group, ["reminders", "permits", "--on", "2027/03/15"])
    assert result.exit_code == 2 and "不是 YYYY-MM-DD 格式的日期" in result.output
    with rapp.app_context():
        assert db.session.query(OutboxMail).count() == 0


def test_the_service_call_queues_in_the_callers_transaction(rapp):
    with rapp.app_context():
        sent = remind_permits(rapp.extensions["yimatong_directory"], DAY)
        assert sent.mails > 0
        db.session.rollback()
        assert db.session.query(OutboxMail).count() == 0
        assert db.session.query(PermitReminder).count() == 0
