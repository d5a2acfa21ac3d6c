"""The checkers themselves work: they catch a known-bad page and pass a known-good one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.servers import SiteServer
from tests.e2e.validators import axe_violations, ensure_npm_tools, java_missing, vnu_errors

GOOD = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>好页面</title>'
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
    "<body><main><h1>排污单位</h1><p>正文</p></main></body></html>"
)
BAD = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>坏页面</title></head>'
    '<body><img src="x.png"><form><input type="text" name="q"></form>'
    "<p>未闭合<div></p></body></html>"
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one good and one bad page."""
    ensure_npm_tools()
    folder = tmp_path_factory.mktemp("tools")
    (folder / "good.html").write_text(GOOD, encoding="utf-8")
    (folder / "bad.html").write_text(BAD, encoding="utf-8")
    return folder


def test_vnu_finds_errors_only_in_bad_page(pages: Path) -> None:
    if java_missing():
        pytest.skip(java_missing())
    errors = vnu_errors([pages / "good.html", pages / "bad.html"])
    assert errors, "vnu 应当报告坏页面的错误"
    assert {Path(e.file).name for e in errors} == {"bad.html"}
    assert any("alt" in e.message for e in errors)


def test_axe_finds_serious_violations_only_in_bad_page(pages: Path, phone) -> None:
    server = SiteServer(pages).start()
    try:
        phone.goto(server.url + "/good.html")
        assert axe_violations(phone, "good") == []
        phone.goto(server.url + "/bad.html")
        rules = {v.rule for v in axe_violations(phone, "bad")}
    finally:
        server.stop()
    assert {"image-alt", "label", "html-has-lang"} <= rules
