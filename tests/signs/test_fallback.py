"""Every sign carries a fallback a person can type: a short address and a code (issue 19)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.content.readers import load_site
from generator.publish.netlify import netlify_redirects
from generator.search.engine import search
from generator.search.index import build_index
from generator.search.query import parse
from generator.search.reader import SearchIndex
from generator.signs import SignOptions, unit_signs
from generator.signs.pieces import short_address

from ..publish.hosts import redirect_rules, target_of
from .conftest import BASE_URL, PRINTED
from .test_text import pdf_text, svg_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "content"
HOST = "yimatong.sthjt.gxzf.gov.cn"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (BASE_URL, HOST),
        (BASE_URL + "/", HOST),
        ("http://localhost:8000", "localhost:8000"),
        ("https://www.example.cn/yimatong/", "www.example.cn/yimatong"),
    ],
)
def test_short_address_drops_scheme_and_slash(base_url, expected):
    assert short_address(base_url) == expected


def test_every_sign_prints_address_and_code(written):
    assert len(written.signs) >= 5
    for (code, name), sign in written.signs.items():
        path = written.pdf(code, name)
        for text in (pdf_text(path), svg_text(path.with_suffix(".svg"))):
            assert HOST in text, (code, name)
            assert sign.lookup_code in text, (code, name)
            assert "12369" in text, (code, name)
            assert code in text, (code, name)
        assert sign.lookup_address == HOST


def test_outlet_sign_carries_unit_code_and_national_identifier(written):
    unit = written.site.units[0]
    for outlet in unit.outlets:
        sign = written.signs[(unit.code, outlet.code)]
        assert sign.lookup_code == unit.code + outlet.code
        assert len(sign.lookup_code) == 27
        text = pdf_text(written.pdf(unit.code, outlet.code))
        assert f"固定污染源编码：{unit.code}" in text
        assert f"排放口编号：{outlet.code}" in text
        assert f"搜索 {unit.code}{outlet.code}" in text
        assert "环保举报热线：12369" in text


def _page_reached(address: str) -> str:
    """Where a scanned address lands: scheme and host lower-cased (as every client does),
    then the built ``_redirects`` rules applied to the path."""
    parts = urlsplit(address)
    path = parts.path
    for source, target, _ in redirect_rules(netlify_redirects("https://feedback.example.cn")):
        path = target_of(source, target, path) or path
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def test_typed_code_goes_straight_to_the_signs_page(tmp_path):
    """The code printed on each sign, typed into the site's search, redirects to the page the
    sign's QR code reaches (through the permanent /E/ redirect)."""
    site = load_site(FIXTURES)
    index = SearchIndex(build_index(site, tmp_path / "search-index"))  # ours to close
    try:
        signs = [
            s
            for u in site.units
            for s in unit_signs(site, u, SignOptions(BASE_URL, printed=PRINTED))
        ]
        assert {s.kind for s in signs} == {"gate", "outlet"}
        for sign in signs:
            assert sign.url != _page_reached(sign.url)  # the code holds the printed spelling
            for typed in (sign.lookup_code, sign.lookup_code.lower(), f" {sign.lookup_code} "):
                result = search(index, parse(typed), base_url=BASE_URL)
                assert result.redirect == _page_reached(sign.url), typed
    finally:
        index.close()
