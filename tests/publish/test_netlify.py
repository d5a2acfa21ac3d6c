"""netlify.toml and the build it publishes: proxies, headers, assets, CSP-safe pages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from generator.opendata.downloads import TABLES
from generator.publish import netlify as publish
from generator.publish import upload

from .conftest import BASE, ORIGIN, ROOT

#: Service paths that land with other issues (search #4, API and Open311 #8). Each test of
#: such a path is an expected failure until the feedback service registers it; then it passes.


@pytest.fixture(scope="module")
def netlify() -> dict:
    """netlify.toml, parsed."""
    return tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))


def _headers(netlify: dict, path: str) -> dict[str, str]:
    return next(h["values"] for h in netlify["headers"] if h["for"] == path)


def test_build_settings(netlify):
    build = netlify["build"]
    assert build["publish"] == "build/site"
    assert "pip install --require-hashes -r requirements/app.txt" in build["command"]
    assert "pip install --no-deps --no-build-isolation -e ." in build["command"]
    assert "yimatong build" in build["command"]
    assert build["environment"]["PYTHON_VERSION"].startswith("3.1")
    assert build["environment"]["YIMATONG_FEEDBACK_ORIGIN"].startswith("https://")
    assert {"from": "/*", "to": "/404.html", "status": 404} in netlify["redirects"]


def test_security_and_cache_headers(netlify):
    from generator.pages.app import CSP

    every = _headers(netlify, "/*")
    csp = every["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = {d.strip() for d in csp.split(";")}
    assert {d.strip() for d in CSP.split(";")} <= directives, "netlify CSP must cover the app's"
    assert every["X-Content-Type-Options"] == "nosniff"
    assert every["Referrer-Policy"]
    assert every["Cache-Control"] == upload.REVALIDATE
    assert _headers(netlify, "/static/*")["Cache-Control"] == upload.IMMUTABLE
    for table in TABLES:
        jsonl = _headers(netlify, f"/data/{table.name}.jsonl")["Content-Type"]
        assert jsonl == upload.content_type("x.jsonl")
    assert _headers(netlify, "/feeds/*")["Content-Type"] == upload.content_type("x.atom")


def _rules(built: Path) -> list[tuple[str, str, str]]:
    lines = (built / "_redirects").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()) for line in lines if line and not line.startswith("#")]


def _proxied(built: Path) -> dict[str, str]:
    rules = {}
    for source, target, status in _rules(built):
        if status != "301":
            assert status == "200!" and target.startswith(ORIGIN)
            rules[source] = target
    return rules


def test_redirects_send_printed_addresses_to_the_pages_first(built):
    """Sign codes print /E/…; one permanent, not forced rule, before any other, sends them on."""
    rules = _rules(built)
    assert rules[0] == ("/E/*", "/e/:splat", "301")
    assert [r for r in rules if r[2] == "301"] == [rules[0]]
    assert not any(source.lower().startswith("/e/") for source, _, _ in rules[1:])


def test_printed_redirect_keeps_a_base_path():
    text = publish.netlify_redirects(ORIGIN, "/ymt/")
    assert "/ymt/E/*  /ymt/e/:splat  301" in text.splitlines()


def test_redirects_proxy_every_service_path_to_the_one_origin(built):
    rules = _proxied(built)
    for path in publish.PROXY_PATHS:
        assert rules[path] == ORIGIN + path
        assert rules[path + "/*"] == ORIGIN + path + "/:splat"


@pytest.fixture(scope="module")
def service_rules(tmp_path_factory, fixture_directory) -> list[str]:
    """Every URL rule of the feedback service (real app, SQLite in a temporary folder)."""
    from feedback.app import create_app

    tmp = tmp_path_factory.mktemp("feedback")
    app = create_app(
        {
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp / 'f.sqlite3'}",
            "DIRECTORY_FILE": fixture_directory,
            "STORAGE_DIR": str(tmp / "uploads"),
            "SEARCH_INDEX_DIR": str(tmp / "index"),
        }
    )
    return [rule.rule for rule in app.url_map.iter_rules()]


@pytest.mark.parametrize("path", publish.PROXY_PATHS)
def test_proxied_path_exists_in_the_service(path, service_rules):
    assert any(r == path or r.startswith(path + "/") for r in service_rules), path


def _references(page: BeautifulSoup, page_url: str) -> set[str]:
    """Site-relative paths of every href/src of the page (other sites and fragments left out)."""
    refs = {el.get(attr) for attr in ("href", "src") for el in page.find_all(attrs={attr: True})}
    found = set()
    for ref in refs:
        ref = ref.removeprefix(BASE)
        if urlsplit(ref).scheme or ref.startswith(("//", "#")):
            continue
        found.add(urljoin(page_url, ref))
    return found


def _url(built: Path, html: Path) -> str:
    relative = html.relative_to(built).as_posix()
    return "/" + relative.removesuffix("index.html")


def _exists(built: Path, ref: str) -> bool:
    path = ref.split("#")[0].split("?")[0]
    if any(path == p or path.startswith(p + "/") for p in publish.PROXY_PATHS):
        return True  # served by the feedback service through the proxy
    target = built / path.lstrip("/")
    return (target / "index.html").is_file() if path.endswith("/") else target.is_file()


def test_every_referenced_asset_exists_and_pages_are_csp_safe(built):
    pages = sorted(built.rglob("*.html"))
    assert (built / "404.html").is_file() and len(pages) > 5
    missing, checked = [], 0
    for html in pages:
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        assert not page.find_all("style"), f"{html}: inline <style>"
        assert not page.find_all("script", src=False), f"{html}: inline <script>"
        assert not page.find_all(style=True), f"{html}: style attribute"
        assert not [a for el in page.find_all(True) for a in el.attrs if a.startswith("on")]
        refs = _references(page, _url(built, html))
        checked += len(refs)
        missing += [(_url(built, html), ref) for ref in refs if not _exists(built, ref)]
    assert missing == [] and checked > 50


def test_static_assets_are_all_fingerprinted(built):
    for path in (built / "static").rglob("*"):
        if path.is_file():
            relative = path.relative_to(built).as_posix()
            assert upload.cache_control(relative) == upload.IMMUTABLE, relative
            assert re.search(r"\.[0-9a-f]{8,}\.", path.name)


def test_proxy_to_the_site_itself_is_refused(monkeypatch):
    import click

    monkeypatch.delenv("YIMATONG_FEEDBACK_ORIGIN", raising=False)
    with pytest.raises(click.ClickException, match="代理会指向自己"):
        publish.feedback_origin({"base_url": BASE, "feedback_url": BASE + "/"})
    assert (
        publish.feedback_origin(
            {"base_url": BASE, "feedback_url": BASE, "feedback_origin": ORIGIN + "/"}
        )
        == ORIGIN
    )
