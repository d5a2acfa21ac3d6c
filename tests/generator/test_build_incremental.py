"""Incremental builds: only what changed is redone, and the result equals a full build."""

from __future__ import annotations

import shutil

from generator import urls
from generator.build import build

from .site_helpers import BASE_URL, FIXTURE, overrides, tree

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
    second = _build(content, out, tmp_path)
    assert not second.full
    assert 0 < second.rendered < first.total / 2
    assert not (out / urls.unit_path(REVOKED_UNIT).lstrip("/")).exists()
    assert "黄志刚" in (out / urls.unit_path(KEY_UNIT).lstrip("/") / "index.html").read_text()

    fresh = tmp_path / "fresh"
    _build(content, fresh, tmp_path / "other-cache")
    assert tree(out) == tree(fresh)


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
    assert "12345" in (out / "index.html").read_text()


def _index_files(folder):
    from generator.searchindex import CODES_FILE, HOT_FILE, META_FILE

    return {name: (folder / name).read_bytes() for name in (META_FILE, HOT_FILE, CODES_FILE)}


def _build_steps(content, out, cache, index):
    return build(
        content,
        out,
        BASE_URL,
        jobs=1,
        progress=False,
        overrides=overrides(cache, search_index_dir=str(index)),
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
