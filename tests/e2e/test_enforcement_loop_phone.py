"""The enforcement loop end to end on phones in Debian's Chromium (issue 15): the officer
scans the unit and records an inspection with a problem, the enterprise hears of it by mail
and answers with evidence, the officer verifies and closes the item, and the next build (the
ledger export in its own process, then a build reading it) shows it closed on the unit page
and counts the inspection on the public monthly summary."""

from __future__ import annotations

from playwright.sync_api import expect

from feedback.auth import find_account
from feedback.extensions import db
from generator import clock, urls

from . import journeys as j
from .media import make_photo
from .servers import SiteServer
from .stack import next_build
from .validators import axe_violations, ensure_npm_tools, java_missing, summarize, vnu_errors

CORP = "eco@hongda.e2e.example.com"


def _enterprise_email(stack, address: str) -> None:
    with stack.app.app_context():
        find_account("demo-enterprise").email = address
        db.session.commit()


def _inspect_with_a_problem(phone, stack) -> str:
    """The officer's inspection from the scan view; the ledger item's number."""
    j.fill_inspection_with_a_problem(phone, stack, "王执法、李执法")
    phone.get_by_role("button", name="提交检查").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("现场检查记录")
    return phone.locator("tr[data-item=destination] .ledger-item a").inner_text()


def test_inspection_to_closed_item_on_the_next_build(stack, phone, make_page, shots, tmp_path):
    _enterprise_email(stack, CORP)
    try:
        number = _inspect_with_a_problem(phone, stack)
        shots(phone, "inspection-record")
        mail = j.wait_for_mail(stack, CORP, number)
        assert "拆除软管，封堵暗口。" in mail and f"/enterprise/ledger/{number}" in mail

        enterprise = make_page()
        j.login(enterprise, stack, "enterprise", "demo-enterprise")
        enterprise.goto(f"{stack.app_url}/enterprise/ledger/{number}")
        enterprise.get_by_label("整改情况说明").fill("软管已拆除，暗口已用混凝土封堵。")
        photo = make_photo(tmp_path / "after.jpg")
        enterprise.get_by_label("证明材料（照片或 PDF）").set_input_files(str(photo))
        enterprise.get_by_role("button", name="提交").click()
        expect(enterprise.locator("h1 .state")).to_have_text("企业已反馈")
        shots(enterprise, "enterprise-answered")
        assert enterprise.evaluate("document.documentElement.scrollWidth") <= 360

        phone.goto(f"{stack.app_url}/officer/ledger/item/{number}")
        expect(phone.locator("body")).to_contain_text("软管已拆除")
        phone.get_by_label("整改到位，核实通过").check()
        phone.get_by_role("button", name="提交核实结果").click()
        expect(phone.locator("h1 .state")).to_have_text("整改已核实")
        phone.get_by_role("button", name="销号").click()
        expect(phone.locator("h1 .state")).to_have_text("已销号")
        shots(phone, "officer-closed")
    finally:
        _enterprise_email(stack, "")

    site = tmp_path / "next-site"
    next_build(stack, site)
    server = SiteServer(site).start()
    try:
        citizen = make_page()
        citizen.goto(server.url + urls.unit_path(j.UNIT))
        row = citizen.locator(f"#ledger-{number}")
        expect(row.locator(".ledger-state")).to_contain_text("已销号")
        expect(row.locator(".ledger-state")).to_contain_text(clock.china_today().isoformat())
        expect(row).to_contain_text("私设排水软管")
        shots(citizen, "unit-page-closed")
        month = f"{clock.china_today():%Y-%m}"
        citizen.goto(server.url + urls.ledger_monthly_path(month))
        top = citizen.locator("table.monthly-bodies tbody tr").first
        assert int(top.locator("td.inspections").inner_text()) >= 1
        assert int(top.locator("td.ledger_closed").inner_text()) >= 1
        assert citizen.evaluate("document.documentElement.scrollWidth") <= 360
        shots(citizen, "monthly-summary")
        ensure_npm_tools()
        assert not axe_violations(citizen, "ledger/monthly/<month>/")
        citizen.goto(server.url + urls.ledger_monthly_path())
        expect(citizen.locator("table.monthly-months")).to_contain_text(month)
        assert not axe_violations(citizen, "ledger/monthly/")
        if not java_missing():
            pages = [site / "ledger" / "monthly" / "index.html"]
            pages.append(site / "ledger" / "monthly" / month / "index.html")
            errors = vnu_errors(pages)
            assert not errors, summarize(errors)
    finally:
        server.stop()
