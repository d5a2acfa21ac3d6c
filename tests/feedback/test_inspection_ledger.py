"""Each problem an inspection finds is one ledger item: 限期整改 open with its deadline, 立整立改
closed with its evidence; never twice; nothing half-written; nobody present reaches outside."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from feedback.extensions import db
from feedback.inspections import service
from feedback.inspections.ledger import present_names
from feedback.inspections.models import DRAFT, Inspection
from feedback.ledger import export as ledger_export
from feedback.ledger.checks import LedgerError
from feedback.ledger.models import LedgerItem
from feedback.models import Account
from generator import clock
from tests.feedback.conftest import BINYANG, png_bytes
from tests.feedback.inspection_helpers import NOON, TODAY, count, started, valid_post


@pytest.fixture(autouse=True)
def _noon():
    with clock.travel(NOON):
        yield


def _items(app) -> list[LedgerItem]:
    with app.app_context():
        items = list(db.session.scalars(select(LedgerItem).order_by(LedgerItem.id)))
        for item in items:
            _ = [(e.kind, e.files) for e in item.events]
        db.session.expunge_all()
        return items


ON_THE_SPOT = {
    "outlet-answer": "problem",
    "outlet-notes": "DW001 标志牌缺失。",
    "outlet-resolution": "on_the_spot",
    "outlet-evidence": "企业当场补设标志牌。",
}


def test_a_deadline_opens_an_item_and_on_the_spot_closes_one(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post(**ON_THE_SPOT)
    post["outlet-evidence_photos"] = [(io.BytesIO(png_bytes()), "after.png")]
    response = client.post(
        f"/officer/inspection/{number}", data=post, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    deadline, spot = sorted(_items(app), key=lambda i: i.source_ref)
    assert (deadline.source, deadline.source_ref) == ("inspection", f"{number}:destination")
    assert deadline.state == "open" and deadline.due_on == TODAY + dt.timedelta(days=15)
    assert deadline.action == "拆除软管，封堵暗口，提交整改报告。"
    assert deadline.title == "污染物排放去向：私设排水软管通向厂外沟渠。"
    assert deadline.body_id == "nn-binyang" and deadline.found_on == TODAY
    assert spot.source_ref == f"{number}:outlet" and spot.state == "closed"
    assert spot.action == "现场已整改：企业当场补设标志牌。"
    assert [f.filename for e in spot.events for f in e.files] == ["after.png"]
    record = BeautifulSoup(client.get(f"/officer/inspection/{number}").data, "html.parser")
    link = record.select_one("tr[data-item=destination] .ledger-item a")
    assert link.get_text() == deadline.number
    assert client.get(link["href"]).status_code == 200


def test_submitting_again_opens_no_second_item(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    for _ in range(2):
        client.post(f"/officer/inspection/{number}", data=valid_post())
    with app.app_context():
        row = db.session.get(Inspection, number)
        account = db.session.get(Account, row.created_by_id)
        assert service.submit(row, account, app.extensions["yimatong_directory"]) is False
    assert len(_items(app)) == 1


def test_a_refused_item_leaves_the_draft_and_no_item(app, client, officer):
    """The ledger refuses a problem found after today: the whole submit is undone."""
    officer.login("binyang")
    number = started(client, BINYANG)
    client.post(f"/officer/inspection/{number}", data=valid_post("save"))
    with app.app_context():
        row = db.session.get(Inspection, number)
        row.started_at = clock.utcnow() + dt.timedelta(days=2)
        db.session.commit()
        account = db.session.get(Account, row.created_by_id)
        with pytest.raises(LedgerError, match="晚于今天"):
            service.submit(row, account, app.extensions["yimatong_directory"])
    assert _items(app) == []
    with app.app_context():
        assert db.session.get(Inspection, number).state == DRAFT
    assert count(app) == 1


def test_present_names_drop_their_roles():
    assert present_names("欧阳明珠（环保负责人）、王强(厂长)\n李") == ("欧阳明珠", "王强")


def test_who_was_present_reaches_no_outside_output(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post(
        present="欧阳明珠（环保负责人），电话 13712345678",
        **{
            "destination-notes": "欧阳明珠称软管是临时的，可打 13712345678 联系。",
            "destination-action": "欧阳明珠负责拆除软管。",
        },
    )
    assert client.post(f"/officer/inspection/{number}", data=post).status_code == 303
    outputs = {"ledger export": ledger_export.dumps(_export(app))}
    outputs["officer ledger CSV"] = client.get("/officer/ledger/export.csv").get_data(as_text=True)
    officer.logout()
    officer.login("hongda", kind="enterprise")
    listing = client.get("/enterprise/ledger/").get_data(as_text=True)
    outputs["enterprise ledger"] = listing
    for link in BeautifulSoup(listing, "html.parser").select("tr.ledger-row a"):
        outputs[link["href"]] = client.get(link["href"]).get_data(as_text=True)
    assert len(outputs) == 4  # the one item's page was reached
    for name, text in outputs.items():
        assert "欧阳明珠" not in text and "13712345678" not in text, name
    items = json.loads(outputs["ledger export"])["items"]
    assert items and "软管" in items[0]["title"]


def _export(app) -> dict:
    with app.app_context():
        return ledger_export.export_data(clock.china_today())
