"""``yimatong build`` notices a search index that is not the one it wrote and repairs it."""

from __future__ import annotations

import json
import shutil

import pytest

from generator.build.run import build
from generator.content.readers import load_site
from generator.search.identity import META_FILE, index_stamps, site_identity
from generator.search.index import build_index
from generator.search.opened import open_index

from .site_helpers import BASE_URL, FIXTURE, overrides

STEP = "step write_index"


def _build(content, tmp_path):
    return build(
        content,
        tmp_path / "site",
        BASE_URL,
        jobs=1,
        progress=False,
        overrides=overrides(tmp_path, search_index_dir=str(tmp_path / "index")),
    )


@pytest.fixture
def built(tmp_path):
    """The fixture content built once (site, cache and index in tmp_path); its Site."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    _build(content, tmp_path)
    return content, load_site(content)


def _replace_with_other_site(site, folder):
    """What a test run used to do: write the index of another (smaller) site over ours."""
    other = type(site)(units=site.units[:1], divisions=site.divisions)
    build_index(other, folder)


def _units_in(folder) -> int:
    return open_index(folder).facets["kind"]["unit"].bit_count()


def test_unchanged_build_keeps_its_own_index(built, tmp_path):
    content, site = built
    assert index_stamps(tmp_path / "index")["site"] == site_identity(site)
    again = _build(content, tmp_path)
    assert STEP not in again.phases  # nothing changed: the step is skipped


@pytest.mark.parametrize("damage", ["other site", "removed", "unstamped", "damaged meta"])
def test_build_repairs_an_index_it_did_not_write(built, tmp_path, damage):
    content, site = built
    folder = tmp_path / "index"
    if damage == "other site":
        _replace_with_other_site(site, folder)
        assert _units_in(folder) == 1
    elif damage == "removed":
        shutil.rmtree(folder)
    elif damage == "unstamped":
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        meta.pop("build")
        (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    else:
        (folder / META_FILE).write_text("{", encoding="utf-8")
    repaired = _build(content, tmp_path)
    assert STEP in repaired.phases and repaired.rendered == 0  # only the index is redone
    assert index_stamps(folder)["site"] == site_identity(site)
    assert _units_in(folder) == len(site.units)
    assert STEP not in _build(content, tmp_path).phases  # and trusted again
