"""Incremental builds: only what changed is redone, and the result equals a full build."""

from __future__ import annotations

import shutil

import yaml

from generator import urls
from generator.build.run import build

from .site_helpers import BASE_URL, FIXTURE, overrides, soup, tree
from .unit_records import copy_unit

KEY_UNIT = "91450126MA5L3K2R5Q001P"
REVOKED_UNIT = "91450902MA5K8T4H2R001P"


def _build(content, out, cache, **kw):
    return build(content, out, BASE_URL, jobs=1, progress=False, overrides=overrides(cache), **kw)


def test_change_and_removal_match_a_fresh_full_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "site"
    first = _build(content, out, tmp_path)
    assert first.full and first.rendered == first.total

    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    text = unit_file.read_text(encoding="utf-8")
    unit_file.write_text(text.replace("黄志强", "黄志刚"), encoding="utf-8")
    (content / "units" / f"{REVOKED_UNIT}.yaml").unlink()
    second = _build(content, out, tmp_path, allow_drop=True)  # 1 of 4 units: over the 10%
    assert not second.full
    assert 0 < second.rendered < first.total / 2
    assert not (out / urls.unit_path(REVOKED_UNIT).lstrip("/")).exists()
    assert "黄志刚" in (out / urls.unit_path(KEY_UNIT).lstrip("/") / "index.html").read_text()

    fresh = tmp_path / "fresh"
    _build(content, fresh, tmp_path / "other-cache")
    assert tree(out) == tree(fresh)


def _drop_outlet(path, outlet):
    """Remove ``outlet`` and its monitoring series from a unit's YAML file."""
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["outlets"] = [o for o in record["outlets"] if o["code"] != outlet]
    record["monitoring"] = [m for m in record.get("monitoring", []) if m["outlet"] != outlet]
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")


def test_removed_outlet_and_added_unit_match_a_fresh_full_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out = tmp_path / "site"
    _build(content, out, tmp_path)
    outlet_page = out / urls.outlet_path(KEY_UNIT, "DA001").lstrip("/")
    assert (outlet_page / "index.html").is_file()

    _drop_outlet(content / "units" / f"{KEY_UNIT}.yaml", "DA001")
    added = copy_unit(content, KEY_UNIT, "MA5L3K2R9", "二")
    second = _build(content, out, tmp_path)
    assert not second.full and second.removed >= 3
    assert not outlet_page.exists()
    assert (out / urls.unit_path(KEY_UNIT).lstrip("/") / "DW001" / "index.html").is_file()
    assert (out / urls.unit_path(added).lstrip("/") / "index.html").is_file()

    fresh = tmp_path / "fresh"
    _build(content, fresh, tmp_path / "other-cache")
    assert tree(out) == tree(fresh)


EXPIRING_UNIT = "91450222MA5N7P3C8N001P"
REGISTERED_UNIT = "92450324MA5R2W6X1P001W"


def _edit(content, code, old, new):
    path = content / "units" / f"{code}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_new_as_of_date_redoes_only_units_whose_badges_change(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    _edit(content, EXPIRING_UNIT, "valid_to: 2026-12-31", "valid_to: 2026-11-22")
    out, index = tmp_path / "site", tmp_path / "index"
    _build_steps(content, out, tmp_path, index)  # as of 2026-11-20: the permit is expiring

    def page(code):
        return out / urls.unit_path(code).lstrip("/") / "index.html"

    untouched = page(KEY_UNIT).stat().st_ino
    # A newer data-as-of date moves the site's as-of date to 2026-11-25: expired now.
    _edit(content, REGISTERED_UNIT, "permit: 2026-10-20", "permit: 2026-11-25")
    second = _build_steps(content, out, tmp_path, index)
    assert not second.full
    assert page(KEY_UNIT).stat().st_ino == untouched  # same badge, not made again
    assert "已过期" in page(EXPIRING_UNIT).read_text(encoding="utf-8")

    assert "expired" in (out / "data" / "units.csv").read_text(encoding="utf-8-sig")

    fresh, fresh_index = tmp_path / "fresh", tmp_path / "fresh-index"
    _build_steps(content, fresh, tmp_path / "other-cache", fresh_index)
    assert tree(out) == tree(fresh)  # pages, open data, feeds
    assert _index_files(index) == _index_files(fresh_index)


def test_nothing_changed_renders_nothing_and_setting_change_redoes_all(tmp_path):
    out = tmp_path / "site"
    _build(FIXTURE, out, tmp_path)
    again = _build(FIXTURE, out, tmp_path)
    assert again.rendered == 0 and not again.full
    changed = build(
        FIXTURE,
        out,
        BASE_URL,
        jobs=1,
        progress=False,
        overrides=overrides(tmp_path, hotline="12345"),
    )
    assert changed.full and changed.rendered == changed.total
    assert "12345" in soup(out, "/").select_one("footer").get_text()


def _index_files(folder):
    """The index's files, less the stamp of the build that wrote it (each build has its own)."""
    import json

    from generator.search.files import CODES_FILE, HOT_FILE
    from generator.search.identity import META_FILE

    found = {name: (folder / name).read_bytes() for name in (HOT_FILE, CODES_FILE)}
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    assert meta.pop("build")  # stamped (see generator/search/identity.py)
    return {**found, META_FILE: json.dumps(meta, sort_keys=True).encode()}


def _build_steps(content, out, cache, index):
    return build(
        content,
        out,
        BASE_URL,
        jobs=1,
        progress=False,
        overrides=overrides(cache, search_index_dir=str(index)),
        allow_drop=True,  # a removal of 1 of 4 units is more than the 10% allowed
    )


def test_open_data_feeds_and_index_incremental_equal_full(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    out, index = tmp_path / "site", tmp_path / "index"
    _build_steps(content, out, tmp_path, index)
    data = {p.name for p in (out / "data").iterdir()}
    assert {"units.csv", "monitoring.jsonl", "datapackage.json"} <= data

    unchanged = _build_steps(content, out, tmp_path, index)
    assert not any(name.startswith("step ") for name in unchanged.phases)
    assert (out / "data" / "units.csv").is_file() and (out / "feeds").is_dir()

    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    text = unit_file.read_text(encoding="utf-8")
    unit_file.write_text(text.replace("黄志强", "黄志刚"), encoding="utf-8")
    (content / "units" / f"{REVOKED_UNIT}.yaml").unlink()
    changed = _build_steps(content, out, tmp_path, index)
    assert "step write_open_data" in changed.phases
    assert "黄志刚" in (out / "data" / "units.csv").read_text(encoding="utf-8-sig")

    fresh, fresh_index = tmp_path / "fresh", tmp_path / "fresh-index"
    _build_steps(content, fresh, tmp_path / "other-cache", fresh_index)
    assert tree(out) == tree(fresh)
    assert _index_files(index) == _index_files(fresh_index)
