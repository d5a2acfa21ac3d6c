"""Rendering the planned files: forked renderers write what one process writes, their errors
reach the build, and each site app keeps its own lookups (no module-level memo)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from generator import settings, urls
from generator.build.plan import plan
from generator.content.readers import load_site
from generator.pages.app import create_site_app
from generator.pages.render import render_outputs

from .site_helpers import BASE_URL, FIXTURE, overrides, tree


@pytest.fixture(scope="module")
def site():
    return load_site(FIXTURE)


def _app_and_outputs(site, tmp: Path):
    conf = settings.resolve(overrides(tmp, base_url=BASE_URL))
    app = create_site_app(site, conf)
    return app, plan(app.extensions["yimatong.catalog"], conf).outputs, conf


def test_forked_renderers_write_the_same_bytes_as_one_process(site, tmp_path):
    app, outputs, conf = _app_and_outputs(site, tmp_path)
    render_outputs(app, outputs, tmp_path / "one", conf, jobs=1, progress=False)
    render_outputs(app, outputs, tmp_path / "two", conf, jobs=2, progress=False)
    one = tree(tmp_path / "one")
    assert len(one) == len({o.path for o in outputs}) and one == tree(tmp_path / "two")
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_write_error_in_a_renderer_reaches_the_caller(site, tmp_path, jobs):
    app, outputs, conf = _app_and_outputs(site, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        render_outputs(app, outputs, blocker / "site", conf, jobs=jobs, progress=False)
    assert multiprocessing.active_children() == []


def test_nothing_to_render_writes_nothing(site, tmp_path):
    app, _, conf = _app_and_outputs(site, tmp_path)
    for jobs in (1, 2):
        render_outputs(app, [], tmp_path / "out", conf, jobs=jobs, progress=False)
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache" / "qr").exists()


def test_two_site_apps_of_one_site_keep_their_own_lookups(site, tmp_path):
    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))
    first, second = create_site_app(site, conf), create_site_app(site, conf)
    cat = first.extensions["yimatong.catalog"]
    cat.unit_keys["X"] = "from the first build"
    assert second.extensions["yimatong.catalog"] is not cat
    assert second.extensions["yimatong.catalog"].unit_keys == {}
    assert first.extensions["yimatong.series"] is not second.extensions["yimatong.series"]


def test_a_unit_and_its_outlets_share_one_computation_of_the_series(site, tmp_path):
    from generator.pages.views.unit import unit_series

    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))
    app = create_site_app(site, conf)
    cat = app.extensions["yimatong.catalog"]
    unit = next(u for u in site.units if u.outlets and u.measurements)
    with app.app_context():
        first = unit_series(unit, cat)
        assert unit_series(unit, cat) is first
        other = next(u for u in site.units if u is not unit)
        assert unit_series(other, cat) is not first
        assert set(unit_series(other, cat)) == {o.code for o in other.outlets}


def test_the_site_app_serves_its_sitemap_without_a_build(site, tmp_path):
    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))
    client = create_site_app(site, conf).test_client()
    body = client.get("/sitemap-1.xml").get_data(as_text=True)
    assert f"<loc>{BASE_URL}/</loc>" in body
    for unit in site.units:
        assert f"<loc>{urls.absolute(BASE_URL, urls.unit_path(unit.code))}</loc>" in body
