"""The static site and the service carry the same name, header, menu and footer: one
template (site/templates/shared/_chrome.html), the menu and footer links from generator/urls.py,
the name and issuer the build published in the directory file."""

from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from generator import settings as settings_mod
from generator import urls
from generator.directory import records
from generator.directory.write import directory_of
from generator.pages.app import create_site_app

from .conftest import BINYANG

SITE = "https://ymt.example.cn"
SERVICE = "https://fb.example.cn"


def _chrome(html: bytes, here: str) -> dict:
    """What the header and footer show, every address made absolute from page ``here``."""
    page = BeautifulSoup(html, "html.parser")

    def links(selector: str) -> list[tuple[str, str]]:
        return [(a.get_text(strip=True), urljoin(here, a["href"])) for a in page.select(selector)]

    header, footer = page.select_one("header.site-header"), page.select_one("footer.site-footer")
    assert header is not None and footer is not None
    search = header.select_one("form.search")
    return {
        "brand": links("header.site-header .brand a"),
        "search": (
            urljoin(here, search["action"]),
            search["method"],
            [(i["name"], i.get("type")) for i in search.select("input[name=q]")],
        ),
        "menu": links("header.site-header nav[aria-label=主导航] a"),
        "footer": links("footer.site-footer .footer-links a"),
        "footer_text": footer.select_one(".footer-links").get_text(" ", strip=True),
        "pages": links("footer.site-footer nav[aria-label=说明页面] a"),
        "issuer": footer.select_one("p.issuer").get_text(strip=True),
    }


@pytest.fixture
def site_page(fixture_site):
    conf = {s.name: s.default for s in settings_mod.SETTINGS}
    conf.update(base_url=SITE, feedback_url=SERVICE, hotline="0771-12369")
    app = create_site_app(fixture_site, conf)
    unit_path = urls.unit_path(BINYANG)
    return _chrome(app.test_client().get(unit_path).data, SITE + unit_path)


@pytest.mark.parametrize("path", ["/", "/report", "/privacy", "/officer/login"])
def test_the_service_shows_the_sites_header_menu_and_footer(make_app, site_page, path):
    app = make_app(BASE_URL=SITE, FEEDBACK_URL=SERVICE, HOTLINE="0771-12369")
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert _chrome(response.data, SERVICE + path) == site_page


def test_the_shared_chrome_holds_the_sites_name_menu_and_footer_lines(site_page):
    assert site_page["brand"] == [("广西生态环境一码通", SITE + "/")]
    assert site_page["menu"][0] == ("按地区", SITE + "/area/")
    assert site_page["menu"][-1] == ("举报与查询", SERVICE + "/")
    assert site_page["footer"] == [
        ("0771-12369", "tel:0771-12369"),
        ("网上举报", SERVICE + "/report"),
        ("开放数据", SITE + "/data/"),
        ("隐私说明", SERVICE + "/privacy"),
    ]
    assert site_page["issuer"] == "广西壮族自治区生态环境厅监制"
    assert ("关于一码通", SITE + "/pages/about/") in site_page["pages"]


def test_the_site_name_setting_wins_over_the_published_title(make_app):
    app = make_app(SITE_NAME="吉林生态环境一码通")
    page = BeautifulSoup(app.test_client().get("/").data, "html.parser")
    assert page.select_one("header.site-header .brand a").text == "吉林生态环境一码通"
    assert page.select_one("title").text.endswith(" - 吉林生态环境一码通")


def test_the_directory_header_carries_name_issuer_and_pages(fixture_site):
    data = records.loads(records.dumps(directory_of(fixture_site)).decode())
    assert (data.title, data.issuer) == ("广西生态环境一码通", "广西壮族自治区生态环境厅监制")
    assert ("关于一码通", "/pages/about/") in data.pages


def test_bad_pages_in_the_directory_header_are_named(fixture_site):
    text = records.dumps(directory_of(fixture_site)).decode()
    head, rest = text.split("\n", 1)
    bad = json.dumps({**json.loads(head), "pages": [["关于", ""]]}, ensure_ascii=False)
    with pytest.raises(records.DirectoryFileError) as caught:
        records.loads(bad + "\n" + rest, "d.directory.jsonl")
    assert "d.directory.jsonl" in str(caught.value) and "pages" in str(caught.value)
    assert "应为 [标题, 地址] 的列表" in str(caught.value)
