"""Updating the index from its cache: after units change, arrive or go, it answers exactly as
a full build of the same site would (results, order, facets, codes, prefixes, paging)."""

from __future__ import annotations

import dataclasses
import random

import pytest

from generator.context import BuildContext
from generator.search import cache as searchcache
from generator.search.engine import search
from generator.search.files import CODES_FILE, HOT_FILE, ORDER_FILE
from generator.search.identity import META_FILE
from generator.search.index import build_index, write_index
from generator.search.query import QueryError, parse
from generator.search.reader import SearchIndex
from generator.search.text import FACETS, runs


def _keys(site, salt: str = "") -> dict[str, str]:
    return {u.code: f"{u.code}{salt}" for u in site.units}


def _update(site, keys, tmp_path):
    """The build step, as a build runs it (unit keys and a cache folder)."""
    settings = {
        "search_index_dir": str(tmp_path / "index"),
        "cache_dir": str(tmp_path / "cache"),
    }
    out = tmp_path / "site"
    return write_index(site, out, settings, BuildContext(site, out, settings, unit_keys=keys))


def _queries(site, changed) -> list[str]:
    """Names, 2–4 character fragments, codes and code prefixes, single characters."""
    rng = random.Random(3)
    out = ["有限公司", "广西", "糖", "厂", "DW001", "da0", "9145", "超标排放", "宏达糖业"]
    for unit in [*changed, *rng.sample(list(site.units), min(8, len(site.units)))]:
        run = max(runs(unit.name), key=len)
        out += [unit.name, unit.name[:1], run[1:3], run[-4:], run[2:5]]
        out += [unit.code, unit.code.lower(), unit.uscc, unit.code[:12], unit.code[8:]]
        out += [unit.address[-4:]] + [f"{unit.code}{o.code}" for o in unit.outlets[:1]]
    return out


def _answers(index: SearchIndex, queries: list[str]) -> list:
    """What the service would show for each query, several filters and pages."""
    out: list = [index.size, index.meta["labels"]]
    out.append({f: {v: b for v, b in index.facets[f].items()} for f in FACETS})
    for text in queries:
        try:
            query = parse(text)
        except QueryError as error:
            out.append(str(error))
            continue
        for filters, page, per_page in (({}, 1, 20), ({}, 2, 5), ({"kind": "outlet"}, 1, 50)):
            out.append(search(index, query, filters, page, per_page, "https://site.test"))
        first = search(index, query, {}, 1, 50)
        for facet in first.facets[1:3]:
            for value in facet.values[:2]:
                out.append(search(index, query, {facet.name: value.value}, 1, 10))
    out.append([index.doc(n) for n in range(index.size)])
    out.append([index.prefix(f, p) for f in ("text", "names", "codes") for p in "广有d"])
    return out


def _same_as_full(site, updated_dir, tmp_path, changed=()) -> None:
    fresh_dir = build_index(site, tmp_path / "fresh")
    updated, fresh = SearchIndex(updated_dir), SearchIndex(fresh_dir)
    try:
        queries = _queries(site, changed)
        assert _answers(updated, queries) == _answers(fresh, queries)
        for name in (META_FILE, CODES_FILE):  # small sites: no term is hot, so equal bytes
            assert (updated_dir / name).read_bytes() == (fresh_dir / name).read_bytes()
    finally:
        updated.close()
        fresh.close()


def _renamed(unit, name: str):
    return dataclasses.replace(unit, name=name)


def _new_unit(unit, number: int, name: str):
    code = f"{unit.uscc}{number:03d}Q"
    return dataclasses.replace(unit, fixed_source_code=code, name=name)


def test_update_after_change_add_and_remove_equals_full_build(sample_site, tmp_path):
    site = sample_site
    keys = _keys(site)
    _update(site, keys, tmp_path)
    assert not (tmp_path / "index" / ORDER_FILE).exists()  # first build: full

    units = list(site.units)
    longer = units[5] = _renamed(units[5], "广西宏达糖业集团有限公司")  # moves in rank
    shortest = units[9] = _renamed(units[9], "糖")  # first of all
    twin = units[30]
    added = _new_unit(units[20], 7, twin.name)  # same name as another: a tie in rank
    units.insert(3, added)
    removed = units.pop(50)
    changed = dataclasses.replace(site, units=tuple(units))
    edited = {longer.code: "x", shortest.code: "y"}
    keys = _keys(changed) | edited
    keys.pop(added.code)  # a unit without a key is always analysed again
    path = _update(changed, keys, tmp_path)
    assert (path / ORDER_FILE).exists()  # an update, not a full build
    assert not any(d.unit_code == removed.code for d in _docs(path))
    _same_as_full(changed, path, tmp_path, [longer, shortest, added, twin])

    # A second update keeps building on the same main segment.
    again = dataclasses.replace(changed, units=tuple(units[:-3]))
    path = _update(again, _keys(again) | edited, tmp_path)
    assert (path / ORDER_FILE).exists()
    _same_as_full(again, path, tmp_path, [longer])


def test_units_that_tie_in_rank_keep_the_order_of_the_site(sample_site, tmp_path):
    units = list(sample_site.units)
    twins = [_new_unit(units[i], 8, "广西同名糖业有限公司") for i in (10, 11, 12)]
    site = dataclasses.replace(sample_site, units=(twins[0], *units, twins[1]))
    _update(site, _keys(site), tmp_path)
    # Another twin placed between them, and one unit changed elsewhere: documents placed.
    placed = dataclasses.replace(
        site, units=(twins[0], *units[:100], twins[2], *units[100:], twins[1])
    )
    path = _update(placed, _keys(placed), tmp_path)
    assert (path / ORDER_FILE).exists()
    _same_as_full(placed, path, tmp_path, twins)
    # The twins swap places in the site: ties are sorted again.
    swapped = dataclasses.replace(site, units=(twins[1], *units, twins[0]))
    path = _update(swapped, _keys(swapped) | {units[7].code: "edited"}, tmp_path)
    assert (path / ORDER_FILE).exists()
    _same_as_full(swapped, path, tmp_path, twins)


def _facets(folder):
    index = SearchIndex(folder)
    try:
        return index.facets
    finally:
        index.close()


def _docs(folder):
    index = SearchIndex(folder)
    try:
        return [index.doc(n) for n in range(index.size)]
    finally:
        index.close()


def test_pages_and_new_facet_values(fixture_site, tmp_path):
    _update(fixture_site, _keys(fixture_site), tmp_path)
    unit = fixture_site.units[0]
    industry = dataclasses.replace(unit.industry, code="2511", name="原油加工及石油制品制造")
    moved = dataclasses.replace(unit, county_code="451002", industry=industry)
    pages = tuple(dataclasses.replace(p, title=p.title + "（修订）") for p in fixture_site.pages)
    site = dataclasses.replace(fixture_site, units=(moved, *fixture_site.units[1:]), pages=pages)
    path = _update(site, _keys(site) | {unit.code: "moved"}, tmp_path)
    assert (path / ORDER_FILE).exists()
    assert "2511" in _facets(path)["industry"] and "451000" in _facets(path)["city"]
    _same_as_full(site, path, tmp_path, [moved])
    assert (path / HOT_FILE).read_bytes() == (tmp_path / "fresh" / HOT_FILE).read_bytes()


def test_removing_every_document_of_a_facet_value_drops_it(fixture_site, tmp_path):
    _update(fixture_site, _keys(fixture_site), tmp_path)
    units = fixture_site.units
    # Not the unit with the newest data: a new as-of date changes every unit (a full build).
    site = next(
        s
        for i in range(len(units))
        if (s := dataclasses.replace(fixture_site, units=units[:i] + units[i + 1 :])).as_of
        == fixture_site.as_of
    )
    path = _update(site, _keys(site), tmp_path)
    assert (path / ORDER_FILE).exists()
    _same_as_full(site, path, tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "missing", "truncated segment", "no matrix"])
def test_damaged_or_missing_cache_falls_back_to_a_full_build(fixture_site, tmp_path, damage):
    _update(fixture_site, _keys(fixture_site), tmp_path)
    cache = tmp_path / "cache" / "search"
    if damage == "garbage":
        (cache / searchcache.STATE_FILE).write_bytes(b"not a pickle")
    elif damage == "missing":
        (cache / searchcache.STATE_FILE).unlink()
    elif damage == "truncated segment":
        segment = next(p for p in cache.iterdir() if p.suffix == ".ypst")
        segment.write_bytes(segment.read_bytes()[:10])
    else:
        (cache / searchcache.MATRIX_FILE).unlink()
    site = dataclasses.replace(fixture_site, units=fixture_site.units[1:])
    path = _update(site, _keys(site), tmp_path)
    assert not (path / ORDER_FILE).exists()  # full build
    _same_as_full(site, path, tmp_path)
    assert (cache / searchcache.STATE_FILE).exists()  # and the cache is whole again


def test_many_changes_merge_into_a_full_build(sample_site, tmp_path, monkeypatch):
    _update(sample_site, _keys(sample_site), tmp_path)
    path = _update(sample_site, _keys(sample_site, "new"), tmp_path)
    assert not (path / ORDER_FILE).exists()
    _same_as_full(sample_site, path, tmp_path)


def test_other_code_or_divisions_mean_a_full_build(fixture_site, tmp_path):
    _update(fixture_site, _keys(fixture_site), tmp_path)
    divisions = {**fixture_site.divisions}
    code, division = next(iter(divisions.items()))
    divisions[code] = dataclasses.replace(division, name=division.name + "新区")
    site = dataclasses.replace(fixture_site, divisions=divisions)
    path = _update(site, _keys(site), tmp_path)
    assert not (path / ORDER_FILE).exists()
    _same_as_full(site, path, tmp_path)


def test_direct_calls_build_in_full_without_a_cache(fixture_site, tmp_path):
    path = write_index(fixture_site, tmp_path / "site", {"search_index_dir": str(tmp_path / "i")})
    assert not (path / ORDER_FILE).exists()
    assert not (tmp_path / "cache").exists()
