"""The PostgreSQL engine's loads: an update after units change, arrive or go answers exactly as
the embedded index built from scratch; loads are one transaction, so a reader keeps the
generation it opened; the service follows a new load; the build's search step loads it."""

from __future__ import annotations

import dataclasses

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.search.index import build_index, write_index
from generator.search.opened import open_engine
from generator.search.pgindex import PgIndex, open_postgres
from generator.search.pgload import load_postgres, unit_digests
from generator.search.reader import IndexMissing, SearchIndex
from tests.search.conftest import FIXTURES
from tests.search.test_update import _answers, _new_unit, _queries, _renamed


def _changed(site):
    """``site`` with one unit renamed (it moves in rank), one added (a tie), one removed."""
    units = list(site.units)
    renamed = units[5] = _renamed(units[5], "广西宏达糖业集团有限公司")
    added = _new_unit(units[20], 7, units[30].name)
    units.insert(3, added)
    units.pop(50)
    return dataclasses.replace(site, units=tuple(units)), [renamed, added, units[30]]


def _same_as_embedded(site, pg: PgIndex, tmp_path, changed=()) -> None:
    fresh = SearchIndex(build_index(site, tmp_path / "fresh"))
    try:
        queries = _queries(site, changed)
        assert _answers(pg, queries) == _answers(fresh, queries)
    finally:
        fresh.close()


def test_an_update_replaces_only_changed_units_and_answers_as_a_full_build(
    sample_site, pg_database, tmp_path
):
    url = pg_database("updates")
    first = load_postgres(sample_site, url)
    assert first.kind == "full" and first.generation == 1
    before = PgIndex(url)
    site, changed = _changed(sample_site)
    done = load_postgres(site, url, unit_digests(site))
    assert (done.kind, done.generation, done.units_changed) == ("update", 2, 3)
    after = PgIndex(url)
    try:
        _same_as_embedded(site, after, tmp_path, changed)
        # The reader of the first generation still answers as it did (one transaction).
        old = SearchIndex(build_index(sample_site, tmp_path / "old"))
        queries = _queries(sample_site, [])[:12]
        assert _answers(before, queries) == _answers(old, queries)
        old.close()
        # Nothing changed: a new generation, no unit analysed again.
        again = load_postgres(site, url, unit_digests(site))
        assert (again.kind, again.units_changed) == ("update", 0)
    finally:
        before.close()
        after.close()


def test_many_changes_or_full_mean_a_full_load_swapped_in(fixture_site, pg_database):
    url = pg_database("swaps")
    load_postgres(fixture_site, url)
    reader = PgIndex(url)
    renamed = [_renamed(u, u.name + "分厂") for u in fixture_site.units]
    site = dataclasses.replace(fixture_site, units=tuple(renamed))
    done = load_postgres(site, url, {u.code: "changed" for u in site.units}, full=True)
    assert done.kind == "full"
    fresh = PgIndex(url)
    try:
        assert fresh.docs([0])[0].title.endswith("分厂")
        # The generation before still answers from its own tables until the next load.
        assert not reader.docs([0])[0].title.endswith("分厂")
        assert not reader.is_latest() and fresh.is_latest()
    finally:
        reader.close()
        fresh.close()


def test_the_service_opens_each_new_generation(fixture_site, pg_database):
    url = pg_database("reopen")
    with pytest.raises(IndexMissing):
        open_postgres(url)
    load_postgres(fixture_site, url)
    first = open_engine("postgresql", "unused", url)
    assert open_postgres(url) is first
    units = (_renamed(fixture_site.units[0], "南宁新名称有限公司"), *fixture_site.units[1:])
    load_postgres(dataclasses.replace(fixture_site, units=units), url)
    second = open_postgres(url)
    assert second is not first and second.generation == first.generation + 1


def test_an_empty_database_gives_the_unavailable_page(make_app, pg_database):
    app = make_app(SEARCH_ENGINE="postgresql", SEARCH_DATABASE_URL=pg_database("empty"))
    response = app.test_client().get("/api/search", query_string={"q": "宏达"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_the_build_step_and_the_command_load_the_tables(fixture_site, pg_database, tmp_path):
    url = pg_database("build")
    settings = {
        "search_index_dir": str(tmp_path / "index"),
        "search_engine": "postgresql",
        "search_database_url": url,
    }
    write_index(fixture_site, tmp_path / "site", settings)
    index, embedded = PgIndex(url), SearchIndex(tmp_path / "index")
    try:
        assert index.size == embedded.size and index.generation == 1
    finally:
        index.close()
        embedded.close()
    result = CliRunner().invoke(
        main, ["search", "load-pg", "--content", str(FIXTURES), "--url", url]
    )
    assert result.exit_code == 0, result.output
    assert "更新" in result.output and "第 2 版" in result.output
    missing = dict(settings, search_database_url="")
    with pytest.raises(ValueError, match="search_database_url"):
        write_index(fixture_site, tmp_path / "site", missing)
