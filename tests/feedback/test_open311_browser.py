"""A page on another origin, in a real browser, reads public Open311 GETs but not a POST's answer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.stack import _once, chromium
from tests.e2e.validators import chromium_missing
from tests.feedback.conftest import BINYANG
from tests.feedback.open311_helpers import V2, LiveServer

PAGE = b"<!doctype html><html lang='zh'><title>other app</title><p>other origin</p></html>"


def _other_app(environ: dict, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [PAGE]


@pytest.fixture
def page(request, live):
    """A browser tab on a page served from another origin (another port on loopback)."""
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    browser = _once(request, "browser", chromium)  # the run's one Chromium (see tests/e2e)
    other = LiveServer(_other_app)
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(other.url + "/")
    yield tab
    context.close()
    other.stop()


READ = """async (url) => {
  const response = await fetch(url);
  return [response.status, await response.json()];
}"""
POST = """async ([url, form]) => {
  try {
    const response = await fetch(url, {method: "POST", body: new URLSearchParams(form)});
    return "read " + response.status;
  } catch (error) {
    return "blocked";
  }
}"""


def test_public_reads_are_readable_from_another_origin(page, live, make_report):
    number, _ = make_report(BINYANG)
    status, body = page.evaluate(READ, f"{live.url}{V2}/requests.json")
    assert status == 200 and [r["service_request_id"] for r in body] == [number]
    status, body = page.evaluate(READ, f"{live.url}{V2}/services.csv")
    assert status == 404 and body[0]["code"] == 404


def test_a_post_answer_is_not_readable_from_another_origin(page, live):
    form = {"service_code": "noise", "description": "夜间噪声。", "address_id": BINYANG}
    assert page.evaluate(POST, [f"{live.url}{V2}/requests.json", form]) == "blocked"
