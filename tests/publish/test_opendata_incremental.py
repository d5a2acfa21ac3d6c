"""Open data written from the kept files of the last build equals a full build, byte for byte."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from generator.content.codes import make_uscc
from generator.context import BuildContext
from generator.opendata import sha256, tablefiles
from generator.opendata.downloads import write_open_data

from .conftest import make_unit, sample_site


def _site(extra: int = 40):
    """The sample site and ``extra`` more units, so kept runs and hash states matter."""
    site = sample_site()
    more = tuple(_bulk_unit(n) for n in range(extra))
    return dataclasses.replace(site, units=site.units + more)


def _bulk_unit(n: int):
    uscc = make_uscc(f"91450126MA5{n:06d}")
    return make_unit("9", uscc=uscc, fixed_source_code=f"{uscc}001P", name=f"广西批量{n}有限公司")


def _keys(site, **changed):
    keys = {u.code: f"k-{u.code}" for u in site.units}
    keys.update(changed)
    return keys


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _write(site, settings, out: Path, keys=None) -> dict[str, bytes]:
    out.mkdir(parents=True)
    ctx = BuildContext(site, out, settings, unit_keys=keys) if keys else None
    write_open_data(site, out, settings, ctx)
    return _tree(out)


@pytest.fixture(params=[64, 1 << 22], ids=["small-checkpoints", "default-checkpoints"])
def checkpoint(request, monkeypatch):
    """Hash states every 64 bytes (many resumes) and at the default distance (none here)."""
    monkeypatch.setattr(tablefiles, "CHECKPOINT", request.param)
    return request.param


def _replace_unit(site, n: int, **fields):
    units = list(site.units)
    units[n] = dataclasses.replace(units[n], **fields)
    return dataclasses.replace(site, units=tuple(units))


@pytest.mark.parametrize("where", [0, 1, 20, -1])
def test_changed_unit_matches_full_build(settings, tmp_path, checkpoint, where):
    site = _site()
    _write(site, settings, tmp_path / "first", _keys(site))
    ordered = sorted(range(len(site.units)), key=lambda n: site.units[n].fixed_source_code)
    n = ordered[where]
    changed = _replace_unit(site, n, name="改名后的公司")
    keys = _keys(changed, **{changed.units[n].code: "new"})
    incremental = _write(changed, settings, tmp_path / "second", keys)
    assert incremental == _write(changed, settings, tmp_path / "full")
    again = _write(changed, settings, tmp_path / "third", keys)
    assert again == incremental


def test_added_and_removed_units_match_full_build(settings, tmp_path, checkpoint):
    site = _site()
    _write(site, settings, tmp_path / "first", _keys(site))
    fewer = dataclasses.replace(site, units=site.units[:3] + site.units[10:])
    assert _write(fewer, settings, tmp_path / "second", _keys(fewer)) == _write(
        fewer, settings, tmp_path / "full-fewer"
    )
    more = dataclasses.replace(fewer, units=fewer.units + (_bulk_unit(77), _bulk_unit(78)))
    assert _write(more, settings, tmp_path / "third", _keys(more)) == _write(
        more, settings, tmp_path / "full-more"
    )


def test_key_change_with_same_rows_links_the_kept_file(settings, tmp_path):
    site = _site()
    first = tmp_path / "first"
    _write(site, settings, first, _keys(site))
    code = site.units[0].code
    second = tmp_path / "second"
    assert _write(site, settings, second, _keys(site, **{code: "new"})) == _tree(first)
    kept = (second / "data" / "units.csv").stat()
    assert kept.st_nlink >= 2  # linked with the kept copy, not written again


def test_hashes_and_sizes_in_data_package_are_the_files(settings, tmp_path, checkpoint):
    site = _site()
    _write(site, settings, tmp_path / "first", _keys(site))
    changed = _replace_unit(site, 5, address="新地址")
    out = tmp_path / "second"
    _write(changed, settings, out, _keys(changed, **{changed.units[5].code: "new"}))
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        data = (out / "data" / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("damage", ["index", "file", "truncate", "garbage"])
def test_damaged_cache_falls_back_to_full(settings, tmp_path, damage):
    site = _site()
    _write(site, settings, tmp_path / "first", _keys(site))
    kept = Path(settings["cache_dir"]) / "opendata"
    if damage == "index":
        (kept / "units.index").write_bytes(b"\x00not marshal")
    elif damage == "file":
        (kept / "outlets.jsonl").unlink()
    elif damage == "truncate":
        with (kept / "units.csv").open("r+b") as handle:
            handle.truncate(100)
    else:
        (kept / "penalties.index").write_bytes(b"")
    changed = _replace_unit(site, 2, name="改名后的公司")
    keys = _keys(changed, **{changed.units[2].code: "new"})
    assert _write(changed, settings, tmp_path / "second", keys) == _write(
        changed, settings, tmp_path / "full"
    )


def test_resumed_hash_equals_hashlib():
    data = bytes(range(256)) * 1000
    first = sha256.Hasher()
    first.update(data[:12345])
    again = sha256.Hasher(first.state())
    again.update(memoryview(data)[12345:])
    assert again.hexdigest() == hashlib.sha256(data).hexdigest()
