"""Building the index: where it goes, what it holds, the atomic swap, reopening."""

from __future__ import annotations

from generator import urls
from generator.search.identity import META_FILE
from generator.search.index import write_index
from generator.search.opened import open_index
from generator.search.reader import SearchIndex

from .conftest import BINYANG


def test_write_index_goes_to_the_setting_not_the_site(fixture_site, tmp_path):
    out_dir, target = tmp_path / "site", tmp_path / "build" / "search-index"
    out_dir.mkdir()
    path = write_index(fixture_site, out_dir, {"search_index_dir": str(target)})
    assert path == target and (target / META_FILE).exists()
    assert list(out_dir.iterdir()) == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["search-index"]


def test_documents_of_every_kind(fixture_site, fixture_index):
    kinds = {k: v.bit_count() for k, v in fixture_index.facets["kind"].items()}
    assert kinds["unit"] == len(fixture_site.units)
    assert kinds["outlet"] == sum(len(u.outlets) for u in fixture_site.units)
    assert kinds["penalty"] == sum(len(u.penalties) for u in fixture_site.units)
    assert kinds["page"] == len(fixture_site.pages)
    first = fixture_index.doc(0)
    assert first.kind == "unit" and first.path == urls.unit_path(first.unit_code)


def test_rebuild_swaps_and_reopens(fixture_site, tmp_path):
    target = tmp_path / "idx"
    write_index(fixture_site, tmp_path, {"search_index_dir": str(target)})
    first = open_index(target)
    assert open_index(target) is first
    smaller = type(fixture_site)(units=fixture_site.units[:1], divisions=fixture_site.divisions)
    write_index(smaller, tmp_path, {"search_index_dir": str(target)})
    second = open_index(target)
    assert second is not first
    assert second.facets["kind"]["unit"].bit_count() == 1
    assert first.facets["kind"]["unit"].bit_count() == len(fixture_site.units)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


def test_labels_and_codes(fixture_index):
    assert fixture_index.label("city", "450100") == "南宁市"
    assert fixture_index.label("category", "key") == "重点管理"
    assert fixture_index.code(BINYANG).bit_count() == 1
    bits, cut = fixture_index.code_prefix("914501")
    assert bits.bit_count() == 3 and not cut  # the unit and its two outlets
    assert fixture_index.code_prefix("914501", limit=1) == (fixture_index.code(BINYANG), True)
    assert fixture_index.term("codes", "DW001").bit_count() == 3


def test_open_missing_index_raises(tmp_path):
    import pytest

    from generator.search.reader import IndexMissing

    with pytest.raises(IndexMissing):
        open_index(tmp_path / "nowhere")
    with pytest.raises(IndexMissing):
        SearchIndex(tmp_path)


def test_long_posting_lists_round_trip(fixture_site, tmp_path):
    """Posting lists longer than the hot threshold, and rare ones, read back exactly from
    our postings files (not only from the ready bitsets)."""
    import dataclasses

    from generator.search.files import HOT_MIN_DOCS
    from generator.search.index import build_index
    from generator.search.text import entries, grams

    BLOCK_LIMIT = HOT_MIN_DOCS * 2

    base = fixture_site.units[0]
    units = tuple(
        dataclasses.replace(
            base, fixed_source_code=f"{base.uscc}{i:03d}P", name=f"第{i}宏达糖业有限公司"
        )
        for i in range(1, BLOCK_LIMIT + 200)
    )
    site = dataclasses.replace(fixture_site, units=units)
    index = SearchIndex(build_index(site, tmp_path / "idx"))
    try:
        docs = entries(site)
        for term in ("有限", "宏达", "1", "第1"):
            expected = {n for n, e in enumerate(docs) if term in grams(e.text)}
            bits = index.term("text", term)
            assert {n for n in range(index.size) if bits >> n & 1} == expected, term
            assert index._ids("text", term).tolist() == sorted(expected), (
                term
            )  # postings, not hot file
        assert len(expected) < BLOCK_LIMIT < index.term("text", "有限").bit_count()
    finally:
        index.close()


def test_addresses_of_pages_and_penalties(fixture_site, fixture_index):
    page = fixture_site.pages[0]
    paths = {fixture_index.doc(n).path for n in range(fixture_index.size)}
    assert f"/pages/{page.slug}/" in paths
    unit = next(u for u in fixture_site.units if u.penalties)
    assert urls.unit_path(unit.code) + "#h-enforcement" in paths


def test_code_table_round_trips_every_kind_of_key(tmp_path):
    from generator.search.files import read_codes, write_codes

    pairs = sorted(
        [("", 4), ("91450100MA5K", 0), ("91450100MA5K", 7), ("DW001", 2), ("许可甲1", 9)]
    )
    write_codes(pairs, tmp_path)
    assert read_codes(tmp_path) == ([k for k, _ in pairs], [d for _, d in pairs])
    for table in ([], [("", 3)]):
        write_codes(table, tmp_path)
        assert read_codes(tmp_path) == ([k for k, _ in table], [d for _, d in table])


def test_index_with_the_old_json_code_table_answers_alike(fixture_index_dir, tmp_path):
    """An index written before the code table's own format still opens (a deploy of new code
    before the next build) and finds the same documents by code."""
    import json
    import shutil

    from generator.search.files import CODES_FILE, OLD_CODES_FILE, read_codes

    old = tmp_path / "old"
    shutil.copytree(fixture_index_dir, old)
    keys, docs = read_codes(old)
    (old / CODES_FILE).unlink()
    (old / OLD_CODES_FILE).write_text(
        json.dumps(list(zip(keys, docs, strict=True))), encoding="utf-8"
    )
    new, before = SearchIndex(fixture_index_dir), SearchIndex(old)
    try:
        assert before.code(BINYANG) == new.code(BINYANG) and new.code(BINYANG).bit_count() == 1
        assert before.code_prefix("914501") == new.code_prefix("914501")
    finally:
        new.close()
        before.close()


def test_bitsets_of_document_lists_short_and_long():
    import random

    from generator.search.reader import VECTOR_IDS, _bits_of

    rng = random.Random(5)
    size = 100_003
    for count in (0, 1, VECTOR_IDS, VECTOR_IDS + 1, 20_000):
        ids = sorted(rng.sample(range(size), count))
        if count:
            ids[-1] = size - 1  # the last bit of the last byte
        assert _bits_of(ids, size) == sum(1 << i for i in ids)
    assert _bits_of([7, 7, 0], size) == 0b10000001  # repeated and unsorted numbers
