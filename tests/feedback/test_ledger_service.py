"""The problem ledger's service: opening items (idempotent), the state table, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.ledger import service
from feedback.ledger.models import LedgerEvent, LedgerEvidence, LedgerItem
from feedback.ledger.states import LEDGER_ACTIONS, LedgerState, can, is_overdue
from feedback.models import Attachment
from feedback.photos import DecodeBudget, PhotoLimits, check_photo
from generator import clock
from tests.feedback.ledger_helpers import BINYANG, DAY, LIUCHENG, account, open_one, png


@pytest.fixture
def ctx(app):
    """An app context on the ledger tests' day."""
    with clock.travel(DAY), app.app_context():
        yield app


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_open_item_makes_one_open_item_with_a_public_number_and_an_event(ctx):
    item = open_one()
    db.session.commit()
    assert item.number == f"L{DAY.year}-{item.id:06d}"
    assert item.state == "open" and item.found_on == DAY and item.closed_on is None
    assert item.county_code == "450126" and item.outlet == "DW001"
    [event] = item.events
    assert (event.kind, event.state_after, event.actor_kind) == ("open", "open", "officer")


def test_the_same_source_record_twice_is_one_item(ctx):
    first = open_one("insp-7")
    db.session.commit()
    again = open_one("insp-7", title="另一种说法")
    db.session.commit()
    assert again.id == first.id and again.title == "废水排放口标志牌缺失"
    assert _count(LedgerItem) == 1 and _count(LedgerEvent) == 1


def test_the_same_ref_from_another_source_is_another_item(ctx):
    open_one("42")
    open_one("42", source="monitoring")
    db.session.commit()
    assert _count(LedgerItem) == 2


def test_fixed_on_the_spot_is_created_closed_with_its_evidence(ctx):
    photo = check_photo(png(), "现场.png", DecodeBudget(PhotoLimits.from_config(ctx.config)))
    item = open_one("insp-spot", due_on=None, fixed_evidence=[photo])
    db.session.commit()
    assert item.state == "closed" and item.closed_on == DAY and item.due_on is None
    [event] = item.events
    assert event.kind == "fix_on_spot" and len(event.files) == 1
    assert event.files[0].content_type == "image/png"
    storage = ctx.extensions["yimatong_storage"]
    assert storage.get(event.files[0].public_key)


def test_an_already_stored_file_is_linked_not_copied(ctx):
    attachment = Attachment(
        original_key="original/x.png", public_key="public/x.png", content_type="image/png", size=3
    )
    db.session.add(attachment)
    db.session.flush()
    open_one("insp-linked", due_on=None, fixed_evidence=[attachment])
    db.session.commit()
    assert _count(Attachment) == 1 and _count(LedgerEvidence) == 1


def test_every_problem_of_a_bad_item_is_reported_and_nothing_is_written(ctx):
    with pytest.raises(service.LedgerError) as caught:
        open_one(
            "bad-1",
            unit_code="91450000XXXXXXXXXX001P",
            source="rumour",
            title=" ",
            body_id="nowhere",
        )
    message = str(caught.value)
    assert "4 处问题" in message
    assert "91450000XXXXXXXXXX001P" in message and "rumour" in message
    assert "title" in message and "nowhere" in message
    db.session.rollback()
    assert _count(LedgerItem) == 0 and _count(LedgerEvent) == 0


@pytest.mark.parametrize(
    "overrides, words",
    [
        ({"due_on": DAY - dt.timedelta(days=1)}, "已经过去"),
        (
            {"found_on": DAY - dt.timedelta(days=5), "due_on": DAY - dt.timedelta(days=6)},
            "早于发现日期",
        ),
        ({"found_on": DAY + dt.timedelta(days=1)}, "晚于今天"),
        ({"outlet": "DW999"}, "DW999"),
        ({"unit_code": LIUCHENG, "outlet": ""}, "管辖范围"),
        ({"body_id": "lz-liucheng", "unit_code": LIUCHENG, "outlet": ""}, "管辖范围"),
        ({"actor_login": "hongda"}, "只有执法人员"),
        ({"source_ref": "  "}, "来源编号"),
    ],
)
def test_bad_fields_are_refused_in_chinese(ctx, overrides, words):
    overrides = dict(overrides)
    if "actor_login" in overrides:
        overrides["actor"] = account(overrides.pop("actor_login"))
    if overrides.get("unit_code") == LIUCHENG and "body_id" not in overrides:
        overrides["body_id"] = "nn-binyang"
        overrides["actor"] = account("liucheng")
    with pytest.raises(service.LedgerError, match=words):
        open_one("bad-field", **overrides)
    db.session.rollback()
    assert _count(LedgerItem) == 0


def test_a_past_record_may_be_entered_with_its_own_dates(ctx):
    found = DAY - dt.timedelta(days=40)
    item = open_one("old", found_on=found, due_on=found + dt.timedelta(days=30))
    db.session.commit()
    assert item.number.startswith(f"L{found.year}-")
    assert is_overdue(item.state, item.due_on, DAY)


def test_the_whole_loop_answer_verify_close(ctx):
    item = open_one()
    service.answer(item, account("hongda"), "已设置标志牌，见照片。")
    assert item.state == "answered"
    service.verify(item, account("binyang"))
    service.close(item, account("nanning"))  # the parent body may close its child's items
    db.session.commit()
    assert item.state == "closed" and item.closed_on == DAY
    kinds = [(e.kind, e.state_before, e.state_after) for e in item.events]
    assert kinds == [
        ("open", "", "open"),
        ("answer", "open", "answered"),
        ("verify", "answered", "verified"),
        ("close", "verified", "closed"),
    ]


def test_send_back_then_answer_again(ctx):
    item = open_one()
    service.answer(item, account("hongda"), "已整改。")
    with pytest.raises(service.LedgerError, match="原因"):
        service.send_back(item, account("binyang"), "  ")
    service.send_back(item, account("binyang"), "照片看不清标志牌。")
    assert item.state == "sent_back"
    service.answer(item, account("hongda"), "补充了清晰的照片。")
    assert item.state == "answered"


@pytest.mark.parametrize(
    "steps, refused, words",
    [
        ([], "close", "未经核实"),
        (["answer"], "close", "未经核实"),
        ([], "verify", "尚未核实"),
        (["answer", "verify", "close"], "answer", "已销号"),
        (["answer"], "answer", "已反馈"),
    ],
)
def test_actions_out_of_turn_are_refused(ctx, steps, refused, words):
    item = open_one()
    run = {
        "answer": lambda: service.answer(item, account("hongda"), "已整改。"),
        "verify": lambda: service.verify(item, account("binyang")),
        "close": lambda: service.close(item, account("binyang")),
    }
    for step in steps:
        run[step]()
    before = item.state
    with pytest.raises(service.LedgerError, match=words):
        run[refused]()
    assert item.state == before


def test_other_enterprise_and_other_body_are_refused(ctx):
    item = open_one()
    with pytest.raises(service.LedgerError, match="不属于您的单位"):
        service.answer(item, account("yongfeng"), "不是我的")
    with pytest.raises(service.LedgerError, match="不属于您的单位"):
        service.answer(item, account("binyang"), "officer is not the enterprise")
    service.answer(item, account("hongda"), "已整改。")
    with pytest.raises(service.LedgerError, match="管辖范围"):
        service.verify(item, account("liucheng"))
    assert item.state == "answered"


def test_the_state_table_is_consistent():
    assert all(can(name, s) for name, a in LEDGER_ACTIONS.items() for s in a.sources)
    assert not can("close", LedgerState.ANSWERED)
    assert not is_overdue("closed", DAY - dt.timedelta(days=9), DAY)
    assert not is_overdue("open", DAY, DAY) and is_overdue("open", DAY - dt.timedelta(days=1), DAY)
    assert not is_overdue("open", None, DAY)


def test_enterprise_account_of_unit_sees_only_its_items(ctx):
    item = open_one()
    assert service.enterprise_sees(account("hongda"), item)
    assert not service.enterprise_sees(account("yongfeng"), item)
    assert BINYANG == item.unit_code


def test_docs_tables_are_the_tables():
    from pathlib import Path

    from feedback.ledger.states import markdown

    text = (Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text("utf-8")
    start = "<!-- generated: feedback.ledger.states.markdown() -->\n"
    assert text.split(start, 1)[1].split("<!-- end generated -->", 1)[0] == markdown()
