"""Follow the data: identity planted in every reporter field never reaches an outside output.

One case is filed with a name, phones, an e-mail and an ID number in every field the reporter
fills (web form and Open311), driven through every state (accept, suspend and resume, conclude, rectification,
enterprise answer, send-back, verification, rating "not satisfied" with a reason, reopening,
moderation), with officers carelessly repeating the numbers in public replies. Then every page,
API answer, export and e-mail outside the handling body is fetched and searched.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup

from feedback.auth import find_account
from feedback.draws.export import public_draws
from feedback.extensions import db
from feedback.inspections.public_monthly import public_months
from feedback.ledger import export as ledger_export
from feedback.models import AuditEntry, OutboxMail, Rating, Report
from feedback.open311.keys import create_key
from feedback.pii import fold
from feedback.stats import build_stats
from generator.clock import china_today
from generator.maps import bd09, gcj02
from tests.feedback.conftest import BINYANG, jpeg_with_gps, report_data
from tests.feedback.test_officer import act

ENTERPRISE_MAIL = "notice@hongda.example"
#: The point the reporter pins on the form (WGS-84): it can say where they live.
PIN = (22.817361, 108.366543)
#: Words only the reporter wrote (no personal data a pattern could find): the unmoderated text.
RAW_WORDS = "糖厂宿舍三栋楼下"


@dataclass(frozen=True)
class Identity:
    """One reporter's planted identity."""

    name: str
    phone: str
    email: str
    id_number: str
    landline: str

    @property
    def mailbox(self) -> str:
        """The e-mail address as a contact field accepts it (full-width forms folded)."""
        return unicodedata.normalize("NFKC", self.email)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value that must never be seen outside."""
        return (self.name, self.phone, self.email, self.mailbox, self.id_number, self.landline)

    @property
    def contacts(self) -> tuple[str, ...]:
        """The values a pattern finds in any text (a bare name is found only by moderation)."""
        return (self.phone, self.email, self.id_number, self.landline)

    def everything(self) -> str:
        """A sentence carrying all of it."""
        return (
            f"我叫{self.name}，手机 {self.phone}，座机 {self.landline}，"
            f"邮箱 {self.email}，身份证 {self.id_number}。"
        )


IDENTITIES = [
    Identity("陈秀英", "13612345678", "chenxy@example.com", "45010219850312002X", "0771-5551234"),
    Identity(
        "欧阳娜娜", "+86 139-8765-4321", "ouyang.nn@mail.qq.com", "450102850312002", "(0771)5559876"
    ),
    Identity(
        "李四",
        "１３７００１３７０００",
        "li＠example．cn",
        "4501 0219 8503 1200 2X",
        "010 87654321",
    ),
]


def _file_by_web(client, who: Identity) -> tuple[str, str]:
    data = report_data(
        description=f"{RAW_WORDS}，排放口流出黑水。{who.everything()}",
        place=f"{who.name}家门口，电话 {who.phone}",
        seen_time=f"晚上八点，有事打 {who.landline}",
        reporter_name=who.name,
        reporter_phone=who.phone,
        reporter_email=fold(who.email),
        email_link="y",
        place_lat=str(PIN[0]),
        place_lon=str(PIN[1]),
        place_source="device",
    )
    data["photos"] = (io.BytesIO(jpeg_with_gps()), f"{who.name}_{who.phone}.jpg")
    response = client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    page = BeautifulSoup(response.data, "html.parser")
    return page.select_one(".tracking-number").text, page.select_one(".private-link a")["href"]


def _file_by_open311(client, app, who: Identity) -> str:
    with app.app_context():
        _, key = create_key("身份测试", None)
        db.session.commit()
    response = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "wastewater",
            "address_id": BINYANG,
            "lat": str(PIN[0]),
            "long": str(PIN[1]),
            "address_string": f"{who.name}家，{who.landline}",
            "description": f"{RAW_WORDS}。{who.everything()}",
            "first_name": who.name[1:],
            "last_name": who.name[:1],
            "phone": who.phone,
            "email": who.mailbox,
            "attribute[seen_time]": f"联系 {who.phone}",
        },
    )
    return response.get_json()[0]["service_request_id"]


def _handle(client, officer, app, number: str, who: Identity) -> None:
    """Accept to verification, officers repeating the reporter's numbers in public texts."""
    with app.app_context():
        officer_id = find_account("binyang").id
        find_account("hongda").email = ENTERPRISE_MAIL
        db.session.commit()
    officer.login("binyang")
    act(client, number, "accept", text=f"已受理，回电 {who.phone}")
    act(client, number, "reply", text=f"请{who.email}补充材料")
    act(client, number, "reply", text=f"感谢{who.name}的举报")
    act(client, number, "assign", officer=officer_id)
    act(client, number, "investigate")
    officer.logout()
    officer.login("binyang-boss")  # a supervisor pauses the case, repeating the reporter's numbers
    paused = act(client, number, "suspend", text=f"等待{who.name}（{who.phone}）补充证据")
    assert paused.status_code == 302
    assert act(client, number, "resume").status_code == 302
    officer.logout()
    officer.login("binyang")
    conclusion = f"属实。身份证 {who.id_number} 的举报人反映情况属实"
    act(client, number, "conclude", finding="substantiated", action_taken="罚款", text=conclusion)
    requirement = f"清理排水沟，向{who.name}道歉，电话 {who.landline}，{who.email}"
    due = (china_today() + dt.timedelta(days=30)).isoformat()  # never in the past
    act(client, number, "order_rectification", requirement=requirement, due=due)
    officer.logout()


def _enterprise_answers(client, officer, number: str, who: Identity, text: str) -> None:
    officer.login("hongda", kind="enterprise")
    evidence = (io.BytesIO(b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF"), "整改报告.pdf")
    client.post(
        f"/enterprise/case/{number}",
        data={"text": text, "files": evidence},
        content_type="multipart/form-data",
    )
    officer.logout("enterprise")


def _drive(client, officer, app, number: str, token_link: str, who: Identity) -> None:
    _handle(client, officer, app, number, who)
    _enterprise_answers(client, officer, number, who, f"已整改，致电 {who.landline}")
    officer.login("binyang")
    act(client, number, "verify", decision="send_back", text=f"材料不全，请联系 {who.phone}")
    officer.logout()
    _enterprise_answers(client, officer, number, who, "已补充材料")
    officer.login("binyang")
    act(client, number, "verify", decision="verify", text=f"核实，{who.email}")
    officer.logout()
    if token_link:
        reason = f"{RAW_WORDS}还在排。{who.everything()}"
        client.post(token_link, data={"value": "not_satisfied", "reason": reason})


def _moderate(client, officer, app, number: str, who: Identity) -> None:
    """A careless supervisor approves texts, leaving numbers for the masking to catch."""
    officer.login("binyang-boss")
    text = f"排放口流出黑水，{who.phone}，{' '.join(who.name)}看到的"
    act(client, number, "moderate", target="description", text=text)
    act(client, number, "moderate", target="place", text=f"厂区东侧 {who.landline}", reason="核对")
    with app.app_context():
        report = db.session.query(Report).filter_by(tracking_number=number).one()
        ratings = db.session.query(Rating).filter_by(report_id=report.id).all()
    for rating in ratings:
        act(client, number, "moderate", target=f"rating-{rating.id}", text=f"还在排 {who.email}")
    officer.logout()


def _enterprise_outputs(client, officer, number: str) -> dict[str, str]:
    officer.login("hongda", kind="enterprise")
    pages = {
        "enterprise list": client.get("/enterprise/").get_data(as_text=True),
        "enterprise case": client.get(f"/enterprise/case/{number}").get_data(as_text=True),
    }
    page = BeautifulSoup(pages["enterprise case"], "html.parser")
    for n, link in enumerate(page.select("a[href*='/enterprise/file/'], img[src*='/file/']")):
        response = client.get(link.get("href") or link.get("src"))
        pages[f"enterprise file {n} headers"] = str(response.headers)
    pages.update(_enterprise_ledger(client))
    officer.logout("enterprise")
    return pages


def _enterprise_ledger(client) -> dict[str, str]:
    """The enterprise's ledger list and every item page (the report's item among them)."""
    pages = {"enterprise ledger": client.get("/enterprise/ledger/").get_data(as_text=True)}
    page = BeautifulSoup(pages["enterprise ledger"], "html.parser")
    for link in page.select("tr.ledger-row a"):
        pages[f"enterprise ledger {link.text}"] = client.get(link["href"]).get_data(as_text=True)
    return pages


def _api_outputs(client, numbers: list[str]) -> dict[str, str]:
    pages = {}
    for fmt in ("json", "xml"):
        pages[f"open311 requests.{fmt}"] = client.get(f"/open311/v2/requests.{fmt}").get_data(
            as_text=True
        )
        pages[f"open311 updates.{fmt}"] = client.get(
            f"/open311/v2/servicerequestupdates.{fmt}"
        ).get_data(as_text=True)
        for number in numbers:
            url = f"/open311/v2/requests/{number}.{fmt}"
            pages[f"open311 {number}.{fmt}"] = client.get(url).get_data(as_text=True)
    return pages


def _mail_outputs(app, who: Identity) -> dict[str, str]:
    """Mail to the enterprise and to the reporter (the handling body's mailbox is inside)."""
    with app.app_context():
        mails = db.session.query(OutboxMail).order_by(OutboxMail.id).all()
        body_boxes = {b.email for b in app.extensions["yimatong_directory"].bodies.values()}
        return {
            f"mail {m.id} to {'enterprise' if m.to == ENTERPRISE_MAIL else 'reporter'}": (
                m.subject + "\n" + m.body
            )
            for m in mails
            if m.to not in body_boxes
        }


def _draws_export(client, officer, app) -> str:
    """The public list of draws after the body drew the reported unit."""
    officer.login("binyang-boss")
    draw = {"period": "2026-Q4", "units": "1", "inspectors": "2", "exclusions": ""}
    assert client.post("/officer/draws/", data=draw).status_code == 302
    officer.logout()
    with app.app_context():
        return json.dumps(public_draws(), ensure_ascii=False)


def _outside(client, officer, app, numbers: list[str], who: Identity) -> dict[str, str]:
    pages = {f"public case {n}": client.get(f"/case/{n}").get_data(as_text=True) for n in numbers}
    pages.update(_enterprise_outputs(client, officer, numbers[0]))
    pages.update(_api_outputs(client, numbers))
    with app.app_context():
        stats = build_stats(app.extensions["yimatong_directory"])
    pages["public statistics"] = json.dumps(stats, ensure_ascii=False)
    officer.login("binyang")
    pages["officer CSV export"] = client.get("/officer/export.csv").get_data(as_text=True)
    pages["officer ledger CSV"] = client.get("/officer/ledger/export.csv").get_data(as_text=True)
    officer.logout()
    with app.app_context():
        pages["ledger export"] = ledger_export.dumps(ledger_export.export_data(china_today()))
        monthly = public_months(app.extensions["yimatong_directory"], china_today())
        pages["ledger export: monthly figures"] = json.dumps(monthly, ensure_ascii=False)
    pages["draws export"] = _draws_export(client, officer, app)
    pages.update(_mail_outputs(app, who))
    return pages


#: Tracking numbers hold the filing date (GX20270312…): a planted fragment such as "0312" may
#: stand in one on some days, so they are taken out before looking for leaks.
TRACKING_NUMBER = re.compile(r"[A-Z]{1,4}\d{8,}")


def _pin_spellings() -> tuple[str, ...]:
    """The pinned point as any output could spell it: WGS-84, GCJ-02 and BD-09 to 4 decimals,
    cut or rounded (so "22.817361" is found by "22.8173")."""
    values = [v for point in (PIN, gcj02(*PIN), bd09(*PIN)) for v in point]
    return tuple(
        {f"{math.floor(v * 1e4) / 1e4:.4f}" for v in values} | {f"{v:.4f}" for v in values}
    )


def _leaks(text: str, values: tuple[str, ...]) -> list[str]:
    """The planted values found in ``text`` (also in folded spellings), tracking numbers aside."""
    text = TRACKING_NUMBER.sub("", text)
    folded = fold(text)
    return [v for v in values if v in text or fold(v) in folded]


@pytest.mark.parametrize("who", IDENTITIES, ids=lambda w: w.name)
def test_planted_identity_reaches_no_outside_output(client, officer, app, who):
    number, link = _file_by_web(client, who)
    api_number = _file_by_open311(client, app, who)
    _drive(client, officer, app, number, link, who)
    _moderate(client, officer, app, number, who)
    outputs = _outside(client, officer, app, [number, api_number], who)
    assert len([k for k in outputs if k.startswith("mail")]) >= 4
    leaks = {name: _leaks(text, who.secrets + _pin_spellings()) for name, text in outputs.items()}
    assert not {name: found for name, found in leaks.items() if found}
    raw = [name for name, text in outputs.items() if RAW_WORDS in text]
    assert not raw, "unmoderated reporter text outside"
    # The reporter's own pages show their own words, but never a findable contact value.
    own = client.get(link).get_data(as_text=True)
    assert RAW_WORDS in own and not _leaks(own, who.contacts + _pin_spellings())
    # Officers of the handling body see the point (with map links).
    officer.login("binyang")
    case = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    assert case.select_one(".pinned-place .coordinates").text == f"{PIN[0]:.6f}, {PIN[1]:.6f}"
    assert _leaks(str(case), _pin_spellings())  # the check finds the point where it is
    api_case = BeautifulSoup(client.get(f"/officer/case/{api_number}").data, "html.parser")
    assert "接口（Open311）提交的坐标" in api_case.select_one(".pinned-place").text
    officer.logout()
    # Moderated text does reach the enterprise and the public, masked.
    assert "排放口流出黑水" in outputs["enterprise case"]
    assert "排放口流出黑水" in outputs[f"public case {number}"]
    assert "还在排" in outputs[f"public case {number}"]
    assert "厂区东侧" in outputs["officer CSV export"]
    # The report's rectification order is a ledger item, in the officer's words only.
    exported = json.loads(outputs["ledger export"])["items"]
    assert [i["source"] for i in exported] == ["report"]
    assert len([k for k in outputs if k.startswith("enterprise ledger L")]) == 1
    assert (
        "清理排水沟" in outputs["ledger export"] and "清理排水沟" in outputs["officer ledger CSV"]
    )
    assert number not in outputs["ledger export"] and api_number not in outputs["ledger export"]


@pytest.mark.parametrize("who", IDENTITIES[:1], ids=lambda w: w.name)
def test_enterprise_sees_no_reporter_text_before_moderation(client, officer, app, who):
    number, link = _file_by_web(client, who)
    officer.login("hongda", kind="enterprise")
    page = BeautifulSoup(client.get(f"/enterprise/case/{number}").data, "html.parser")
    assert "审核后显示" in page.select_one(".description").text
    assert RAW_WORDS not in str(page) and not _leaks(str(page), who.secrets)
    officer.logout("enterprise")
    public = client.get(f"/case/{number}").get_data(as_text=True)
    assert RAW_WORDS not in public and not _leaks(public, who.secrets)


def test_rating_reason_public_only_after_approval_and_audited(client, officer, app):
    who = IDENTITIES[0]
    number, link = _file_by_web(client, who)
    _drive(client, officer, app, number, link, who)
    public = client.get(f"/case/{number}").get_data(as_text=True)
    assert "举报人评价：不满意" in public and RAW_WORDS not in public
    officer.login("binyang-boss")
    page = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    target = page.select_one("#action-moderate select option[value^='rating-']")["value"]
    response = act(client, number, "moderate", target=target, text="晚上还在排", reason="去掉姓名")
    assert response.status_code == 302
    assert "晚上还在排" in client.get(f"/case/{number}").get_data(as_text=True)
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="moderate").one()
        rating = db.session.query(Rating).one()
        assert entry.actor.startswith("binyang-boss") and "去掉姓名" in entry.reason
        assert RAW_WORDS in rating.reason and rating.public_reason == "晚上还在排"
    officer_page = client.get(f"/officer/case/{number}").get_data(as_text=True)
    assert RAW_WORDS in officer_page and who.phone in officer_page


def test_moderation_needs_a_reason_and_a_known_text(client, officer, app, make_report):
    number, _ = make_report()
    officer.login("binyang-boss")
    refused = act(client, number, "moderate", target="description", text="x", reason="")
    assert refused.status_code == 422 and "审核理由" in refused.get_data(as_text=True)
    unknown = act(client, number, "moderate", target="rating-999", text="x", reason="r")
    assert unknown.status_code == 422 and "请选择要审核的文字" in unknown.get_data(as_text=True)
    with app.app_context():
        report = db.session.query(Report).filter_by(tracking_number=number).one()
        assert report.public_description is None
