"""Officer console: scope, state machine, deadlines, transfer, replies, audit, export."""

from __future__ import annotations

import datetime as dt
import re

from bs4 import BeautifulSoup

from feedback.extensions import db
from feedback.models import AuditEntry, Report, Update
from generator import clock
from tests.feedback.conftest import BINYANG, LIUCHENG, get_report


def act(client, number, action, **data):
    """Post an officer action form (fields carry the action's prefix)."""
    return client.post(
        f"/officer/case/{number}/{action}", data={f"{action}-{k}": v for k, v in data.items()}
    )


def test_login_required_and_wrong_password(client, officer):
    assert client.get("/officer/").status_code == 302
    response = officer.login("binyang", "wrong")
    assert "账号或密码不对" in response.get_data(as_text=True)
    assert officer.login("hongda").status_code == 200  # an enterprise cannot log in here
    assert officer.login().status_code == 302
    assert client.get("/officer/").status_code == 200


def test_county_officer_cannot_see_or_act_on_other_county(client, officer, make_report):
    number, _ = make_report(unit=LIUCHENG)
    officer.login("binyang")
    assert number not in client.get("/officer/").get_data(as_text=True)
    assert client.get(f"/officer/case/{number}").status_code == 403
    assert act(client, number, "accept").status_code == 403
    assert client.get(f"/officer/unit/{LIUCHENG}").get_data(as_text=True).count(number) == 0


def test_city_officer_sees_county_cases(client, officer, make_report):
    number, _ = make_report(unit=BINYANG)
    officer.login("nanning")
    assert number in client.get("/officer/").get_data(as_text=True)
    assert client.get(f"/officer/case/{number}").status_code == 200


def test_full_state_machine(client, officer, make_report, app):
    number, _ = make_report()
    officer.login("binyang")
    assert act(client, number, "accept", text="").status_code == 302
    report = get_report(app, number)
    assert report.state == "accepted" and report.conclude_due is not None
    officer_id = _account_id(app, "binyang")
    assert act(client, number, "assign", officer=officer_id).status_code == 302
    assert act(client, number, "investigate").status_code == 302
    assert (
        act(
            client,
            number,
            "conclude",
            finding="substantiated",
            action_taken="责令停产",
            penalty="宾环罚〔2026〕12号",
            text="经查属实。",
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            number,
            "order_rectification",
            requirement="修复围堰",
            due=(clock.china_today() + dt.timedelta(days=30)).isoformat(),
        ).status_code
        == 302
    )
    assert get_report(app, number).state == "rectification_ordered"
    # Verification needs the enterprise's answer first.
    response = act(client, number, "verify", decision="verify", text="")
    assert response.status_code == 422 and "企业尚未提交整改材料" in response.get_data(as_text=True)


def test_action_not_allowed_from_state(client, officer, make_report):
    number, _ = make_report()
    officer.login("binyang")
    assert act(client, number, "conclude", finding="partly", text="x").status_code == 403
    assert act(client, number, "close").status_code == 403


def test_not_accepted_needs_reason_and_links_duplicate(client, officer, make_report, app):
    first, _ = make_report()
    second, _ = make_report()
    officer.login("binyang")
    response = act(client, second, "not_accept", text="", duplicate_of="")
    assert response.status_code == 422 and "请填写理由" in response.get_data(as_text=True)
    assert act(client, second, "not_accept", text="重复举报", duplicate_of=first).status_code == 302
    report = get_report(app, second)
    assert report.state == "not_accepted" and report.duplicate_of_id == get_report(app, first).id
    page = client.get(f"/case/{second}").get_data(as_text=True)
    assert first in page and "重复举报" in page


def test_overdue_and_due_soon_stand_out(client, officer, make_report):
    today = clock.china_today()
    late, _ = make_report(accept_due=today - dt.timedelta(days=1))
    soon, _ = make_report(accept_due=today + dt.timedelta(days=2))
    fine, _ = make_report(accept_due=today + dt.timedelta(days=14))
    officer.login("binyang")
    page = BeautifulSoup(client.get("/officer/").data, "html.parser")
    rows = {
        r.select_one("a").text: r.get("class") or [] for r in page.select("table.queue tbody tr")
    }
    assert rows[late] == ["overdue"] and rows[soon] == ["due_soon"] and rows[fine] == []
    overdue_only = client.get("/officer/?overdue=1").get_data(as_text=True)
    assert late in overdue_only and fine not in overdue_only


def test_extension_once_and_at_most_30_days(client, officer, make_report, app):
    number, _ = make_report()
    officer.login("binyang")
    act(client, number, "accept", text="")
    due = get_report(app, number).conclude_due
    assert act(client, number, "extend", days=31, text="取证").status_code == 422
    assert act(client, number, "extend", days=30, text="需要监测报告").status_code == 302
    assert get_report(app, number).conclude_due == due + dt.timedelta(days=30)
    response = act(client, number, "extend", days=5, text="再延")
    assert response.status_code == 422 and "只能延长一次" in response.get_data(as_text=True)


def test_transfer_keeps_every_hop(client, officer, make_report, app):
    number, _ = make_report()
    officer.login("binyang")
    assert (
        act(client, number, "transfer", body="lz-liucheng", text="企业实际在柳城").status_code
        == 302
    )
    assert get_report(app, number).body_id == "lz-liucheng"
    assert client.get(f"/officer/case/{number}").status_code == 403
    officer.logout()
    officer.login("liucheng")
    assert act(client, number, "transfer", body="nn", text="退回南宁").status_code == 302
    with app.app_context():
        hops = db.session.query(Update).filter_by(action="transfer").order_by(Update.id).all()
        assert [(h.body_from, h.body_to) for h in hops] == [
            ("nn-binyang", "lz-liucheng"),
            ("lz-liucheng", "nn"),
        ]


def test_public_reply_and_internal_note(client, officer, make_report):
    number, token = make_report()
    officer.login("binyang")
    act(client, number, "reply", template=0, text="我们已派人核查。")
    act(client, number, "note", text="企业负责人电话 138xxxx")
    public = client.get(f"/case/{number}").get_data(as_text=True)
    private = client.get(f"/r/{token}").get_data(as_text=True)
    assert "我们已派人核查。" in public and "我们已派人核查。" in private
    assert "138xxxx" not in public and "138xxxx" not in private
    assert "138xxxx" in client.get(f"/officer/case/{number}").get_data(as_text=True)


def test_response_template_fills_reply(client, officer, make_report, app):
    number, _ = make_report()
    officer.login("binyang")
    assert client.post("/officer/templates", data={"title": "x", "text": "y"}).status_code == 403
    officer.logout()
    officer.login("binyang-boss")
    client.post("/officer/templates", data={"title": "已受理", "text": "您的举报我局已受理。"})
    page = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    option = page.select_one("#action-reply select option:not([value='0'])")
    act(client, number, "reply", template=option["value"], text="")
    assert "您的举报我局已受理。" in client.get(f"/case/{number}").get_data(as_text=True)


def test_moderation_keeps_original(client, officer, make_report, app):
    number, _ = make_report(description="张三家的工厂偷排，电话 13800000000")
    officer.login("binyang-boss")
    assert act(client, number, "moderate", text="某工厂偷排").status_code == 302
    report = get_report(app, number)
    assert report.description.startswith("张三家") and report.public_description == "某工厂偷排"


def test_every_action_is_audited(client, officer, make_report, app):
    number, _ = make_report()
    officer.login("binyang")
    act(client, number, "accept", text="")
    act(client, number, "note", text="内部")
    with app.app_context():
        entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
        assert [e.action for e in entries] == ["create", "accept", "note"]
        accept = entries[1]
        assert accept.actor.startswith("binyang") and accept.at is not None
        assert (accept.state_before, accept.state_after) == ("received", "accepted")


def test_csv_export_scoped_and_without_reporter(client, officer, make_report):
    mine, _ = make_report(reporter_name="王五")
    other, _ = make_report(unit=LIUCHENG)
    officer.login("binyang")
    response = client.get("/officer/export.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and mine in text
    assert other not in text and "王五" not in text


def test_unit_view_for_on_site_use(client, officer, make_report):
    number, _ = make_report()
    response = client.get(f"/officer/unit/{BINYANG}")
    assert response.status_code == 302 and "/officer/login" in response.location
    officer.login("binyang")
    page = client.get(f"/officer/unit/{BINYANG}").get_data(as_text=True)
    assert number in page and "广西宾阳宏达糖业有限公司" in page
    assert "ZG-2026-0107" in page and "ZG-2026-0031" not in page  # open order only


def test_reward_needs_real_name_and_penalty(client, officer, make_report, app):
    anonymous, _ = make_report(reporter_name="", reporter_phone="")
    named, token = make_report()
    officer.login("binyang")
    for number in (anonymous, named):
        conclude_substantiated(client, app, number)
    reward = {"amount": "2000", "decided_on": "2026-11-20", "status": "decided", "note": ""}
    response = act(client, anonymous, "reward", **reward)
    assert response.status_code == 422 and "真实姓名" in response.get_data(as_text=True)
    assert act(client, named, "reward", **reward).status_code == 302
    private = BeautifulSoup(client.get(f"/r/{token}").data, "html.parser")
    assert [li.get_text() for li in _section(private, "举报奖励").select("li")] == [
        "2000 元，2026-11-20，已决定"
    ]
    public = BeautifulSoup(client.get(f"/case/{named}").data, "html.parser")
    assert _section(public, "举报奖励") is None  # the reward is the reporter's business
    assert not public.find(string=re.compile(r"\d\s*元"))


def _section(page: BeautifulSoup, heading: str):
    """The <section> whose <h2> reads ``heading``, or None."""
    found = page.find("h2", string=heading)
    return found.find_parent("section") if found else None


def conclude_substantiated(client, app, number: str) -> None:
    """Accept, assign, investigate and conclude a case as substantiated with a fine."""
    act(client, number, "accept", text="")
    act(client, number, "assign", officer=_account_id(app, "binyang"))
    act(client, number, "investigate")
    act(
        client,
        number,
        "conclude",
        finding="substantiated",
        action_taken="罚款",
        penalty="宾环罚〔2026〕3号",
        text="属实",
    )


def _account_id(app, login: str) -> int:
    from feedback.auth import find_account

    with app.app_context():
        return find_account(login).id


def test_queue_counts_and_filters(client, officer, make_report):
    make_report(category="废气")
    make_report(category="噪声")
    officer.login("binyang")
    page = client.get("/officer/?category=噪声").get_data(as_text=True)
    assert page.count("<td>噪声</td>") == 1 and "<td>废气</td>" not in page
    counts = BeautifulSoup(client.get("/officer/").data, "html.parser").select(".counts li")
    assert any("已收到" in c.text and "2" in c.select_one("strong").text for c in counts)


def test_report_row_never_deleted(app, make_report):
    make_report()
    with app.app_context():
        assert db.session.query(Report).count() == 1


def test_admin_creates_accounts_in_scope_only(client, officer, app, password_hash):
    from feedback.models import Account

    with app.app_context():
        db.session.add(
            Account(login="nn-admin", password_hash=password_hash, role="admin", body_id="nn")
        )
        db.session.commit()
    officer.login("binyang")
    assert client.get("/officer/accounts").status_code == 403
    officer.logout()
    officer.login("nn-admin")
    new = {
        "login": "new1",
        "name": "新人",
        "role": "officer",
        "body": "nn-binyang",
        "unit": "",
        "password": "long-enough-1",
    }
    assert client.post("/officer/accounts", data=new).status_code == 302
    outside = dict(new, login="new2", body="lz")
    assert "请选择本机构或下级机构" in client.post("/officer/accounts", data=outside).get_data(
        as_text=True
    )
    taken = dict(new, login="e2", role="enterprise", unit=BINYANG)
    assert "每个单位一个" in client.post("/officer/accounts", data=taken).get_data(as_text=True)
    other_unit = dict(taken, unit=LIUCHENG)
    assert "本辖区" in client.post("/officer/accounts", data=other_unit).get_data(as_text=True)
    with app.app_context():
        created = db.session.query(Account).filter_by(login="new1").one()
        assert created.body_id == "nn-binyang" and created.password_hash != "long-enough-1"
        created_id = created.id
    client.post(f"/officer/accounts/{created_id}/toggle")
    officer.logout()
    assert officer.login("new1", "long-enough-1").status_code == 200  # disabled


def test_deadlines_come_from_settings(make_app, password_hash):
    from feedback.cases import china_today
    from feedback.models import Account
    from tests.feedback.conftest import report_data

    app = make_app(ACCEPT_DAYS=2, CONCLUDE_DAYS=10)
    with app.app_context():
        db.session.add(
            Account(login="o", password_hash=password_hash, role="officer", body_id="nn-binyang")
        )
        db.session.commit()
    client = app.test_client()
    page = BeautifulSoup(client.post(f"/report/{BINYANG}", data=report_data()).data, "html.parser")
    number = page.select_one(".tracking-number").text
    today = china_today()
    assert get_report(app, number).accept_due == today + dt.timedelta(days=2)
    client.post("/officer/login", data={"login": "o", "password": "correct-horse-1"})
    act(client, number, "accept", text="")
    assert get_report(app, number).conclude_due == today + dt.timedelta(days=10)
