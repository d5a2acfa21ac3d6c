"""The built fixture site: every page passes the Nu HTML Checker, each page type axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.validators import (
    axe_violations,
    ensure_npm_tools,
    java_missing,
    summarize,
    vnu_errors,
)

#: Page types the site must have, as globs under the build folder; a missing type fails,
#: so the checks below cannot silently cover less than the whole site.
PAGE_TYPES = {
    "home": "index.html",
    "unit": "e/*/*/index.html",
    "outlet": "e/*/*/*/index.html",
    "area listing": "area/*/index.html",
    "industry listing": "industry/*/index.html",
    "penalties": "penalties/index.html",
    "expiring permits": "permits/expiring/index.html",
    "content page": "pages/*/index.html",
    "stats": "stats/index.html",
    "404": "404.html",
    "open data": "data/index.html",
}


def site_pages(site: Path) -> list[Path]:
    """Every HTML file of the built site."""
    return sorted(site.rglob("*.html"))


def one_of_each_type(site: Path) -> list[Path]:
    """The first page of each type, and every unit page (units differ most: states, sections)."""
    chosen = {sorted(site.glob(glob))[0] for glob in PAGE_TYPES.values() if list(site.glob(glob))}
    return sorted(chosen | set(site.glob(PAGE_TYPES["unit"])))


def page_url(site_url: str, site: Path, page: Path) -> str:
    """Address a browser uses for a built file (folders for index.html; a missing path for 404)."""
    rel = page.relative_to(site).as_posix()
    if rel == "404.html":
        return f"{site_url}/no-such-page/"
    return f"{site_url}/{rel.removesuffix('index.html')}"


def test_build_has_every_page_type(stack) -> None:
    missing = [name for name, glob in PAGE_TYPES.items() if not list(stack.site_dir.glob(glob))]
    assert not missing, f"构建结果缺少这些页面类型：{missing}"


def test_every_static_page_is_valid_html(stack) -> None:
    if java_missing():
        pytest.skip(java_missing())
    ensure_npm_tools()
    errors = vnu_errors(site_pages(stack.site_dir))
    assert not errors, "Nu HTML Checker 报错：\n" + summarize(errors)


def test_each_static_page_type_has_no_serious_axe_violations(stack, phone) -> None:
    ensure_npm_tools()
    found = []
    for page in one_of_each_type(stack.site_dir):
        response = phone.goto(page_url(stack.site_url, stack.site_dir, page))
        assert response is not None
        found += axe_violations(phone, page.relative_to(stack.site_dir).as_posix())
    assert not found, "axe-core 严重问题：\n" + "\n".join(map(str, found))
