"""An on-site inspection on a phone in Debian's Chromium: from the unit's working view, a
failed submit that keeps everything, the fix, the record, its PDF and the ledger item."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from generator import clock

from . import journeys as j


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(clock.CHINA).strftime("%Y-%m-%dT%H:%M")


def test_an_inspection_from_the_scan_on_a_phone(stack, phone, shots) -> None:
    now = clock.now()
    j.login(phone, stack, "officer", "demo-officer")
    phone.goto(f"{stack.app_url}/officer/unit/{j.UNIT}")
    phone.get_by_role("button", name="开始现场检查").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("现场检查")
    phone.get_by_label("执法人员").fill("王执法")  # one officer: refused below
    phone.get_by_label("企业在场人员").fill("赵厂长（环保负责人）")
    phone.get_by_label("开始时间").fill(_local(now - dt.timedelta(hours=2)))
    phone.get_by_label("结束时间").fill(_local(now - dt.timedelta(hours=1)))
    phone.get_by_label("DW001").check()
    for section in phone.locator("section.inspection-item").all():
        section.get_by_label("符合", exact=True).check()
    item = phone.locator("#item-destination")
    item.get_by_label("存在问题", exact=True).check()
    item.get_by_label("情况记录").fill("私设排水软管通向厂外沟渠。")
    item.get_by_label("限期整改", exact=True).check()
    item.get_by_label("整改要求（限期整改）").fill("拆除软管，封堵暗口。")
    due = clock.china_today() + dt.timedelta(days=14)
    item.get_by_label("整改期限（限期整改）").fill(due.isoformat())
    phone.get_by_label("检查发现的事实").fill("总排口旁发现未登记的排水软管。")
    phone.get_by_label("许可证要求或法律依据").fill("许可证载明的排放口仅 DW001。")
    phone.get_by_label("说理", exact=True).fill("软管绕过监测设施排水，违反许可证规定。")
    phone.get_by_role("button", name="提交检查").click()
    expect(phone.locator(".error-summary")).to_contain_text("不少于两名")
    expect(phone.get_by_label("检查发现的事实")).to_have_value("总排口旁发现未登记的排水软管。")
    shots(phone, "inspection-refused")
    phone.get_by_label("执法人员").fill("王执法、李执法")
    phone.get_by_role("button", name="提交检查").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("现场检查记录")
    shots(phone, "inspection-record")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    ledger = phone.locator("tr[data-item=destination] .ledger-item a")
    number = ledger.inner_text()
    href = phone.get_by_role("link", name="打印检查笔录（PDF）").get_attribute("href")
    pdf = phone.request.get(f"{stack.app_url}{href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    ledger.click()
    expect(phone.locator("body")).to_contain_text(number)
    expect(phone.locator("body")).to_contain_text("拆除软管，封堵暗口。")
