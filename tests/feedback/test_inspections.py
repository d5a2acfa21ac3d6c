"""On-site inspection from the scan: start or resume, drafts that keep everything, one
inspection however often it is submitted, every refusal in plain Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from feedback.extensions import db
from feedback.inspections import service
from feedback.inspections.models import DRAFT, SUBMITTED, Inspection
from feedback.models import Account, AuditEntry
from generator import clock
from tests.feedback.conftest import BINYANG, LIUCHENG
from tests.feedback.inspection_helpers import (
    ITEMS,
    NOON,
    TODAY,
    count,
    inspection,
    start,
    started,
    valid_post,
)


@pytest.fixture(autouse=True)
def _noon():
    with clock.travel(NOON):
        yield


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _messages(response) -> list[str]:
    return [p.get_text(strip=True) for p in _soup(response).select(".error-message")]


def test_unit_page_offers_the_inspection_to_the_units_officers(client, officer):
    officer.login("binyang")
    page = _soup(client.get(f"/officer/unit/{BINYANG}"))
    form = page.select_one(".inspection-start form")
    assert form["action"] == f"/officer/unit/{BINYANG}/inspection"
    assert form.select_one("button").get_text(strip=True) == "开始现场检查"
    other = _soup(client.get(f"/officer/unit/{LIUCHENG}"))
    assert other.select_one(".inspection-start form") is None
    assert "不归您所在的执法机构管辖" in other.select_one(".inspection-start").get_text()


def test_start_writes_a_draft_with_every_checklist_item(app, client, officer):
    officer.login("binyang")
    found = inspection(app, started(client, BINYANG))
    assert found.state == DRAFT and found.unit_code == BINYANG
    assert found.body_id == "nn-binyang"
    assert [a.item for a in found.answers] == ITEMS
    assert [a.title for a in found.answers][:2] == ["排放口规范化建设", "污染物排放去向"]
    assert found.officers == "宾阳执法员"


def test_starting_again_resumes_the_draft(app, client, officer):
    officer.login("binyang")
    token = "a" * 32
    first = started(client, BINYANG)
    again = start(client, BINYANG, token)  # a new start form while a draft is open
    double = start(client, BINYANG, token)  # the same form posted twice
    assert again.headers["Location"] == double.headers["Location"]
    assert again.headers["Location"].endswith(f"/officer/inspection/{first}")
    assert count(app) == 1
    link = _soup(client.get(f"/officer/unit/{BINYANG}")).select_one(".inspection-start a.button")
    assert link.get_text(strip=True) == "继续现场检查"
    assert link["href"] == f"/officer/inspection/{first}"


def test_a_unit_not_published_is_refused_with_its_code(app, client, officer):
    officer.login("binyang")
    response = start(client, "91450126MA5L3K2R5Q999P")
    assert response.status_code == 404
    text = _soup(response).get_text()
    assert "91450126MA5L3K2R5Q999P 不在已发布的单位目录中" in text
    assert count(app) == 0


def test_an_officer_of_another_body_cannot_start(app, client, officer):
    officer.login("liucheng")
    response = start(client, BINYANG)
    assert response.status_code == 403
    text = " ".join(_soup(response).select_one("main, body").get_text().split())
    assert "不归您所在的执法机构（柳州市柳城生态环境局）管辖" in text
    assert count(app) == 0


def test_save_keeps_what_was_typed_and_reopening_resumes_it(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post("save", facts="现场检查发现：<b>雨水口</b>有白色泡沫 & 异味。")
    response = client.post(f"/officer/inspection/{number}", data=post)
    assert response.status_code == 200
    assert _soup(response).select_one("[role=status]").get_text().startswith("已暂存")
    page = _soup(client.get(f"/officer/inspection/{number}"))
    assert page.select_one("textarea#facts").get_text() == post["facts"]
    assert page.select_one("input#started_at")["value"] == "2026-06-10T09:00"
    assert page.select_one("input[name=destination-answer][value=problem]").has_attr("checked")
    assert page.select_one("input#destination-due")["value"] == post["destination-due"]
    assert {i["value"] for i in page.select("input[name=outlets][checked]")} == {"DW001", "DA001"}
    saved = inspection(app, number)
    assert saved.state == DRAFT and saved.present == "赵厂长（环保负责人）"


def test_a_valid_submit_makes_the_inspection_once(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    first = client.post(f"/officer/inspection/{number}", data=valid_post())
    assert first.status_code == 303
    again = client.post(f"/officer/inspection/{number}", data=valid_post())
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert count(app) == 1
    done = inspection(app, number)
    assert done.state == SUBMITTED and done.submitted_at is not None
    problem = next(a for a in done.answers if a.item == "destination")
    assert problem.due == TODAY + dt.timedelta(days=15)
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="inspection").count() == 1
    record = _soup(client.get(f"/officer/inspection/{number}"))
    assert record.select_one("p.facts-found").get_text() == valid_post()["facts"]
    assert record.select_one("tr[data-item=destination] td:nth-of-type(2)").get_text() == "存在问题"
    unit = _soup(client.get(f"/officer/unit/{BINYANG}"))
    assert unit.select_one("ul.inspections a")["href"] == f"/officer/inspection/{number}"


def test_submit_twice_at_the_service_flips_once(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    with app.app_context():
        row = db.session.get(Inspection, number)
        account = db.session.get(Account, row.created_by_id)
        directory = app.extensions["yimatong_directory"]
        assert service.submit(row, account, directory) is True
        assert service.submit(row, account, directory) is False


def test_a_post_that_lost_the_race_never_writes_over_the_record(app, client, officer):
    """A save that runs after another post submitted the draft changes nothing."""
    from feedback.inspections.form import read

    officer.login("binyang")
    number = started(client, BINYANG)
    assert client.post(f"/officer/inspection/{number}", data=valid_post()).status_code == 303
    with app.app_context():
        row = db.session.get(Inspection, number)
        late = read({"facts": "后来的暂存"}, [], [a.item for a in row.answers])
        assert service.save(row, late, ("DW001",)) is False
        assert db.session.get(Inspection, number).facts == valid_post()["facts"]


BAD_POSTS = {
    "end before start": (
        {"ended_at": "2026-06-10T08:00"},
        "ended_at",
        "结束时间 2026-06-10T08:00 应晚于开始时间 2026-06-10T09:00",
    ),
    "end equal to start": ({"ended_at": "2026-06-10T09:00"}, "ended_at", "应晚于开始时间"),
    "start in the future": (
        {"started_at": "2026-06-10T15:00", "ended_at": "2026-06-10T16:00"},
        "started_at",
        "还没有到",
    ),
    "deadline in the past": (
        {"destination-due": "2026-06-01"},
        "destination-due",
        "整改期限 2026-06-01 不晚于今天（2026-06-10）",
    ),
    "deadline today": ({"destination-due": "2026-06-10"}, "destination-due", "不晚于今天"),
    "deadline not a date": (
        {"destination-due": "2026-02-30"},
        "destination-due",
        "不是有效的日期",
    ),
    "problem without resolution": (
        {"destination-resolution": None},
        "destination-resolution",
        "请选择立整立改或限期整改",
    ),
    "deadline without action": ({"destination-action": ""}, "destination-action", "整改要求"),
    "deadline without date": ({"destination-due": ""}, "destination-due", "请填写整改期限"),
    "on the spot without evidence": (
        {"destination-resolution": "on_the_spot"},
        "destination-evidence",
        "请写明现场整改的情况",
    ),
    "problem not described": ({"destination-notes": ""}, "destination-notes", "发现的问题"),
    "item not answered": ({"records-answer": None}, "records-answer", "环境管理台账"),
    "unknown answer": ({"records-answer": "maybe"}, "records-answer", "请从"),
    "one officer": ({"officers": "王执法"}, "officers", "不少于两名"),
    "nobody present": ({"present": ""}, "present", "企业在场人员"),
    "no outlet": ({"outlets": None}, "outlets", "请勾选"),
    "outlet of another unit": ({"outlets": ["DW009"]}, "outlets", "DW009 不属于该单位"),
    "no facts": ({"facts": ""}, "facts", "事实"),
    "problem without basis": ({"basis": ""}, "basis", "法律依据"),
    "problem without reasoning": ({"reasoning": " "}, "reasoning", "说理"),
    "time not a time": ({"started_at": "昨天上午"}, "started_at", "不是有效的时间"),
    "too long": ({"facts": "超" * 4001}, "facts", "最多 4000 个字"),
}


@pytest.mark.parametrize("case", list(BAD_POSTS), ids=list(BAD_POSTS))
def test_a_bad_submit_says_why_and_keeps_the_draft(app, client, officer, case):
    overrides, field, message = BAD_POSTS[case]
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post(**overrides)
    response = client.post(f"/officer/inspection/{number}", data=post)
    assert response.status_code == 422
    page = _soup(response)
    beside = " ".join(p.get_text() for p in page.select(f"[id='{field}-error']"))
    assert message in beside, (case, _messages(response))
    assert message in page.select_one(".error-summary").get_text()
    kept = inspection(app, number)
    assert kept.state == DRAFT
    assert kept.present == (post.get("present") or "")
    typed = page.select_one("textarea#reasoning").get_text()
    assert typed == (post.get("reasoning") or "").strip()


def test_every_problem_is_reported_at_once(client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post(officers="王执法", present="", **{"destination-due": "2026-05-01"})
    response = client.post(f"/officer/inspection/{number}", data=post)
    fields = {p["id"] for p in _soup(response).select(".error-message")}
    assert {"officers-error", "present-error", "destination-due-error"} <= fields


def test_all_compliant_needs_no_basis(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post(basis="", reasoning="", **{"destination-answer": "compliant"})
    assert client.post(f"/officer/inspection/{number}", data=post).status_code == 303
    assert inspection(app, number).problems == []


def test_a_unit_taken_off_the_directory_keeps_the_draft(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    with app.app_context():
        db.session.get(Inspection, number).unit_code = "91450126MA5L3K2R5Q998P"
        db.session.commit()
    response = client.post(f"/officer/inspection/{number}", data=valid_post(outlets=None))
    assert response.status_code == 422
    assert "91450126MA5L3K2R5Q998P 不在已发布的单位目录中" in _soup(response).get_text()
    kept = inspection(app, number)
    assert kept.state == DRAFT and kept.facts == valid_post()["facts"]


def test_another_officers_draft_is_theirs(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    officer.logout()
    officer.login("binyang-boss")
    response = client.get(f"/officer/inspection/{number}")
    assert response.status_code == 403
    assert "只有填写人可以继续填写" in _soup(response).get_text()
    post = client.post(f"/officer/inspection/{number}", data=valid_post())
    assert post.status_code == 403
    assert inspection(app, number).state == DRAFT


def _submitted(client, officer) -> int:
    officer.login("binyang")
    number = started(client, BINYANG)
    assert client.post(f"/officer/inspection/{number}", data=valid_post()).status_code == 303
    officer.logout()
    return number


@pytest.mark.parametrize(
    ("login", "status"),
    [("binyang-boss", 200), ("nanning", 200), ("liucheng", 403)],
)
def test_who_sees_a_submitted_inspection(client, officer, login, status):
    number = _submitted(client, officer)
    officer.login(login)
    for path in (f"/officer/inspection/{number}", f"/officer/inspection/{number}/record.pdf"):
        assert client.get(path).status_code == status, (login, path)
    if status == 403:
        text = _soup(client.get(f"/officer/inspection/{number}")).get_text()
        assert "不归您所在的执法机构" in text


def _paths(number: int) -> list[tuple[str, str]]:
    return [
        ("post", f"/officer/unit/{BINYANG}/inspection"),
        ("get", f"/officer/inspection/{number}"),
        ("post", f"/officer/inspection/{number}"),
        ("get", f"/officer/inspection/{number}/photo/1"),
        ("get", f"/officer/inspection/{number}/record.pdf"),
    ]


def test_every_inspection_page_needs_an_officer_login(app, client, officer):
    number = _submitted(client, officer)
    for method, path in _paths(number):
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert "/officer/login" in response.headers["Location"]
    officer.login("hongda", kind="enterprise")
    for method, path in _paths(number):
        assert getattr(client, method)(path).status_code == 403, path
    assert count(app) == 1


def test_inspection_pages_are_not_cached(client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    response = client.get(f"/officer/inspection/{number}")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_draft_cannot_be_printed_yet(client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    response = client.get(f"/officer/inspection/{number}/record.pdf")
    assert response.status_code == 409
    assert "提交后才能打印" in _soup(response).get_text()


def test_an_unknown_inspection_is_404(client, officer):
    officer.login("binyang")
    assert client.get("/officer/inspection/999").status_code == 404
    assert client.post("/officer/inspection/999", data=valid_post()).status_code == 404
