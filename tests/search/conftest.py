"""Fixtures for search: indexes of the fixture content and of generated sample units, an app.

``fixture_index``, ``sample_index`` and the app (``make_app``, ``client``) come once per
engine (``ENGINES``): the embedded index and the PostgreSQL tables on a throwaway cluster
(tests/pg.py), loaded from the same site, so every test of them runs against both."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from feedback.app import create_app
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from generator.content.readers import load_site
from generator.sample import write_sample
from generator.search.index import build_index
from generator.search.opened import OPEN_INDEXES, close_all, open_index
from generator.search.pgindex import PgIndex
from generator.search.pgload import load_postgres
from generator.search.reader import SearchIndex
from tests import pg

#: The engines every search test runs against (docs/search.md, "Two engines").
ENGINES = ("embedded", "postgresql")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"
BINYANG = "91450126MA5L3K2R5Q001P"
SAMPLE_UNITS = 400


@pytest.fixture(scope="session", autouse=True)
def _close_indexes():
    """Close every index opened during the session."""
    yield
    close_all()


@pytest.fixture(autouse=True)
def _close_test_indexes(tmp_path):
    """Close indexes a test opened in its own tmp_path."""
    yield
    for key in [k for k in OPEN_INDEXES.current if k.startswith(str(tmp_path.resolve()))]:
        OPEN_INDEXES.close(key)
    for _, index in OPEN_INDEXES.retired:
        index.close()
    OPEN_INDEXES.retired.clear()


@pytest.fixture(scope="session")
def fixture_site():
    """The shared fixture content (4 units, 2 pages)."""
    return load_site(FIXTURES)


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the session (skipped where none can start)."""
    if pg.UNAVAILABLE:
        pytest.skip(pg.UNAVAILABLE)
    with pg.throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def pg_database(pg_cluster):
    """Factory: a new empty database of the session cluster, by name; its URL."""
    import psycopg

    from generator.search.pgstore import conninfo

    def make(name: str) -> str:
        with psycopg.connect(conninfo(pg_cluster), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        return pg_cluster.rsplit("/", 1)[0] + "/" + name

    return make


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    """The search engine a test runs against."""
    return request.param


@pytest.fixture(scope="session")
def open_engine_index(engine, request, tmp_path_factory):
    """Factory: ``site`` indexed by the test's engine, open; closed at the session's end."""
    opened = []

    def make(site, name: str):
        if engine == "embedded":
            index = SearchIndex(build_index(site, tmp_path_factory.mktemp(name) / "index"))
        else:
            url = request.getfixturevalue("pg_database")(name)
            load_postgres(site, url)
            index = PgIndex(url)
        opened.append(index)
        return index

    yield make
    for index in opened:
        index.close()


@pytest.fixture(scope="session")
def fixture_index_dir(fixture_site, tmp_path_factory) -> Path:
    """Index of the fixture content."""
    return build_index(fixture_site, tmp_path_factory.mktemp("fixture") / "search-index")


@pytest.fixture(scope="session")
def fixture_pg_url(fixture_site, pg_database) -> str:
    """The fixture content loaded into the PostgreSQL engine's tables."""
    url = pg_database("fixture")
    load_postgres(fixture_site, url)
    return url


@pytest.fixture(scope="session")
def fixture_index(engine, fixture_index_dir, request):
    """The fixture index, open, of each engine."""
    if engine == "embedded":
        yield open_index(fixture_index_dir)
        return
    index = PgIndex(request.getfixturevalue("fixture_pg_url"))
    yield index
    index.close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """A few hundred generated units (generator.sample), for recall and ranking."""
    content = tmp_path_factory.mktemp("sample") / "content"
    write_sample(content, SAMPLE_UNITS, seed=7)
    return load_site(content)


@pytest.fixture(scope="session")
def sample_index(sample_site, open_engine_index):
    """The sample index, open, of each engine."""
    return open_engine_index(sample_site, "sample")


@pytest.fixture
def make_app(tmp_path, fixture_directory, fixture_index_dir, engine, request):
    """Factory of feedback apps whose search reads the fixture index of the test's engine,
    unless the test names its own index folder (SEARCH_INDEX_DIR: the embedded engine)."""
    apps: list[Flask] = []

    def make(**overrides) -> Flask:
        searched: dict[str, str] = {"SEARCH_ENGINE": "embedded"}
        if engine == "postgresql" and "SEARCH_INDEX_DIR" not in overrides:
            url = request.getfixturevalue("fixture_pg_url")
            searched = {"SEARCH_ENGINE": "postgresql", "SEARCH_DATABASE_URL": url}
        config = {
            **TEST_CONFIG,
            "DIRECTORY_FILE": fixture_directory,
            "INSTANCE_PATH": tmp_path / "instance",
            "BASE_URL": "https://site.test",
            "SEARCH_INDEX_DIR": str(fixture_index_dir),
            **searched,
            **overrides,
        }
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(make_app):
    """Test client of the feedback service on the fixture index."""
    return make_app().test_client()
