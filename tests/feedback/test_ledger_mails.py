"""E-mails to the enterprise account about its unit's ledger items (opened, sent back),
delivered through the outbox to a real SMTP server on loopback; a report's item is mailed
by its case only, and no mail carries internal notes or anything of a reporter."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest

from feedback.extensions import db
from feedback.ledger import service
from feedback.mail import send_pending
from feedback.models import Account
from generator import clock

from .ledger_helpers import BINYANG, DAY, account, open_one, png
from .test_mail_storage_csrf import Inbox, _free_port

CORP = "eco@hongda.example.com"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def mapp(make_app, password_hash, smtp):
    _, port = smtp
    app = make_app(MAIL_ENABLED=True, SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    people = [
        ("binyang", "officer", {"body_id": "nn-binyang", "email": "by@hb.example.gov.cn"}),
        ("hongda", "enterprise", {"unit_code": BINYANG, "email": CORP}),
    ]
    with app.app_context():
        for login, role, extra in people:
            db.session.add(Account(login=login, password_hash=password_hash, role=role, **extra))
        db.session.commit()
    return app


def _delivered(app, inbox) -> list[tuple[str, str, str]]:
    with app.app_context():
        send_pending()
    found = []
    for message in inbox.messages:
        subject = str(make_header(decode_header(message["Subject"])))
        found.append((message["To"], subject, message.get_payload(decode=True).decode("utf-8")))
    inbox.messages.clear()
    return found


def test_the_enterprise_hears_of_an_item_opened_and_of_an_answer_sent_back(mapp, smtp):
    inbox, _ = smtp
    with clock.travel(DAY), mapp.app_context():
        item = open_one(detail="内部备注：下次带上无人机")
        number = item.number
        db.session.commit()
    [(to, subject, body)] = _delivered(mapp, inbox)
    assert to == CORP
    assert number in subject and str(DAY + dt.timedelta(days=10)) in subject
    assert "废水排放口标志牌缺失" in body and "DW001" in body and "GB 15562.1" in body
    assert f"http://feedback.test/enterprise/ledger/{number}" in body
    assert "内部备注" not in body and "无人机" not in body

    with clock.travel(DAY), mapp.app_context():
        item = service.by_number(number)
        service.answer(item, account("hongda"), "已设置标志牌", [])
        db.session.commit()
    assert _delivered(mapp, inbox) == []  # the enterprise's own answer: no mail to itself

    with clock.travel(DAY), mapp.app_context():
        item = service.by_number(number)
        service.send_back(item, account("binyang"), "照片看不清标志牌内容，联系 13912345678")
        db.session.commit()
    [(to, subject, body)] = _delivered(mapp, inbox)
    assert to == CORP and "退回" in subject and number in subject
    assert "照片看不清标志牌内容" in body and "13912345678" not in body


def test_an_item_fixed_on_the_spot_is_mailed_as_closed(mapp, smtp):
    inbox, _ = smtp
    from feedback.photos import DecodeBudget, PhotoLimits, check_photo

    with clock.travel(DAY), mapp.app_context():
        evidence = check_photo(
            png(), "现场.png", DecodeBudget(PhotoLimits.from_config(mapp.config))
        )
        item = open_one("spot-1", due_on=None, fixed_evidence=[evidence])
        number = item.number
        db.session.commit()
    [(to, subject, body)] = _delivered(mapp, inbox)
    assert to == CORP and number in subject and "当场整改并销号" in subject


def test_a_report_item_is_mailed_by_its_case_not_twice(mapp, smtp):
    inbox, _ = smtp
    with clock.travel(DAY), mapp.app_context():
        open_one("7:0", source="report")
        db.session.commit()
    assert _delivered(mapp, inbox) == []


def test_no_mail_without_an_address_and_nothing_queued_when_the_open_is_refused(mapp, smtp):
    inbox, _ = smtp
    with clock.travel(DAY), mapp.app_context():
        account("hongda").email = ""
        open_one("no-address")
        db.session.commit()
    assert _delivered(mapp, inbox) == []
    with clock.travel(DAY), mapp.app_context():
        account("hongda").email = CORP
        db.session.commit()
        with pytest.raises(service.LedgerError):
            open_one("past", due_on=DAY - dt.timedelta(days=1))
        db.session.rollback()
    assert _delivered(mapp, inbox) == []


def test_items_opened_together_go_out_as_one_mail(mapp, smtp):
    inbox, _ = smtp
    with clock.travel(DAY), mapp.app_context():
        first = open_one("insp-9:a").number
        second = open_one("insp-9:b", title="雨污未分流", action="分设雨水管", due_on=DAY).number
        spot = open_one("insp-9:c", title="危废标签缺失", action="现场已补贴", due_on=None).number
        db.session.commit()
    [(to, subject, body)] = _delivered(mapp, inbox)
    assert to == CORP and subject == f"问题台账：3 项问题，最早请于 {DAY} 前整改并反馈"
    for number in (first, second, spot):
        assert f"问题编号：{number}" in body
        assert f"http://feedback.test/enterprise/ledger/{number}" in body
    assert "雨污未分流" in body and "已当场整改并销号" in body

    # A later transaction starts a mail of its own.
    with clock.travel(DAY), mapp.app_context():
        later = open_one("insp-10:a").number
        db.session.commit()
    [(_, subject, body)] = _delivered(mapp, inbox)
    assert later in subject and first not in body
