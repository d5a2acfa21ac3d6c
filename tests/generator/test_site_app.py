"""The site app itself: 404s, headers, the sitemap split, statistics, QR codes that decode."""

from __future__ import annotations

import io
import json

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from generator import settings, urls
from generator.build.run import build
from generator.content.readers import load_site
from generator.pages.app import CSP, create_site_app
from generator.pages.views.pages import split_sitemap

from .site_helpers import BASE_URL, FEEDBACK_URL, FIXTURE, overrides

KEY_UNIT = "91450126MA5L3K2R5Q001P"


@pytest.fixture()
def client(tmp_path):
    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))
    return create_site_app(load_site(FIXTURE), conf).test_client()


def test_unknown_addresses_are_404_with_the_404_page(client):
    for path in (
        "/nope/",
        "/e/XX/" + KEY_UNIT + "/",
        "/e/5Q/" + KEY_UNIT + "/DA999/",
        "/area/999999/",
        "/penalties/99/",
        "/permits/other/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "页面不存在" in response.get_data(as_text=True)


def test_pages_carry_the_content_security_policy(client):
    assert client.get("/").headers["Content-Security-Policy"] == CSP


def test_split_sitemap_respects_the_maximum():
    paths = [f"/p{n}/" for n in range(7)]
    parts = split_sitemap(paths, max_urls=3)
    assert [len(p) for p in parts] == [3, 3, 1]
    assert sum(parts, []) == paths
    assert split_sitemap([], 3) == [[]]


def test_statistics_page_shows_bodies_and_unit_figures(tmp_path):
    stats = {
        "as_of": "2026-11-20",
        "bodies": {
            "nn": {"name": "南宁市生态环境局", "received": 12, "concluded": 10, "on_time_rate": 0.9}
        },
        "units": {
            KEY_UNIT: {
                "received_12m": 3,
                "concluded": 2,
                "substantiated": 1,
                "median_days_to_conclude": 14,
            }
        },
    }
    file = tmp_path / "stats.json"
    file.write_text(json.dumps(stats), encoding="utf-8")
    conf = settings.resolve(overrides(tmp_path))
    client = create_site_app(load_site(FIXTURE, stats_file=file), conf).test_client()
    page = BeautifulSoup(client.get("/stats/").get_data(as_text=True), "html.parser")
    assert "90%" in page.select_one("table.data tbody").get_text()
    unit = BeautifulSoup(client.get(urls.unit_path(KEY_UNIT)).get_data(as_text=True), "html.parser")
    assert "14 天" in unit.select_one("section[aria-labelledby=h-reports]").get_text()


@pytest.mark.parametrize(
    ("computed_at", "shown"),
    [
        ("2026-11-20T02:30+08:00", "2026-11-20 02:30"),
        ("2026-11-19T18:30+00:00", "2026-11-20 02:30"),  # written in UTC: shown in China time
        ("", None),  # an older file without the time: the day only
        ("昨天", None),
        ("2026-11-20T02:30", None),  # no offset: not knowable, not shown
    ],
)
def test_statistics_page_says_when_the_figures_were_computed(tmp_path, computed_at, shown):
    stats = {"as_of": "2026-11-20", "computed_at": computed_at, "bodies": {"nn": {"received": 1}}}
    file = tmp_path / "stats.json"
    file.write_text(json.dumps(stats), encoding="utf-8")
    conf = settings.resolve(overrides(tmp_path))
    client = create_site_app(load_site(FIXTURE, stats_file=file), conf).test_client()
    page = BeautifulSoup(client.get("/stats/").get_data(as_text=True), "html.parser")
    line = page.select_one("p.as-of").get_text()
    assert "统计截至 2026-11-20" in line
    if shown:
        assert f"{shown}（北京时间）计算" in line
    else:
        assert "计算" not in line


def _decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_built_qr_codes_decode_to_their_pages(tmp_path):
    out = tmp_path / "site"
    build(FIXTURE, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp_path))
    unit_path = urls.unit_path(KEY_UNIT)
    outlet_path = urls.outlet_path(KEY_UNIT, "DW001")
    for path in (unit_path, outlet_path):
        folder = out / path.lstrip("/")
        assert _decode((folder / "qr.png").read_bytes()) == BASE_URL + path
        assert (folder / "qr.svg").read_bytes().startswith(b"<svg")
    assert FEEDBACK_URL not in _decode((out / unit_path.lstrip("/") / "qr.png").read_bytes())
