"""The load cache: unchanged records come from it, changed ones are read again, problems stay."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator import clock
from generator.content.problems import ContentError
from generator.content.readers import LoadCache, load_site, read_content
from generator.content.readers.pickled import PickledTuple
from generator.content.serialize import unit_record

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"


@pytest.fixture
def content(tmp_path):
    """The fixture content with its units moved into one JSON Lines file (one per line)."""
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "content"))
    lines = []
    for path in sorted((folder / "units").glob("*.yaml")):
        lines.append(
            json.dumps(
                jsonable(yaml.safe_load(path.read_text(encoding="utf-8"))), ensure_ascii=False
            )
        )
        path.unlink()
    (folder / "units" / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _load(content, cache_dir):
    cache = LoadCache(cache_dir, content)
    return load_site(content, load_cache=cache), cache


def test_cached_load_equals_a_plain_load(content, tmp_path):
    first, cache = _load(content, tmp_path / "cache")
    assert len(cache.hashes) == len(first.units)
    again, _ = _load(content, tmp_path / "cache")
    assert again.units == first.units == load_site(content).units


def test_changed_jsonl_line_is_read_again(content, tmp_path):
    before, _ = _load(content, tmp_path / "cache")
    path = content / "units" / "export.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["name"] = "改名后的单位"
    lines[1] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    after, cache = _load(content, tmp_path / "cache")
    changed = after.unit(record["fixed_source_code"])
    assert changed.name == "改名后的单位" and changed.source == "units/export.jsonl:2"
    assert [u for u in after.units if u.code != changed.code] == [
        u for u in before.units if u.code != changed.code
    ]
    assert after.units == load_site(content).units


def test_moved_line_keeps_its_new_line_number(content, tmp_path):
    _load(content, tmp_path / "cache")
    path = content / "units" / "export.jsonl"
    path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    site, _ = _load(content, tmp_path / "cache")
    assert sorted(u.source for u in site.units) == sorted(
        u.source for u in load_site(content).units
    )
    assert all(int(u.source.rsplit(":", 1)[1]) > 1 for u in site.units)


def test_problem_is_reported_again_with_a_warm_cache(content, tmp_path):
    path = content / "units" / "export.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + '{"name": "x"}\n{broken\n', encoding="utf-8")
    _, expected = read_content(content)
    for _ in range(2):
        with pytest.raises(ContentError) as caught:
            _load(content, tmp_path / "cache")
        found = [p for p in caught.value.problems if p.file == "units/export.jsonl"]
        assert found and {(p.line, p.message) for p in found} >= {
            (p.line, p.message) for p in expected if p.file == "units/export.jsonl"
        }


def test_yaml_file_changed_after_caching_is_read_again(tmp_path):
    content = Path(shutil.copytree(FIXTURE, tmp_path / "content"))
    _load(content, tmp_path / "cache")
    unit_file = next((content / "units").glob("*.yaml"))
    unit_file.write_text(
        unit_file.read_text(encoding="utf-8") + "\nname: [unclosed\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as caught:
        _load(content, tmp_path / "cache")
    assert any(p.file == f"units/{unit_file.name}" for p in caught.value.problems)


def test_whole_model_checks_run_with_a_warm_cache(content, tmp_path):
    _load(content, tmp_path / "cache")
    path = content / "units" / "export.jsonl"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(path.read_text(encoding="utf-8") + first + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _load(content, tmp_path / "cache")
    assert any("重复" in p.message for p in caught.value.problems)


def test_cached_measurements_are_unpickled_only_when_read(content, tmp_path):
    _load(content, tmp_path / "cache")
    again, _ = _load(content, tmp_path / "cache")
    fresh = {u.code: u for u in load_site(content).units}
    unit = next(u for u in again.units if u.measurements)
    lazy = unit.measurements
    assert isinstance(lazy, PickledTuple) and lazy._items is None
    assert len(lazy) == len(fresh[unit.code].measurements) and lazy._items is None
    assert lazy == fresh[unit.code].measurements and fresh[unit.code].measurements == lazy
    assert list(lazy) == list(fresh[unit.code].measurements) and lazy[0] == lazy.items()[0]
    assert hash(lazy) == hash(fresh[unit.code].measurements)
    assert repr(lazy) == repr(fresh[unit.code].measurements)
    assert unit_record(unit, again) == unit_record(fresh[unit.code], again)


def test_readers_give_repeated_values_one_object(content):
    # One object per value is pickled once per load-cache shard and restored once.
    site, _ = read_content(content)
    texts = [p.unit for u in site.units for o in u.outlets for p in o.pollutants]
    texts += [p.standard for u in site.units for o in u.outlets for p in o.pollutants]
    assert len(texts) > len({*texts})
    for value in {*texts}:
        assert len({id(t) for t in texts if t == value}) == 1
    industries = [u.industry for u in site.units]
    assert len({id(i) for i in industries}) == len({*industries})


def test_a_cache_made_by_other_code_is_removed_on_save(content, tmp_path):
    _, cache = _load(content, tmp_path / "cache")
    stale = cache.folder.with_name(cache.folder.name.split("-")[0] + "-0123456789abcdef")
    other_content = cache.folder.with_name("f" * 16 + "-0123456789abcdef")
    shutil.copytree(cache.folder, stale)
    shutil.copytree(cache.folder, other_content)
    for shard in cache.folder.glob("*.pickle"):
        shard.unlink()
    _load(content, tmp_path / "cache")
    assert not stale.exists() and other_content.exists() and any(cache.folder.iterdir())


def test_units_checked_once_stay_checked_on_later_days(content, tmp_path):
    import datetime as dt

    _, cache = _load(content, tmp_path / "cache")
    today = clock.china_today()
    sources = set(cache.hashes)
    assert cache.checked(today) == sources
    assert cache.checked(today + dt.timedelta(days=400)) == sources  # nothing to redo
    assert cache.checked(today - dt.timedelta(days=1)) == frozenset()  # the clock went back
    cache.mark_checked(today + dt.timedelta(days=1))
    assert not cache._dirty  # a new day rewrites no shard


def test_per_unit_checks_that_pass_today_pass_on_every_later_day(content):
    import datetime as dt

    from generator.content.validate import check_unit

    site, _ = read_content(content)
    today = dt.date(2026, 12, 1)
    for unit in site.units:
        found = []
        check_unit(unit, site.divisions, today, found)
        assert not found
        for later in (1, 31, 3650):
            check_unit(unit, site.divisions, today + dt.timedelta(days=later), found)
        assert not found


def test_shards_written_in_the_background_are_read_by_the_next_load(content, tmp_path, monkeypatch):
    from generator.content.readers import loadcache

    monkeypatch.setattr(loadcache, "BACKGROUND_FROM_SHARDS", 1)  # the fixture fills few
    cache = LoadCache(tmp_path / "cache", content)
    first = load_site(content, load_cache=cache, save_in_background=True)
    assert cache._writer is not None
    cache.wait()
    again, warm = _load(content, tmp_path / "cache")
    assert again.units == first.units
    assert all(isinstance(u.measurements, PickledTuple) for u in again.units if u.measurements)
    assert not list(warm.folder.glob("*.tmp-*"))
