"""Fixtures for search: indexes of the fixture content and of generated sample units, an app."""

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
from generator.search.reader import SearchIndex

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
def fixture_index_dir(fixture_site, tmp_path_factory) -> Path:
    """Index of the fixture content."""
    return build_index(fixture_site, tmp_path_factory.mktemp("fixture") / "search-index")


@pytest.fixture(scope="session")
def fixture_index(fixture_index_dir) -> SearchIndex:
    """The fixture index, open."""
    return open_index(fixture_index_dir)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """A few hundred generated units (generator.sample), for recall and ranking."""
    content = tmp_path_factory.mktemp("sample") / "content"
    write_sample(content, SAMPLE_UNITS, seed=7)
    return load_site(content)


@pytest.fixture(scope="session")
def sample_index(sample_site, tmp_path_factory) -> SearchIndex:
    """The sample index, open."""
    return open_index(build_index(sample_site, tmp_path_factory.mktemp("si") / "search-index"))


@pytest.fixture
def make_app(tmp_path, fixture_directory, fixture_index_dir):
    """Factory of feedback apps whose search reads ``fixture_index_dir`` unless overridden."""
    apps: list[Flask] = []

    def make(**overrides) -> Flask:
        config = {
            **TEST_CONFIG,
            "DIRECTORY_FILE": fixture_directory,
            "INSTANCE_PATH": tmp_path / "instance",
            "BASE_URL": "https://site.test",
            "SEARCH_INDEX_DIR": str(fixture_index_dir),
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
