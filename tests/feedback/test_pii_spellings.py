"""Second round of masking attacks: spellings the first patterns did not foresee."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from feedback.extensions import db
from feedback.pii import MASKS, fold, has_personal_data, mask
from generator import clock

#: (written as, what must vanish).
SPELLED = [
    ("138加0013加8000", "0013"),
    ("138和0013和8000", "0013"),
    ("138的0013的8000", "0013"),
    ("159 再加 8765 再加 4321", "8765"),
    ("一三八 零零一三 八零零零", "零零一三"),
    ("1\u30003\u30008\u30000\u30000\u30001\u30003\u30008\u30000\u30000\u30000", "3\u30008\u30000"),
    ("①③⑧⓪⓪①③⑧⓪⓪⓪", "⑧⓪⓪①"),
    ("❶❸❾❶❷❸❹❺❻❼❽", "❷❸❹"),
    ("1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣", "8️⃣0️⃣0️⃣1️⃣"),
    ("㊀㊂㊇㊀㊁㊂㊃㊄㊅㊆㊇", "㊁㊂㊃"),
    ("138、0013、8000", "0013"),
    ("138；0013；8000", "0013"),
    ("138~0013~8000", "0013"),
    ("138*0013*8000", "0013"),
    ("138 ** 0013 ** 8000", "0013"),
    ("+86—138—0013—8000", "0013"),
    ("手机尾号 8000", "8000"),
    ("zhang at sign qq.com", "zhang"),
    ("zhang 圈 qq.com", "zhang"),
    ("zhang小老鼠qq点com", "zhang"),
    ("email: zhang dot san at gmail dot com", "zhang"),
    ("zhang.san(at)163(dot)com", "zhang.san"),
    ("身份证 450102-1985-0312-002x", "0312"),
    ("身份证 450102 19850312 002x", "19850312"),
    ("q q 12345678", "12345678"),
    ("企鹅号：87654321", "87654321"),
    ("威信 zhangsan1990", "zhangsan1990"),
    ("wx：wxid_abcdef123", "wxid_abcdef123"),
    ("加v zhangsan1990", "zhangsan1990"),
    ("我是王小明，就住在厂边", "王小明"),
    ("举报人：陈秀英。", "陈秀英"),
    ("本人欧阳娜娜", "欧阳娜娜"),
    ("我姓黄", "黄"),
]

#: Ordinary texts that must stay as written (also licence plates: they name the polluting
#: vehicle far more often than the reporter, and moderation decides the rare other case).
KEPT = [
    "我是周边居民，每天闻到臭味",
    "我是路过的，看到排水沟发黑",
    "本人于昨日发现，本人居住在附近",
    "我是一名退休教师",
    "车牌 桂A12345 的罐车夜里偷排",
    "2026年1月13日至15日，3号、5号排放口",
    "请于2026年12月31日前完成整改，逾期按日计罚",
    "罚款 138,000 元",
    "排放口 138 号井",
    "COD 138 mg/L，氨氮 13 mg/L",
]


def _due() -> str:
    """A rectification deadline a month on (the ledger refuses one in the past)."""
    return (clock.china_today() + dt.timedelta(days=30)).isoformat()


@pytest.mark.parametrize(("text", "secret"), SPELLED)
def test_other_spellings_are_masked(text, secret):
    masked = mask(f"情况如下：{text}，请处理。")
    assert secret not in masked and fold(secret) not in fold(masked), masked
    assert any(label in masked for label in MASKS.values())
    assert masked.startswith("情况如下：") and masked.endswith("，请处理。")


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_words_after_wo_shi_and_numbers_are_kept(text):
    assert mask(text) == text and not has_personal_data(text)


def test_the_reporters_own_phone_split_by_words_is_masked():
    masked = mask("请回电一三六加一二三四加五六七八", ("13612345678",))
    assert "一二三四" not in masked and "〔电话已隐去〕" in masked


@pytest.mark.parametrize("text", ["138加" * 2000, "1" + "加1" * 3000, "①、" * 3000])
def test_grouped_patterns_stay_linear(text):
    started = time.perf_counter()
    mask(text)
    assert time.perf_counter() - started < 1.5


#: Contacts written the way the first patterns missed, typed by officers and the enterprise.
SPELLED_CONTACTS = {
    "phone": "一三九加八七六五加四三二一",
    "circled": "①⑤⑧⓪⓪⓪⓪①①①①",
    "email": "li dot si at gmail dot com",
    "qq": "企鹅号 87654321",
    "id": "450102-1985-0312-002x",
}


def test_spelled_contacts_in_officer_and_enterprise_texts_reach_no_outside_output(
    client, officer, app
):
    """Replies, rectification orders and an enterprise answer carry spelled contacts."""
    from tests.feedback.test_identity_paths import (
        IDENTITIES,
        _enterprise_answers,
        _file_by_web,
        _leaks,
        _outside,
    )
    from tests.feedback.test_officer import act

    who = IDENTITIES[0]
    number, _link = _file_by_web(client, who)
    spelled = "，".join(SPELLED_CONTACTS.values())
    with app.app_context():
        from feedback.auth import find_account

        find_account("hongda").email = "notice@hongda.example"
        db.session.commit()
    officer.login("binyang")
    act(client, number, "accept", text=f"已受理，请回电 {SPELLED_CONTACTS['phone']}")
    act(client, number, "investigate")
    act(client, number, "conclude", finding="substantiated", action_taken="罚款", text=spelled)
    act(client, number, "order_rectification", requirement=f"整改，联系 {spelled}", due=_due())
    officer.logout()
    _enterprise_answers(client, officer, number, who, f"已联系举报人：{spelled}")
    outputs = _outside(client, officer, app, [number], who)
    values = tuple(SPELLED_CONTACTS.values()) + ("87654321", "0312")
    leaks = {name: _leaks(text, values) for name, text in outputs.items()}
    assert not {name: found for name, found in leaks.items() if found}
    assert "〔电话已隐去〕" in outputs["enterprise case"]
