"""The report form's location button in a real browser (Chromium): it fills the phone's
WGS-84 position and marks it as such; without permission it says what to do instead; without
JavaScript the form still files a report (the button stays hidden)."""

from __future__ import annotations

import pytest

from tests.e2e.stack import _once, chromium
from tests.e2e.validators import chromium_missing
from tests.feedback.conftest import BINYANG, get_report

WHERE = {"latitude": 22.901234, "longitude": 108.954321, "accuracy": 30}


@pytest.fixture
def browser(request):
    """The run's one Chromium (see tests/e2e)."""
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    return _once(request, "browser", chromium)


def _fill_and_send(tab) -> str:  # type: ignore[no-untyped-def]
    tab.check("input[name=category][value='废水']")
    tab.fill("textarea[name=description]", "排放口流出黑色污水，有刺鼻气味，持续约一小时。")
    tab.check("input[name=agree]")
    tab.click("form[method=post] button[type=submit]")
    return tab.inner_text(".tracking-number").strip()


def test_the_phones_location_fills_the_pin(browser, live, app):
    context = browser.new_context(geolocation=WHERE, permissions=["geolocation"])
    tab = context.new_page()
    tab.goto(f"{live.url}/report/{BINYANG}")
    tab.click("[data-locate] button")
    tab.wait_for_function("document.querySelector('input[name=place_lat]').value !== ''")
    assert tab.input_value("input[name=place_lat]") == "22.901234"
    assert tab.input_value("input[name=place_lon]") == "108.954321"
    assert "30 米" in tab.inner_text("[data-locate-status]")
    number = _fill_and_send(tab)
    context.close()
    report = get_report(app, number)
    assert (report.place_lat, report.place_lon) == (22.901234, 108.954321)
    assert (report.place_crs, report.place_source) == ("WGS-84", "device")


def test_refused_permission_says_what_else_to_do(browser, live):
    context = browser.new_context()  # no permission granted: the browser refuses
    tab = context.new_page()
    tab.goto(f"{live.url}/report/{BINYANG}")
    tab.click("[data-locate] button")
    tab.wait_for_function(
        "document.querySelector('[data-locate-status]').textContent.includes('：')"
    )
    assert "手动填写坐标" in tab.inner_text("[data-locate-status]")
    context.close()


def test_without_javascript_the_form_still_files(browser, live, app):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{live.url}/report/{BINYANG}")
    assert not tab.is_visible("[data-locate] button")
    tab.fill("input[name=place_lat]", "22.88")
    tab.fill("input[name=place_lon]", "108.95")
    number = _fill_and_send(tab)
    context.close()
    report = get_report(app, number)
    assert (report.place_lat, report.place_source) == (22.88, "typed")
