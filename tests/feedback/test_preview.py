"""`yimatong serve`: the preview writes the directory file of the content it shows, so the
service beside it knows the same units (feedback/preview.py)."""

from __future__ import annotations

import dataclasses

from feedback.preview import service_config, site_preview
from generator import settings
from generator.content.readers import load_site
from generator.directory.records import path_beside, read, write
from generator.directory.write import directory_of
from tests.feedback.conftest import BINYANG, FIXTURES
from tests.monitoring.public_helpers import fill, hours


def _conf(tmp_path) -> dict:
    return settings.resolve(
        {
            "search_index_dir": str(tmp_path / "search-index"),
            "cache_dir": str(tmp_path / "cache"),
            "stats_file": "",
            "monitoring_db": str(tmp_path / "monitoring.duckdb"),
        }
    )


def test_the_preview_writes_the_directory_the_service_reads(tmp_path, make_app):
    conf = _conf(tmp_path)
    site_preview(str(FIXTURES), conf)
    path = path_beside(conf["search_index_dir"])
    assert read(path) == directory_of(load_site(FIXTURES))
    app = make_app(DIRECTORY_FILE="", **service_config(conf))
    assert app.test_client().get(f"/report/{BINYANG}").status_code == 200


def test_a_build_stamp_for_the_same_content_is_kept(tmp_path):
    conf = _conf(tmp_path)
    path = path_beside(conf["search_index_dir"])
    write(path, dataclasses.replace(directory_of(load_site(FIXTURES)), build="from-a-build"))
    before = path.stat().st_ino
    site_preview(str(FIXTURES), conf)
    assert read(path).build == "from-a-build" and path.stat().st_ino == before


def test_the_preview_shows_the_automatic_monitoring_of_the_store(tmp_path):
    import datetime as dt

    from generator import urls

    conf = _conf(tmp_path)
    unit = load_site(FIXTURES).unit(BINYANG)
    assert unit is not None
    fill(tmp_path / "monitoring.duckdb", hours(unit, dt.datetime(2026, 10, 1), 48))
    page = site_preview(str(FIXTURES), conf).test_client().get(urls.unit_path(BINYANG))
    assert "自动监控（近90日）" in page.get_data(as_text=True)
