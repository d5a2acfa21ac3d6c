"""Fixtures shared by the generator's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build.run import build
from generator.content.model import Site
from generator.content.readers import load_site

from .site_helpers import BASE_URL, FIXTURE, judged_on_its_as_of, on_fixture_day, overrides


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The fixture content built once, as on its own day; tests only read it."""
    tmp = tmp_path_factory.mktemp("fixture-site")
    with on_fixture_day():
        build(FIXTURE, tmp / "site", BASE_URL, jobs=1, progress=False, overrides=overrides(tmp))
    return tmp / "site"


@pytest.fixture(scope="session")
def site() -> Site:
    """The fixture content loaded, judged on its as-of date."""
    return judged_on_its_as_of(load_site(FIXTURE))
