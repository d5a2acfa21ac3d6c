"""An index knows which site it was made for; the preview and the service say so when it
belongs to another, and the build repairs it (tests/generator/test_build_index_identity.py)."""

from __future__ import annotations

import json

import pytest

from generator.context import BuildContext
from generator.search.identity import META_FILE, index_matches_build, index_stamps, site_identity
from generator.search.index import build_index, write_index


def _smaller(site, count: int = 1):
    return type(site)(units=site.units[:count], divisions=site.divisions, pages=site.pages)


def test_index_carries_the_identity_of_its_site_and_build(fixture_site, tmp_path):
    settings = {"search_index_dir": str(tmp_path / "i")}
    ctx = BuildContext(fixture_site, tmp_path, settings, step_key="k1")
    folder = write_index(fixture_site, tmp_path, settings, ctx)
    assert index_stamps(folder) == {"site": site_identity(fixture_site), "build": "k1"}
    assert index_matches_build(folder, "k1")
    assert not index_matches_build(folder, "k2") and not index_matches_build(folder, "")


def test_identity_tells_sites_apart(fixture_site, sample_site):
    assert site_identity(fixture_site) == site_identity(fixture_site)
    assert len({site_identity(fixture_site), site_identity(sample_site)}) == 2
    assert site_identity(_smaller(fixture_site, 3)) != site_identity(fixture_site)
    reordered = type(fixture_site)(
        units=tuple(reversed(fixture_site.units)),
        divisions=fixture_site.divisions,
        pages=fixture_site.pages,
    )
    assert site_identity(reordered) != site_identity(fixture_site)
    assert site_identity(_smaller(fixture_site, 4)) == site_identity(fixture_site)


@pytest.mark.parametrize("content", ["", "{", "[]", '{"documents": 1}'])
def test_stamps_of_missing_damaged_or_unstamped_index(tmp_path, content):
    if content:
        (tmp_path / META_FILE).write_text(content, encoding="utf-8")
    stamps = index_stamps(tmp_path)
    assert stamps is None if content in ("", "{", "[]") else stamps == {"site": "", "build": ""}
    assert not index_matches_build(tmp_path, "k1")


def _search(app, q: str = "宏达"):
    client = app.test_client()
    return client.get(f"/search?q={q}"), client.get(f"/api/search?q={q}")


@pytest.mark.parametrize("kind", ["other site", "unstamped"])
def test_service_warns_once_about_an_index_of_another_site(
    make_app, fixture_site, tmp_path, kind, caplog
):
    folder = build_index(_smaller(fixture_site), tmp_path / "index")
    if kind == "unstamped":
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        del meta["site"]
        (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    app = make_app(SEARCH_INDEX_DIR=str(folder))
    for _ in range(3):
        page, api = _search(app)
        assert page.status_code == 200 and api.get_json()["total"] > 0  # still answers
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and str(folder) in warnings[0] and "yimatong build" in warnings[0]


def test_service_is_silent_about_the_index_of_its_own_site(make_app, fixture_index_dir, caplog):
    page, api = _search(make_app(SEARCH_INDEX_DIR=str(fixture_index_dir)))
    assert page.status_code == 200 and api.get_json()["total"] >= 1
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.parametrize("kind", ["own", "other site", "missing"])
def test_preview_warns_about_an_index_of_another_site(fixture_site, tmp_path, capsys, kind):
    from feedback.preview import warn_if_index_mismatched

    folder = tmp_path / "index"
    if kind != "missing":
        build_index(fixture_site if kind == "own" else _smaller(fixture_site), folder)
    warned = warn_if_index_mismatched(fixture_site, {"search_index_dir": str(folder)})
    err = capsys.readouterr().err
    assert warned is (kind != "own")
    assert ("yimatong build" in err) is warned and (str(folder) in err) is warned
