"""Ledger pages: the enterprise answers its items, the officer verifies, sends back, closes.

Every page is tried as anonymous, the other enterprise, an officer of another body and the
parent body's officer (who may see and act on the items of the bodies under it).
"""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.ledger.models import LedgerEvent, LedgerEvidence, LedgerItem
from generator import clock
from tests.feedback.conftest import PASSWORD
from tests.feedback.ledger_helpers import DAY, open_one, png


@pytest.fixture(autouse=True)
def _on_the_day():
    with clock.travel(DAY):
        yield


@pytest.fixture
def item(app) -> str:
    """A Binyang item with a deadline, with an internal note; its public number."""
    with app.app_context():
        found = open_one(detail="内部：企业负责人态度消极，复查时带执法记录仪。")
        db.session.commit()
        return found.number


def _login(client, login: str, kind: str) -> None:
    client.post(f"/{kind}/login", data={"login": login, "password": PASSWORD})


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _item(app, number: str) -> LedgerItem:
    with app.app_context():
        found = db.session.scalar(select(LedgerItem).where(LedgerItem.number == number))
        db.session.expunge(found)
        return found


def _events(app, number: str) -> list[str]:
    with app.app_context():
        query = select(LedgerEvent.kind).join(LedgerItem).where(LedgerItem.number == number)
        return list(db.session.scalars(query.order_by(LedgerEvent.id)))


def _answer(client, number: str, files=()):
    data = {"text": "已按要求设置标志牌。", "files": list(files)}
    return client.post(
        f"/enterprise/ledger/{number}", data=data, content_type="multipart/form-data"
    )


def test_anonymous_is_sent_to_the_logins(client, item):
    for path, login in (
        ("/enterprise/ledger/", "/enterprise/login"),
        (f"/enterprise/ledger/{item}", "/enterprise/login"),
        (f"/officer/ledger/item/{item}", "/officer/login"),
    ):
        response = client.get(path)
        assert response.status_code == 302 and login in response.headers["Location"]
    assert client.post(f"/officer/ledger/item/{item}/close").status_code == 302


def test_the_enterprise_sees_its_items_but_never_the_internal_note(client, item):
    _login(client, "hongda", "enterprise")
    page = _soup(client.get("/enterprise/ledger/"))
    assert [a.get_text() for a in page.select("tr.ledger-row a")] == [item]
    detail = client.get(f"/enterprise/ledger/{item}")
    assert detail.status_code == 200 and "private, no-store" in detail.headers["Cache-Control"]
    soup = _soup(detail)
    assert soup.select_one(".ledger-title").get_text() == "废水排放口标志牌缺失"
    assert soup.select("form.ledger-answer")
    assert "态度消极" not in detail.get_data(as_text=True)


def test_another_enterprise_and_officers_cannot_use_the_enterprise_pages(client, item):
    _login(client, "yongfeng", "enterprise")
    assert _soup(client.get("/enterprise/ledger/")).select("tr.ledger-row") == []
    assert client.get(f"/enterprise/ledger/{item}").status_code == 403
    assert _answer(client, item).status_code == 403
    client.post("/enterprise/logout")
    _login(client, "binyang", "officer")
    assert client.get(f"/enterprise/ledger/{item}").status_code == 403
    assert client.get("/enterprise/ledger/").status_code == 403


def test_the_answer_with_evidence_moves_the_item_and_keeps_the_files(client, app, item):
    _login(client, "hongda", "enterprise")
    pdf = (io.BytesIO(b"%PDF-1.4 minimal"), "整改报告.pdf")
    response = _answer(client, item, [(io.BytesIO(png()), "牌子.png"), pdf])
    assert response.status_code == 302
    assert _item(app, item).state == "answered"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LedgerEvidence)) == 2
    links = _soup(client.get(f"/enterprise/ledger/{item}")).select(".evidence a")
    assert len(links) == 2
    photo = client.get(links[0]["href"])
    assert photo.status_code == 200 and photo.mimetype == "image/png"


def test_a_double_submit_makes_one_answer(client, app, item):
    _login(client, "hongda", "enterprise")
    assert _answer(client, item).status_code == 302
    again = _answer(client, item)
    assert again.status_code == 422
    assert "已反馈或已销号" in _soup(again).select_one(".error-summary").get_text()
    assert _events(app, item) == ["open", "answer"]


def test_bad_evidence_is_refused_and_nothing_is_written(client, app, item):
    _login(client, "hongda", "enterprise")
    response = _answer(client, item, [(io.BytesIO(b"MZ\x90\x00 exe"), "report.pdf")])
    assert response.status_code == 422
    assert _item(app, item).state == "open" and _events(app, item) == ["open"]
    soup = _soup(response)
    assert soup.select_one("textarea").get_text().strip() == "已按要求设置标志牌。"


def test_an_answer_to_a_closed_item_is_refused(client, app):
    with app.app_context():
        closed = open_one("spot", due_on=None)
        db.session.commit()
        number = closed.number
    _login(client, "hongda", "enterprise")
    page = _soup(client.get(f"/enterprise/ledger/{number}"))
    assert not page.select("form.ledger-answer")
    response = _answer(client, number)
    assert response.status_code == 422 and "已销号" in response.get_data(as_text=True)
    assert _events(app, number) == ["fix_on_spot"]


def test_officer_pages_by_body(client, item):
    _login(client, "hongda", "enterprise")
    assert client.get(f"/officer/ledger/item/{item}").status_code == 403
    client.post("/enterprise/logout")
    _login(client, "liucheng", "officer")
    assert client.get(f"/officer/ledger/item/{item}").status_code == 403
    review = {"review-decision": "verify"}
    assert client.post(f"/officer/ledger/item/{item}/review", data=review).status_code == 403
    client.post("/officer/logout")
    _login(client, "nanning", "officer")  # the parent body
    page = client.get(f"/officer/ledger/item/{item}")
    assert page.status_code == 200 and "态度消极" in page.get_data(as_text=True)


def test_the_officer_sends_back_verifies_and_closes(client, app, item):
    _login(client, "hongda", "enterprise")
    _answer(client, item, [(io.BytesIO(png()), "牌子.png")])
    client.post("/enterprise/logout")
    _login(client, "binyang", "officer")
    base = f"/officer/ledger/item/{item}"
    early = client.post(f"{base}/close", data={})
    assert early.status_code == 422 and "未经核实" in early.get_data(as_text=True)
    bare = client.post(f"{base}/review", data={"review-decision": "send_back"})
    assert bare.status_code == 422 and "原因" in bare.get_data(as_text=True)
    assert _item(app, item).state == "answered"
    reason = {"review-decision": "send_back", "review-text": "照片看不清。"}
    assert client.post(f"{base}/review", data=reason).status_code == 302
    client.post("/officer/logout")
    _login(client, "hongda", "enterprise")
    assert "照片看不清。" in client.get(f"/enterprise/ledger/{item}").get_data(as_text=True)
    _answer(client, item)
    client.post("/enterprise/logout")
    _login(client, "nanning", "officer")
    assert client.post(f"{base}/review", data={"review-decision": "verify"}).status_code == 302
    assert client.post(f"{base}/close", data={}).status_code == 302
    done = _item(app, item)
    assert done.state == "closed" and done.closed_on == DAY
    assert _events(app, item) == ["open", "answer", "send_back", "answer", "verify", "close"]


def test_evidence_files_by_audience(client, app, item):
    _login(client, "hongda", "enterprise")
    _answer(client, item, [(io.BytesIO(png()), "牌子.png")])
    with app.app_context():
        file_id = db.session.scalar(select(LedgerEvidence.attachment_id))
    client.post("/enterprise/logout")
    _login(client, "yongfeng", "enterprise")
    assert client.get(f"/enterprise/ledger/file/{file_id}").status_code == 403
    client.post("/enterprise/logout")
    _login(client, "liucheng", "officer")
    assert client.get(f"/officer/ledger/file/{file_id}").status_code == 403
    client.post("/officer/logout")
    _login(client, "nanning", "officer")
    original = client.get(f"/officer/ledger/file/{file_id}")
    assert original.status_code == 200
    assert original.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/officer/ledger/preview/{file_id}").mimetype == "image/png"
    assert client.get("/officer/ledger/file/99999").status_code == 404
    assert client.get("/enterprise/ledger/file/99999").status_code == 403  # not an enterprise
    assert client.get(f"/officer/file/{file_id}").status_code == 404  # no report's file
