"""One machine for real (issue 17): nginx with the generated configuration, gunicorn with the
repository's settings, a citizen's journey from a printed code to the public case page."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from generator.content.readers import load_site
from generator.signs import SignOptions, unit_signs

from .machine import CLIENT_ADDRESS, FIXTURE, Machine, running_machine

UNIT_NAME = "广西宾阳宏达糖业有限公司"
SPOOFED = "203.0.113.9"

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed (apt-get install nginx-light)",
)


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory):
    with running_machine(tmp_path_factory.mktemp("machine")) as running:
        yield running


def printed_address(machine: Machine) -> str:
    """What the gate sign of the fixture's sugar mill prints in its QR code."""
    site = load_site(FIXTURE)
    unit = next(u for u in site.units if u.name == UNIT_NAME)
    opts = SignOptions(base_url=machine.url, printed=dt.date(2026, 3, 17))
    return next(s.url for s in unit_signs(site, unit, opts) if not s.outlet_code)


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def _report_fields(form_page: BeautifulSoup) -> dict[str, str]:
    """The form's hidden fields (CSRF token, submission key) and what a citizen fills in."""
    form = form_page.select_one("form[method=post]")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    seen_on = form.select_one("input[name=seen_on]")["value"]
    fields.update(
        category="废水",
        description="排放口流出黑色污水，有刺鼻气味，持续约一小时。",
        seen_on=seen_on,
        place="东侧围墙外的排水沟",
        agree="y",
    )
    return fields


def _rate_keys(machine: Machine) -> list[str]:
    with sqlite3.connect(machine.tmp / "feedback.sqlite3") as con:
        return [row[0] for row in con.execute("SELECT key FROM rate_hit")]


def test_scan_page_report_case_through_nginx(machine: Machine):
    client = machine.client()
    scanned = client.get(printed_address(machine), timeout=10)
    assert [r.status_code for r in scanned.history] == [301]
    assert urlsplit(scanned.url).path.startswith("/e/") and scanned.status_code == 200
    assert UNIT_NAME in soup(scanned).select_one("h1").get_text()
    report_href = soup(scanned).select_one("a.button-report")["href"]
    form_url = urljoin(scanned.url, report_href)
    assert form_url.startswith(machine.url + "/report/")
    form = client.get(form_url, timeout=10)
    assert form.status_code == 200 and UNIT_NAME in form.text
    cookie = next(c for c in client.cookies if c.name == "session")
    assert cookie.secure and cookie.has_nonstandard_attr("HttpOnly")
    assert form.headers["Strict-Transport-Security"].startswith("max-age=")
    filed = client.post(
        form_url,
        data=_report_fields(soup(form)),
        files={"photos": ("", b"", "application/octet-stream")},
        headers={"Referer": form_url, "X-Forwarded-For": SPOOFED},
        timeout=20,
    )
    assert filed.status_code == 200, filed.text[:2000]
    number = soup(filed).select_one(".tracking-number").get_text(strip=True)
    case = client.get(f"{machine.url}/case/{number}", timeout=10)
    assert case.status_code == 200 and number in case.text
    looked_up = client.get(f"{machine.url}/case", params={"number": number}, timeout=10)
    assert looked_up.url == f"{machine.url}/case/{number}" and looked_up.status_code == 200


def test_service_counts_the_real_client_not_a_claimed_address(machine: Machine):
    secret = machine.env["YIMATONG_SECRET_KEY"]
    key = {
        who: hashlib.sha256(f"{secret}|report|{who}".encode()).hexdigest()
        for who in (CLIENT_ADDRESS, SPOOFED, "127.0.0.1")
    }
    keys = _rate_keys(machine)
    assert key[CLIENT_ADDRESS] in keys  # the report of the journey, counted for its sender
    assert key[SPOOFED] not in keys and key["127.0.0.1"] not in keys


def test_post_without_csrf_token_is_refused(machine: Machine):
    client = machine.client()
    page = client.get(printed_address(machine), timeout=10)
    form_url = urljoin(page.url, soup(page).select_one("a.button-report")["href"])
    fields = _report_fields(soup(client.get(form_url, timeout=10)))
    fields.pop("csrf_token")
    refused = client.post(form_url, data=fields, headers={"Referer": form_url}, timeout=10)
    assert refused.status_code == 400


def test_static_files_carry_the_hosts_headers(machine: Machine):
    client = machine.client()
    home = client.get(machine.url + "/", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert home.headers["Content-Type"] == "text/html; charset=utf-8"
    assert home.headers["Content-Encoding"] == "gzip"
    assert home.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    css = soup(home).select_one("link[rel=stylesheet]")["href"]
    asset = client.get(urljoin(home.url, css), timeout=10)
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    assert asset.headers["Content-Type"] == "text/css; charset=utf-8"
    data = client.get(machine.url + "/data/units.jsonl", timeout=10)
    assert data.headers["Content-Type"] == "application/jsonl; charset=utf-8"
    assert data.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_paths_and_netlify_files_are_the_404_page(machine: Machine):
    client = machine.client()
    for path in ("/nothing/here/", "/_redirects", "/E/ZZ/91450000MA00000ZZZ001P/"):
        missing = client.get(machine.url + path, timeout=10)
        assert missing.status_code == 404, path
        assert soup(missing).select_one("h1") is not None, path
    assert machine.gunicorn_url not in client.get(machine.url + "/_redirects", timeout=10).text


def test_plain_http_is_sent_to_https(machine: Machine):
    answer = machine.client().get(machine.http_url + "/e/x/", allow_redirects=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://127.0.0.1")
    assert answer.headers["Location"].endswith("/e/x/")
