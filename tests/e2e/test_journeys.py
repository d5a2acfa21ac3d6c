"""Issue 9 journeys in Debian's Chromium: phone for the public, desktop for officers.

Each step leaves a screenshot in test-artifacts/e2e/<test>/.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from generator import urls

from . import journeys as j
from .media import decode_qr, on_host

UNIT = j.UNIT


def test_qr_code_leads_to_unit_page_and_report_form(stack, phone, shots) -> None:
    """Journey 1: scan the gate QR, read permit and monitoring, follow 'report a problem'."""
    address = j.scan_unit_qr(stack, UNIT)
    assert address == urls.absolute(stack.site_url, urls.unit_path(UNIT))
    j.open_unit_page(phone, address)
    shots(phone, "unit-page")
    j.read_permit_and_monitoring(phone)
    shots(phone, "permit-and-monitoring")
    j.follow_report_link(phone, stack)
    assert phone.url == urls.report_url(stack.app_url, UNIT)
    shots(phone, "report-form")


def test_outlet_qr_code_leads_to_outlet_page(stack, phone, shots) -> None:
    """Journey 1 at an outlet sign (HJ 1297): the outlet's own code opens the outlet's page."""
    png = stack.site_dir / urls.outlet_path(UNIT, "DW001").strip("/") / "qr.png"
    address = on_host(decode_qr(png), stack.site_url)
    assert address == urls.absolute(stack.site_url, urls.outlet_path(UNIT, "DW001"))
    phone.goto(address)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("DW001 废水总排放口")
    shots(phone, "outlet-page")
    j.follow_report_link(phone, stack)
    shots(phone, "report-form")


def test_search_box_finds_unit_by_name_fragment(stack, phone, shots) -> None:
    """Journey 6: the static page's search box finds the unit by part of its name."""
    phone.goto(stack.site_url + "/")
    shots(phone, "home")
    j.search_from_static_page(phone, "宏达糖业")
    assert phone.url.startswith(stack.app_url + "/search")
    shots(phone, "search-results")
    link = phone.get_by_role("link", name=re.compile(j.UNIT_NAME)).first
    link.click()
    phone.wait_for_url(urls.absolute(stack.site_url, urls.unit_path(UNIT)))
    shots(phone, "unit-from-search")


def test_report_is_handled_from_filing_to_rating(
    stack, phone, desktop, make_page, shots, tmp_path
) -> None:
    """Journeys 2-5: file with a photo, officer handles, enterprise rectifies, reporter rates."""
    who = j.Actors(citizen=phone, officer=desktop, enterprise=make_page(desktop=True))
    number = j.report_lifecycle(stack, who, shots, tmp_path)
    phone.goto(f"{stack.app_url}/case/{number}")
    timeline = phone.locator("ol.timeline")
    for label in j.PUBLIC_STEPS:
        assert label in timeline.inner_text()
    assert j.REPORTER_EMAIL not in phone.locator("body").inner_text()
    shots(phone, "public-case-final")
