"""``yimatong serve --build`` on non-default ports (issue 13): the preview, the built site, the
service and its e-mail all use those two addresses, even over YIMATONG_* values in the
environment. Real processes and servers on loopback: the command as a newcomer runs it, an
aiosmtpd server receiving the service's mail, requests as the HTTP client."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from generator import urls

from .journeys import UNIT
from .stack import FIXTURE_CONTENT, Mailbox, free_port, start_smtp

EMAIL = "ports@example.com"
#: What a stale shell might still export: the command line must win over it.
STALE_ENV = {
    "YIMATONG_BASE_URL": "http://localhost:8000",
    "YIMATONG_FEEDBACK_URL": "http://localhost:5000",
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Preview:
    """The running ``yimatong serve`` process and what it was told."""

    site: str
    service: str
    out: Path
    mailbox: Mailbox
    log: Path


def two_ports() -> tuple[int, int]:
    """Two distinct free ports, neither of them a default (8000, 5000)."""
    ports: set[int] = set()
    while len(ports) < 2:
        port = free_port()
        if port not in (8000, 5000):
            ports.add(port)
    first, second = sorted(ports)
    return first, second


def serve_env(tmp: Path, smtp_port: int) -> dict[str, str]:
    """The environment of the serve process: everything written under ``tmp``, mail on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIMATONG_")}
    env.update(STALE_ENV)
    env.update(
        YIMATONG_OUT_DIR=str(tmp / "site"),
        YIMATONG_CACHE_DIR=str(tmp / "cache"),
        YIMATONG_SEARCH_INDEX_DIR=str(tmp / "search-index"),
        YIMATONG_INSTANCE_PATH=str(tmp / "instance"),
        YIMATONG_SECRET_KEY="ports-secret",
        YIMATONG_MAIL_ENABLED="1",
        YIMATONG_SMTP_HOST="127.0.0.1",
        YIMATONG_SMTP_PORT=str(smtp_port),
    )
    return env


def wait_until_up(process: subprocess.Popen, log: Path, *addresses: str) -> None:
    """Poll until every address answers; fail with the process output if it dies or hangs."""
    deadline = time.monotonic() + 240
    pending = list(addresses)
    while pending:
        if process.poll() is not None:
            pytest.fail(f"yimatong serve 退出了（{process.returncode}）：\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"yimatong serve 240 秒内没有启动：\n{log.read_text()}")
        try:
            requests.get(pending[0], timeout=5)
            pending.pop(0)
        except requests.ConnectionError:
            time.sleep(0.5)


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """``yimatong serve --build`` over the fixture content on two free non-default ports."""
    tmp = tmp_path_factory.mktemp("ports")
    mailbox = Mailbox()
    smtp, smtp_port = start_smtp(mailbox)
    port, feedback_port = two_ports()
    command = [sys.executable, "-c", "from generator.cli import main; main()", "serve"]
    command += ["--build", "--content", str(FIXTURE_CONTENT)]
    command += ["--port", str(port), "--feedback-port", str(feedback_port)]
    log = tmp / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=tmp, env=serve_env(tmp, smtp_port), stdout=out, stderr=subprocess.STDOUT
        )
    site, service = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{feedback_port}"
    try:
        wait_until_up(process, log, site + "/", service + "/")
        yield Preview(site, service, tmp / "site", mailbox, log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        smtp.stop()


def soup(html: str) -> BeautifulSoup:
    """Parsed HTML."""
    return BeautifulSoup(html, "html.parser")


def get(url: str) -> BeautifulSoup:
    """A page fetched and parsed; it must answer 200."""
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, f"{url} → {response.status_code}"
    return soup(response.text)


def loopback_links(page: BeautifulSoup) -> list[str]:
    """Every absolute address to this machine in href, src and action attributes."""
    found = []
    for tag in page.find_all(True):
        for attr in ("href", "src", "action"):
            value = tag.get(attr) or ""
            if urlsplit(value).hostname in LOOPBACK:
                found.append(value)
    return found


def assert_only_our_ports(page: BeautifulSoup, preview: Preview, where: str) -> None:
    """No link on ``page`` points at a port other than the two the preview was given."""
    ours = {urlsplit(preview.site).netloc, urlsplit(preview.service).netloc}
    wrong = [link for link in loopback_links(page) if urlsplit(link).netloc not in ours]
    assert not wrong, f"{where} 链接指向了错误的端口：{wrong}"


def assert_links_to_service(page: BeautifulSoup, preview: Preview, where: str) -> None:
    """A site page: search form, report links and everything else at the service's port."""
    assert page.select_one("form.search")["action"] == preview.service + "/search", where
    reports = [a["href"] for a in page.select("a[href]") if "/report" in a["href"]]
    assert reports, f"{where} 没有举报链接"
    assert all(href.startswith(preview.service + "/report") for href in reports), reports
    assert_only_our_ports(page, preview, where)


def test_preview_pages_link_to_the_service_port(preview: Preview) -> None:
    for path in ("/", urls.unit_path(UNIT)):
        page = get(preview.site + path)
        assert_links_to_service(page, preview, f"预览 {path}")
    unit = get(preview.site + urls.unit_path(UNIT))
    assert unit.select_one(f'a[href="{urls.report_url(preview.service, UNIT)}"]') is not None


def test_built_pages_link_to_the_service_port(preview: Preview) -> None:
    pages = sorted(preview.out.rglob("*.html"))
    assert preview.out / "index.html" in pages, f"没有构建出网站：\n{preview.log.read_text()}"
    for path in (preview.out / "index.html", preview.out / urls.unit_path(UNIT)[1:] / "index.html"):
        assert_links_to_service(soup(path.read_text(encoding="utf-8")), preview, str(path))
    for path in pages:
        assert_only_our_ports(soup(path.read_text(encoding="utf-8")), preview, str(path))


@pytest.mark.parametrize(
    "path", [f"/report/{UNIT}", "/report", "/", "/privacy", "/officer/login", "/search?q=宏达"]
)
def test_service_pages_link_back_to_the_site_port(preview: Preview, path: str) -> None:
    page = get(preview.service + path)
    assert page.select_one(".brand a")["href"] == preview.site + "/"
    site_links = [link for link in loopback_links(page) if link.startswith(preview.site + "/")]
    assert len(site_links) >= 2, f"{path} 没有回到网站的链接"
    assert_only_our_ports(page, preview, f"服务 {path}")


def test_unit_links_of_the_service_reach_the_preview(preview: Preview) -> None:
    unit_page = preview.site + urls.unit_path(UNIT)
    page = get(preview.service + f"/report/{UNIT}")
    assert page.select_one(f'a[href="{unit_page}"]') is not None
    found = requests.get(preview.service + "/search?q=宏达糖业", timeout=30, allow_redirects=False)
    if found.is_redirect:  # one unit matches: the search goes straight to its page
        assert found.headers["Location"] == unit_page
    else:
        assert unit_page in [a["href"] for a in soup(found.text).select("a[href]")]
    assert requests.get(unit_page, timeout=30).status_code == 200


def file_report(service: str) -> str:
    """File a report through the real form (CSRF on) with an e-mail address; the receipt HTML."""
    session = requests.Session()
    form = soup(session.get(f"{service}/report/{UNIT}", timeout=30).text).select_one(
        "form[method=post]"
    )
    data = {
        i["name"]: i.get("value", "") for i in form.select("input[type=hidden], input[type=date]")
    }
    data["category"] = form.select_one("input[name=category]")["value"]
    data.update(
        description="夜里排放口流出黑色污水，气味刺鼻，持续一个多小时。",
        place="厂区东侧排水沟",
        reporter_email=EMAIL,
        email_link="y",
        agree="y",
    )
    response = session.post(f"{service}/report/{UNIT}", data=data, timeout=60)
    assert response.status_code == 200, response.text[:2000]
    return response.text


def mail_body(mailbox: Mailbox, address: str, seconds: float = 30) -> str:
    """The text of the first message to ``address`` the SMTP server receives."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in mailbox.to(address):
            return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
        time.sleep(0.2)
    raise AssertionError(f"{seconds} 秒内没有收到发给 {address} 的邮件")


def test_mail_links_use_the_service_port(preview: Preview) -> None:
    receipt = soup(file_report(preview.service))
    assert_only_our_ports(receipt, preview, "回执页")
    body = mail_body(preview.mailbox, EMAIL)
    links = re.findall(r"https?://[^\s，。）]+", body)
    assert links, f"邮件里没有链接：{body}"
    assert all(link.startswith(preview.service + "/") for link in links), body
    for link in links:
        assert requests.get(link, timeout=30).status_code == 200, link


def test_preview_serves_the_site_icon_as_svg(preview: Preview) -> None:
    icon = get(preview.site + "/").select_one('link[rel="icon"]')["href"]
    response = requests.get(preview.site + icon, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
