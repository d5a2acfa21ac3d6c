"""Enterprise answers, officer verification, reporter rating and reopening."""

from __future__ import annotations

import datetime as dt
import io

from feedback.auth import find_account
from generator import clock
from tests.feedback.conftest import BINYANG, LIUCHENG, get_report, png_bytes
from tests.feedback.test_officer import act


def _to_rectification(client, officer, app, number):
    officer.login("binyang")
    with app.app_context():
        officer_id = find_account("binyang").id
    act(client, number, "accept", text="")
    act(client, number, "assign", officer=officer_id)
    act(client, number, "investigate")
    act(client, number, "conclude", finding="substantiated", action_taken="责令整改", text="属实")
    act(
        client,
        number,
        "order_rectification",
        requirement="清理排水沟并安装在线监测",
        due=(clock.china_today() + dt.timedelta(days=30)).isoformat(),
    )
    officer.logout()


def test_enterprise_sees_own_reports_without_reporter(client, officer, make_report):
    number, _ = make_report(
        reporter_name="赵六", reporter_phone="13711112222", reporter_email="zhao@example.com"
    )
    other, _ = make_report(unit=LIUCHENG)
    officer.login("hongda", kind="enterprise")
    listing = client.get("/enterprise/").get_data(as_text=True)
    assert number in listing and other not in listing
    page = client.get(f"/enterprise/case/{number}").get_data(as_text=True)
    for secret in ("赵六", "13711112222", "zhao@example.com"):
        assert secret not in page
    assert client.get(f"/enterprise/case/{other}").status_code == 403
    assert client.get("/officer/").status_code == 403


def test_enterprise_answers_and_officer_sends_back_then_verifies(client, officer, make_report, app):
    number, token = make_report()
    _to_rectification(client, officer, app, number)
    officer.login("hongda", kind="enterprise")
    response = client.post(
        f"/enterprise/case/{number}",
        data={"text": "已清理排水沟", "files": (io.BytesIO(png_bytes()), "after.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    officer.logout("enterprise")
    officer.login("binyang")
    page = client.get(f"/officer/case/{number}").get_data(as_text=True)
    assert "已清理排水沟" in page and "after.png" in page
    response = act(client, number, "verify", decision="send_back", text="")
    assert response.status_code == 422
    assert (
        act(client, number, "verify", decision="send_back", text="缺少监测设备照片").status_code
        == 302
    )
    assert get_report(app, number).state == "rectification_ordered"
    officer.logout()
    officer.login("hongda", kind="enterprise")
    assert "缺少监测设备照片" in client.get(f"/enterprise/case/{number}").get_data(as_text=True)
    client.post(f"/enterprise/case/{number}", data={"text": "已安装在线监测"})
    officer.logout("enterprise")
    officer.login("binyang")
    assert act(client, number, "verify", decision="verify", text="现场核实").status_code == 302
    assert get_report(app, number).state == "rectification_verified"
    assert act(client, number, "close", text="").status_code == 302
    assert get_report(app, number).state == "closed"
    assert "已销号" in client.get(f"/r/{token}").get_data(as_text=True)


def test_evidence_must_be_photo_or_pdf(client, officer, make_report, app):
    number, _ = make_report()
    _to_rectification(client, officer, app, number)
    officer.login("hongda", kind="enterprise")
    response = client.post(
        f"/enterprise/case/{number}",
        data={"text": "说明", "files": (io.BytesIO(b"MZ\x90\x00 exe"), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "照片（JPEG、PNG、WebP）或 PDF" in response.get_data(as_text=True)
    response = client.post(
        f"/enterprise/case/{number}",
        data={"text": "说明", "files": (io.BytesIO(b"%PDF-1.4 minimal"), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302


def test_rating_not_satisfied_reopens_once_for_supervisor(client, officer, make_report, app):
    number, token = make_report()
    officer.login("binyang")
    with app.app_context():
        officer_id = find_account("binyang").id
    act(client, number, "accept", text="")
    response = client.post(f"/r/{token}", data={"value": "satisfied"})
    assert "办结后才能评价" in response.get_data(as_text=True)
    act(client, number, "assign", officer=officer_id)
    act(client, number, "investigate")
    act(client, number, "conclude", finding="not_substantiated", action_taken="", text="未发现问题")
    response = client.post(f"/r/{token}", data={"value": "not_satisfied", "reason": ""})
    assert "请说明不满意的原因" in response.get_data(as_text=True)
    assert (
        client.post(
            f"/r/{token}", data={"value": "not_satisfied", "reason": "晚上还在排"}
        ).status_code
        == 302
    )
    assert get_report(app, number).state == "reopened"
    with app.app_context():
        from feedback.extensions import db
        from feedback.models import OutboxMail

        notice = db.session.query(OutboxMail).filter(OutboxMail.subject.contains("需科长")).one()
        assert notice.to == "nn-binyang@hb.example.gov.cn" and "晚上还在排" in notice.body
    # Only a supervisor acts on a reopened case.
    assert act(client, number, "conclude", finding="partly", text="再查").status_code == 403
    officer.logout()
    officer.login("binyang-boss")
    assert (
        act(
            client,
            number,
            "conclude",
            finding="partly",
            action_taken="夜查",
            text="夜间复查部分属实",
        ).status_code
        == 302
    )
    client.post(f"/r/{token}", data={"value": "not_satisfied", "reason": "还是不满意"})
    report = get_report(app, number)
    assert report.state == "concluded" and report.reopened_count == 1
    # One rating per conclusion: the form is gone and a resent rating is refused.
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "提交评价" not in page and "还是不满意" in page
    again = client.post(f"/r/{token}", data={"value": "satisfied"}).get_data(as_text=True)
    assert "已评价过" in again


def test_enterprise_cannot_use_officer_files(client, officer, make_report, app):
    number, _ = make_report(unit=BINYANG)
    officer.login("yongfeng", kind="enterprise")
    assert client.get(f"/enterprise/case/{number}").status_code == 403


def test_enterprise_with_email_is_told_of_orders_and_send_backs(client, officer, make_report, app):
    from feedback.extensions import db
    from feedback.models import OutboxMail

    with app.app_context():
        find_account("hongda").email = "ehs@hongda.example.com"
        db.session.commit()
    number, _ = make_report(reporter_name="王五", reporter_phone="13711112222")
    _to_rectification(client, officer, app, number)
    officer.login("hongda", kind="enterprise")
    client.post(f"/enterprise/case/{number}", data={"text": "已清理"})
    officer.logout("enterprise")
    officer.login("binyang")
    act(client, number, "verify", decision="send_back", text="缺少照片")
    with app.app_context():
        mails = db.session.query(OutboxMail).filter_by(to="ehs@hongda.example.com").all()
    assert [m.subject for m in mails] == [
        f"整改通知：案件 {number}",
        f"整改材料被退回：案件 {number}",
    ]
    assert (
        "清理排水沟并安装在线监测" in mails[0].body
        and f"/enterprise/case/{number}" in mails[0].body
    )
    assert "缺少照片" in mails[1].body
    for mail in mails:  # never the reporter's identity
        assert "王五" not in mail.body and "13711112222" not in mail.body


def test_admin_creates_enterprise_account_with_notice_email(client, officer, app, password_hash):
    from feedback.extensions import db
    from feedback.models import Account

    with app.app_context():
        db.session.add(
            Account(
                login="nn-admin",
                password_hash=password_hash,
                role="admin",
                body_id="nn",
                name="南宁管理员",
            )
        )
        db.session.commit()
    officer.login("nn-admin")
    bad = client.post(
        "/officer/accounts",
        data={
            "login": "hd2",
            "role": "enterprise",
            "unit": BINYANG,
            "email": "not-an-address",
            "password": "longenough1",
        },
    )
    assert "电子邮箱格式不对" in bad.get_data(as_text=True)
