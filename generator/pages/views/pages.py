"""Content pages, the 404 page, robots.txt and the sitemap (split as the protocol requires)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from flask import Flask, Response, abort, current_app, render_template

from generator import urls
from generator.content import placeholders
from generator.pages.views.common import Catalog, Output, catalog, digest, settings

#: The sitemap protocol allows at most 50,000 URLs in one sitemap file.
SITEMAP_MAX_URLS = 50_000


#: Address of a content page (made in generator/urls.py).
page_path = urls.page_path


def content_page(slug: str) -> str:
    """A Markdown content page (guide, how to report, about, cases)."""
    page = next((p for p in catalog().site.pages if p.slug == slug), None)
    if page is None:
        abort(404)
    body = placeholders.fill(page.body_html, settings())
    return render_template("page.html", page=dataclasses.replace(page, body_html=body))


def not_found_page() -> str:
    """The page shown for any unknown address."""
    return render_template("404.html")


def split_sitemap(paths: list[str], max_urls: int = SITEMAP_MAX_URLS) -> list[list[str]]:
    """Split page paths into sitemap parts of at most ``max_urls`` each (at least one part)."""
    return [paths[i : i + max_urls] for i in range(0, len(paths), max_urls)] or [[]]


def sitemap_paths(cat: Catalog) -> list[str]:
    """Every HTML page of the site, sorted (computed by the running site app from the
    outputs, generator/pages/outputs.py, when not known yet)."""
    if not cat.page_paths:
        cat.page_paths = current_app.extensions["yimatong.page_paths"]()
    return cat.page_paths


def sitemap_lastmods(cat: Catalog) -> dict[str, str]:
    """Each page's data-as-of date: a unit's and its outlets' pages the unit's newest date,
    every other page the site's."""
    if not cat.lastmods:
        site_date = cat.as_of.isoformat()
        found = dict.fromkeys(sitemap_paths(cat), site_date)
        for unit in cat.site.units:
            date = unit.data_as_of.latest.isoformat()
            base = urls.unit_path(unit.fixed_source_code)
            found[base] = date
            found.update((f"{base}{o.code}/", date) for o in unit.outlets)
        cat.lastmods = found
    return cat.lastmods


def _xml(body: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, mimetype="application/xml")


def sitemap_index() -> Response:
    """The sitemap index listing every part."""
    base = settings()["base_url"]
    parts = split_sitemap(sitemap_paths(catalog()))
    entries = "".join(
        f"<sitemap><loc>{urls.absolute(base, f'/sitemap-{n}.xml')}</loc></sitemap>\n"
        for n in range(1, len(parts) + 1)
    )
    return _xml(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n"
    )


def sitemap_part(number: int) -> Response:
    """One part of the sitemap."""
    base = settings()["base_url"]
    parts = split_sitemap(sitemap_paths(catalog()))
    if not 1 <= number <= len(parts):
        abort(404)
    lastmod = sitemap_lastmods(catalog())
    entries = "".join(
        f"<url><loc>{urls.absolute(base, p)}</loc><lastmod>{lastmod[p]}</lastmod></url>\n"
        for p in parts[number - 1]
    )
    return _xml(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
    )


def robots() -> Response:
    """robots.txt pointing at the sitemap."""
    sitemap = urls.absolute(settings()["base_url"], "/sitemap.xml")
    return Response(f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n", mimetype="text/plain")


def register(app: Flask) -> None:
    """Add the content page, 404, robots and sitemap routes."""
    app.add_url_rule("/pages/<slug>/", "page", content_page)
    app.add_url_rule("/404.html", "not_found", not_found_page)
    app.add_url_rule("/robots.txt", "robots", robots)
    app.add_url_rule("/sitemap.xml", "sitemap", sitemap_index)
    app.add_url_rule("/sitemap-<int:number>.xml", "sitemap_part", sitemap_part)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """Content pages, 404 and robots (the sitemap comes last, see sitemap_outputs)."""
    for page in cat.site.pages:
        yield Output(page_path(page.slug), f"页面 {page.slug}", digest(page))
    yield Output("/404.html", "404", "static")
    yield Output("/robots.txt", "robots", "static")


def sitemap_outputs(paths: list[str], lastmods: dict[str, str]) -> list[Output]:
    """The sitemap index and parts, keyed by the page paths they list and their dates."""
    parts = split_sitemap(paths)
    found = [Output("/sitemap.xml", "sitemap", digest(len(parts)))]
    for n, part in enumerate(parts, 1):
        dated = [(p, lastmods[p]) for p in part]
        found.append(Output(f"/sitemap-{n}.xml", "sitemap", digest(dated)))
    return found
