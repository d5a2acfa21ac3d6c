"""The floor the build is measured against: the same files of every unit and outlet written
by the plainest code, on every core: the HTML pages by plain Jinja from the same templates
(no Flask, no Frozen-Flask), data.json and data.csv by the same serialisers, QR codes linked
from the warm QR cache as the build links them. Listings, home, sitemap and build steps are not in the floor, nor is
loading the content (through the same warm load cache as the build; timed apart)."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from generator import settings, urls
from generator.content.readers import LoadCache, load_site
from generator.pages.app import FILTERS, TEMPLATES, fingerprinted
from generator.pages.maps import map_links
from generator.pages.views.common import build_catalog
from generator.pages.views.unit import (
    monitoring_end,
    outlet_series,
    unit_csv_bytes,
    unit_json_bytes,
)
from generator.pages.views.unit_summary import unit_summary
from generator.qr.encode import QRCache, place

_STATE: dict = {}


def _environment(site, conf) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    assets = fingerprinted()
    env.globals.update(
        site_title=site.title,
        hotline=conf["hotline"],
        issuer=site.issuer,
        search_url=conf["feedback_url"] + "/search",
        report_home=conf["feedback_url"] + "/report",
        asset=lambda name: f"/static/{assets[name]}",
        base_url=conf["base_url"].rstrip("/"),
        map_links=map_links,
        unit_path=urls.unit_path,
        outlet_path=urls.outlet_path,
        nav_pages=sorted(site.pages, key=lambda p: p.order),
    )
    env.filters.update(FILTERS)
    return env


def _render(index: int) -> int:
    cat, env, out, conf, jobs = (_STATE[k] for k in ("cat", "env", "out", "conf", "jobs"))
    unit_t, outlet_t = env.get_template("unit.html"), env.get_template("outlet.html")
    qr = QRCache(Path(conf["cache_dir"]) / "qr", conf["qr_error"], conf["qr_border"])
    count = 0
    for unit in cat.site.units[index::jobs]:
        end = monitoring_end(unit, cat)
        per_outlet = {o.code: outlet_series(unit, o, end) for o in unit.outlets}
        report = urls.report_url(conf["feedback_url"], unit.code)
        path = urls.unit_path(unit.code)
        series = [s for v in per_outlet.values() for s in v]
        html = unit_t.render(
            page_path=path,
            unit=unit,
            row=cat.rows[unit.code],
            as_of=cat.as_of,
            judged_on=cat.judged_on,
            summary=unit_summary(unit, series, cat.as_of, cat.judged_on),
            stats=None,
            series=series,
            report_href=report,
            penalties=sorted(unit.penalties, key=lambda p: p.date, reverse=True),
            inspections=sorted(unit.inspections, key=lambda i: i.date, reverse=True),
            rectifications=sorted(unit.rectifications, key=lambda r: r.issued, reverse=True),
            nearby=cat.nearby(unit),
            nearby_radius_m=cat.nearby_conf[0],
        )
        _write(out, path, html)
        _write_bytes(out, path + "data.json", unit_json_bytes(unit, cat.site))
        _write_bytes(out, path + "data.csv", unit_csv_bytes(unit))
        count += 3 + _copy_qr(out, path, qr, conf)
        for outlet in unit.outlets:
            path = urls.outlet_path(unit.code, outlet.code)
            html = outlet_t.render(
                page_path=path,
                unit=unit,
                outlet=outlet,
                row=cat.rows[unit.code],
                series=per_outlet[outlet.code],
                report_href=report,
                nearby=cat.nearby(unit),
                nearby_radius_m=cat.nearby_conf[0],
            )
            _write(out, path, html)
            count += 1 + _copy_qr(out, path, qr, conf)
    return count


def _copy_qr(out: Path, path: str, qr: QRCache, conf: dict) -> int:
    svg, png = qr.paths(urls.absolute(conf["base_url"], path))
    place(svg, out / path.lstrip("/") / "qr.svg")
    place(png, out / path.lstrip("/") / "qr.png")
    return 2


def _write_bytes(out: Path, path: str, data: bytes) -> None:
    (out / path.lstrip("/")).write_bytes(data)


def _write(out: Path, path: str, html: str) -> None:
    target = out / path.lstrip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def render_floor(content: Path, out: Path, cache: Path) -> tuple[int, float, float]:
    """Write every unit's and outlet's files into ``out``; returns how many files, the
    seconds taken to load the content (not part of the floor) and to write the files."""
    started = time.monotonic()
    site = load_site(content, load_cache=LoadCache(cache, content))
    conf = settings.resolve({"base_url": "https://ymt.example.cn", "cache_dir": str(cache)})
    jobs = os.cpu_count() or 1
    _STATE.update(
        cat=build_catalog(site), env=_environment(site, conf), out=out, conf=conf, jobs=jobs
    )
    loaded = time.monotonic()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        files = sum(pool.map(_render, range(jobs)))
    return files, loaded - started, time.monotonic() - loaded
