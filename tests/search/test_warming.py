"""A worker opens its search index as it starts and each new build's index in the
background (feedback/search/views.py, ``start_warming``; gunicorn's post_worker_init)."""

from __future__ import annotations

import dataclasses
import time

from feedback.search.views import start_warming
from generator.search.index import build_index
from generator.search.opened import OPEN_INDEXES
from generator.search.pgindex import OPEN_POSTGRES


def _until(check, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def _units(index) -> int:
    return index.facets["kind"]["unit"].bit_count()


def test_the_index_is_opened_at_start_and_a_new_build_beside_the_old(
    engine, make_app, fixture_site, tmp_path
):
    if engine == "postgresql":
        app = make_app(SEARCH_REFRESH_SECONDS=0.05)
        stop = start_warming(app)
        url = app.config["SEARCH_DATABASE_URL"]
        assert _until(lambda: url in OPEN_POSTGRES.current)  # opened before any search
        stop.set()
        return
    target = build_index(dataclasses.replace(fixture_site, units=fixture_site.units[:4]),
                         tmp_path / "idx")  # fmt: skip
    app = make_app(SEARCH_INDEX_DIR=str(target), SEARCH_REFRESH_SECONDS=0.05)
    key = str(target.resolve())
    stop = start_warming(app)
    try:
        assert _until(lambda: key in OPEN_INDEXES.current)  # before the first search
        first = OPEN_INDEXES.current[key][1]
        client = app.test_client()
        before = client.get("/api/search?q=有限公司").get_json()["total"]
        assert OPEN_INDEXES.current[key][1] is first  # the search used the warmed index
        build_index(dataclasses.replace(fixture_site, units=fixture_site.units[:1]), target)
        assert _until(lambda: _units(OPEN_INDEXES.current[key][1]) == 1)  # no search asked
        assert client.get("/api/search?q=有限公司").get_json()["total"] < before
    finally:
        stop.set()


def test_no_thread_when_refresh_is_off(make_app):
    assert start_warming(make_app(SEARCH_REFRESH_SECONDS=0)) is None


def test_a_damaged_index_is_logged_once_not_on_every_look(make_app, tmp_path, caplog):
    target = tmp_path / "idx"
    target.mkdir()
    (target / "yimatong-search.json").write_text("{", encoding="utf-8")  # cut off mid-write
    app = make_app(SEARCH_INDEX_DIR=str(target), SEARCH_REFRESH_SECONDS=0.02)
    stop = start_warming(app)
    try:
        assert _until(lambda: any("无法在后台打开" in r.getMessage() for r in caplog.records))
        time.sleep(0.3)  # about 15 more looks
    finally:
        stop.set()
    logged = [r for r in caplog.records if "无法在后台打开" in r.getMessage()]
    assert len(logged) == 1 and str(target) in logged[0].getMessage()
    assert str(target.resolve()) not in OPEN_INDEXES.current
