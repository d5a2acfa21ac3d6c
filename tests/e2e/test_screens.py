"""Screens changed for issue 18 at 360 px and 1280 px in Debian's Chromium, with screenshots.

Each screen is checked to fit its width (no sideways scrolling) and its main parts are looked
for; the screenshots land in test-artifacts/e2e/<test>/ for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from generator import urls

from . import journeys as j


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


@pytest.mark.parametrize("desktop", [False, True], ids=["360px", "1280px"])
def test_report_form_summary_case_deadlines_and_the_console(
    stack, browser, shots, tmp_path, desktop
) -> None:
    from .stack import DESKTOP, PHONE, new_context

    context = new_context(browser, DESKTOP if desktop else PHONE, mobile=not desktop)
    page = context.new_page()
    try:
        # An empty submit: the summary lists what to fix; its first link lands on the input.
        page.goto(urls.report_url(stack.app_url, j.UNIT))
        page.get_by_role("button", name="提交举报").click()
        summary = page.locator(".error-summary")
        expect(summary).to_contain_text("请改正")
        _fits(page)
        shots(page, "report-form-errors")
        summary.locator("li a").first.click()
        assert page.evaluate("location.hash") == "#category-0"
        # File it properly: the public case page shows its deadlines.
        j.fill_report(page, None)
        number, _private = j.submit_report(page)
        page.goto(f"{stack.app_url}/case/{number}")
        expect(page.locator("section.deadlines")).to_contain_text("受理期限")
        _fits(page)
        shots(page, "public-case-deadlines")
        # The form for the same unit now offers the open case first.
        page.goto(urls.report_url(stack.app_url, j.UNIT))
        expect(page.locator("section.open-cases")).to_contain_text(number)
        shots(page, "report-form-open-cases")
        # The search page: results first, filters folded under them on a phone.
        page.goto(f"{stack.app_url}/search?q=宏达")
        expect(page.locator("ol.search-results li").first).to_be_visible()
        _fits(page)
        shots(page, "search-results")
        # The officer's queue and case page: next step first, refusal folded and apart.
        j.login(page, stack, "officer", "demo-officer")
        _fits(page)
        shots(page, "officer-queue")
        j.open_from_queue(page, number)
        expect(page.locator(".actions-next #action-accept")).to_be_visible()
        expect(page.locator("#action-not_accept")).to_be_hidden()
        page.locator("details:has(#action-not_accept) summary").click()
        expect(page.locator("#action-not_accept button")).to_be_visible()
        _fits(page)
        shots(page, "officer-case")
    finally:
        context.close()
