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
        # File it properly, with the place pinned by typed coordinates (the form's pin).
        j.fill_report(page, None)
        pin = page.locator("fieldset.place-pin")
        pin.locator("input[name=place_lat]").fill("22.88")
        pin.locator("input[name=place_lon]").fill("108.95")
        _fits(page)
        pin.scroll_into_view_if_needed()
        shots(page, "report-form-place-pin")
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
        # The pinned place, for officers only, with the map apps' links.
        expect(page.locator(".pinned-place .coordinates")).to_have_text("22.880000, 108.950000")
        page.locator(".pinned-place").scroll_into_view_if_needed()
        shots(page, "officer-case-pinned-place")
    finally:
        context.close()


@pytest.fixture(scope="module")
def nearby_site(tmp_path_factory: pytest.TempPathFactory):
    """The fixture content with two more units 300 m and 1.2 km from the key unit, built and
    served (a unit page with a nearby list)."""
    import shutil

    import yaml

    from generator.build.run import build
    from tests.generator.site_helpers import BASE_URL, FIXTURE, on_fixture_day, overrides
    from tests.generator.unit_records import copy_unit

    from .servers import SiteServer

    tmp = tmp_path_factory.mktemp("nearby-site")
    content = tmp / "content"
    shutil.copytree(FIXTURE, content)
    for serial, mark, north in (("MA5L3K2R9", "二", 0.0027), ("MA5L3K2R8", "三", 0.0108)):
        code = copy_unit(content, j.UNIT, serial, mark)
        path = content / "units" / f"{code}.yaml"
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        record["coordinates"] = {"lat": 22.8823 + north, "lon": 108.9512}
        path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with on_fixture_day():
        build(content, tmp / "site", BASE_URL, jobs=1, progress=False, overrides=overrides(tmp))
    server = SiteServer(tmp / "site").start()
    yield server.url
    server.stop()


@pytest.mark.parametrize("desktop", [False, True], ids=["360px", "1280px"])
def test_nearby_units_and_one_header_for_site_and_service(
    stack, browser, shots, nearby_site, desktop
) -> None:
    from .stack import DESKTOP, PHONE, new_context

    context = new_context(browser, DESKTOP if desktop else PHONE, mobile=not desktop)
    page = context.new_page()
    try:
        # The unit and outlet pages list the nearest published units with distance and link.
        page.goto(nearby_site + urls.unit_path(j.UNIT))
        nearby = page.locator("section.nearby .nearby-list li")
        expect(nearby).to_have_count(2)
        expect(nearby.first.locator(".distance")).to_have_text("300 米")
        _fits(page)
        shots(page, "unit-page-nearby")
        page.goto(nearby_site + urls.outlet_path(j.UNIT, "DW001"))
        expect(page.locator("section.nearby .nearby-list li")).to_have_count(2)
        _fits(page)
        shots(page, "outlet-page-nearby")
        page.locator("section.nearby .nearby-list a").first.click()
        expect(page.locator("h1")).to_contain_text("二厂")
        # The site's header and the service's are one: same name, menu and footer lines.
        page.goto(stack.site_url + urls.unit_path(j.UNIT))
        menu = page.locator("header.site-header nav a").all_inner_texts()
        footer = page.locator("footer.site-footer .footer-links").inner_text()
        shots(page, "site-header-footer")
        page.goto(stack.app_url + "/")
        assert page.locator("header.site-header nav a").all_inner_texts() == menu
        assert page.locator("footer.site-footer .footer-links").inner_text() == footer
        _fits(page)
        shots(page, "service-header-footer")
    finally:
        context.close()
