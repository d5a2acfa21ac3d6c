"""The floor the build is measured against: the same unit and outlet templates rendered by
plain Jinja straight to files (no Flask, no Frozen-Flask), on every core."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from generator import settings, urls
from generator.readers import load_site
from generator.site_app import TEMPLATES, fingerprinted
from generator.views.common import build_catalog
from generator.views.unit import monitoring_end, outlet_series

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
        unit_path=urls.unit_path,
        outlet_path=urls.outlet_path,
        nav_pages=sorted(site.pages, key=lambda p: p.order),
    )
    return env


def _render(index: int) -> int:
    cat, env, out, conf, jobs = (_STATE[k] for k in ("cat", "env", "out", "conf", "jobs"))
    unit_t, outlet_t = env.get_template("unit.html"), env.get_template("outlet.html")
    count = 0
    for unit in cat.site.units[index::jobs]:
        end = monitoring_end(unit, cat)
        per_outlet = {o.code: outlet_series(unit, o, end) for o in unit.outlets}
        report = urls.report_url(conf["feedback_url"], unit.code)
        html = unit_t.render(
            unit=unit,
            row=cat.rows[unit.code],
            as_of=cat.as_of,
            stats=None,
            series=[s for v in per_outlet.values() for s in v],
            report_href=report,
            penalties=unit.penalties,
            inspections=unit.inspections,
            rectifications=unit.rectifications,
        )
        _write(out, urls.unit_path(unit.code), html)
        for outlet in unit.outlets:
            html = outlet_t.render(
                unit=unit,
                outlet=outlet,
                row=cat.rows[unit.code],
                series=per_outlet[outlet.code],
                report_href=report,
            )
            _write(out, urls.outlet_path(unit.code, outlet.code), html)
        count += 1 + len(unit.outlets)
    return count


def _write(out: Path, path: str, html: str) -> None:
    target = out / path.lstrip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def render_floor(content: Path, out: Path) -> int:
    """Render every unit and outlet page into ``out``; returns how many pages."""
    site = load_site(content)
    conf = settings.resolve({"base_url": "https://ymt.example.cn"})
    jobs = os.cpu_count() or 1
    _STATE.update(
        cat=build_catalog(site), env=_environment(site, conf), out=out, conf=conf, jobs=jobs
    )
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return sum(pool.map(_render, range(jobs)))
