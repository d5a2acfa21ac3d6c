"""An on-site inspection on a phone in Debian's Chromium: from the unit's working view, a
failed submit that keeps everything, the fix, the record, its PDF and the ledger item."""

from __future__ import annotations

from playwright.sync_api import expect

from . import journeys as j


def test_an_inspection_from_the_scan_on_a_phone(stack, phone, shots) -> None:
    j.fill_inspection_with_a_problem(phone, stack, "王执法")  # one officer: refused below
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
