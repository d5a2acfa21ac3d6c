"""Every service page has its own meta description in Chinese and the site's icon; /favicon.ico
answers with a real icon (issue 13: Lighthouse SEO and best practices on the service)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.security import generate_password_hash

from feedback.extensions import db
from feedback.models import Account

from .conftest import BINYANG, PASSWORD, report_data

FEEDBACK = Path(__file__).resolve().parents[2] / "feedback"
SITE_ICON = FEEDBACK.parent / "site" / "static" / "favicon.svg"
HAN = re.compile(r"[\u4e00-\u9fff]")


def templates() -> list[Path]:
    """Every page template of the service (those that extend base.html)."""
    found = sorted(FEEDBACK.rglob("templates/**/*.html"))
    return [p for p in found if '{% extends "base.html" %}' in p.read_text(encoding="utf-8")]


def description(client: FlaskClient, path: str) -> str:
    """The meta description of the page at ``path``, checked to be there and to carry an icon."""
    response = client.get(path)
    assert response.status_code < 500, path
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    metas = page.select('head meta[name="description"]')
    assert len(metas) == 1, f"{path}: {len(metas)} 个 meta description"
    text = metas[0]["content"].strip()
    assert len(text) >= 10 and HAN.search(text), f"{path}: 描述太短或不是中文：{text!r}"
    icon = page.select_one('head link[rel="icon"]')
    assert icon is not None, f"{path}: 没有 link rel=icon"
    with client.get(icon["href"]) as answer:
        assert answer.status_code == 200 and answer.mimetype == "image/svg+xml", icon["href"]
    return text


def make_account(app: Flask, login: str, role: str, **extra: str) -> None:
    """One more account with the test password."""
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        db.session.add(Account(login=login, password_hash=hashed, role=role, **extra))
        db.session.commit()


@pytest.mark.parametrize("template", templates(), ids=lambda p: p.relative_to(FEEDBACK).as_posix())
def test_every_page_template_says_what_the_page_is(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert "{% block description %}" in text, f"{template.name} 没有自己的 meta description"


def test_public_pages_have_their_own_descriptions(client: FlaskClient, make_report) -> None:
    number, token = make_report(BINYANG, reporter_email="a@example.com")
    paths = [
        "/",
        "/report",
        f"/report/{BINYANG}",
        f"/case/{number}",
        f"/r/{token}",
        "/privacy",
        "/search",
        "/officer/login",
        "/enterprise/login",
        "/no-such-page",
    ]
    found = {path: description(client, path) for path in paths}
    receipt = client.post(f"/report/{BINYANG}", data=report_data())
    assert receipt.status_code == 200
    assert (
        "举报已提交"
        in BeautifulSoup(receipt.get_data(as_text=True), "html.parser").select_one(
            'meta[name="description"]'
        )["content"]
    )
    repeated = {text for text in found.values() if list(found.values()).count(text) > 1}
    assert not repeated, f"这些页面的描述相同：{repeated}"
    assert "广西宾阳宏达糖业有限公司" in found[f"/report/{BINYANG}"]
    assert number in found[f"/case/{number}"]


def test_console_pages_have_descriptions(app: Flask, client: FlaskClient, officer, make_report):
    number, _ = make_report(BINYANG)
    make_account(app, "binyang-admin", "admin", body_id="nn-binyang", name="宾阳管理员")
    assert officer.login("binyang-admin").status_code == 302
    paths = ["/officer/", f"/officer/case/{number}", "/officer/templates", "/officer/accounts"]
    paths += ["/officer/audit", f"/officer/unit/{BINYANG}", "/officer/api-keys/"]
    found = {path: description(client, path) for path in paths}
    assert number in found[f"/officer/case/{number}"]
    officer.logout()
    assert officer.login("hongda", kind="enterprise").status_code == 302
    found = {path: description(client, path) for path in ("/enterprise/",)}
    assert len(set(found.values())) == len(found)


def test_favicon_ico_is_a_real_icon_of_the_site_colours(client: FlaskClient) -> None:
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])
    fill = re.search(r'rect [^>]*fill="#([0-9a-f]{6})"', SITE_ICON.read_text()).group(1)
    colour = tuple(int(fill[i : i + 2], 16) for i in (0, 2, 4))
    icon.size = (32, 32)
    pixels = icon.convert("RGBA")
    corner_inside = pixels.getpixel((1, 16))  # left edge, between the white squares
    assert all(abs(a - b) <= 24 for a, b in zip(corner_inside[:3], colour, strict=True))


def test_svg_icon_is_the_sites_own(client: FlaskClient) -> None:
    with client.get("/fb-static/favicon.svg") as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.data == SITE_ICON.read_bytes()
