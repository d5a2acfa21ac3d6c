"""The service's open indexes (generator/search/opened.py): one per folder, reopened after a
build swaps a new index in, the replaced one still readable for a while, then closed."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from generator.search.index import build_index
from generator.search.opened import OpenIndexes
from generator.search.reader import IndexMissing


def _rebuild(site, target, units):
    return build_index(dataclasses.replace(site, units=site.units[:units]), target)


def test_reopens_after_a_swap_and_retires_the_old_one(fixture_site, tmp_path):
    opened = OpenIndexes()
    target = _rebuild(fixture_site, tmp_path / "idx", 4)
    first = opened.open(target)
    assert opened.open(target) is first
    _rebuild(fixture_site, target, 1)
    second = opened.open(target)
    assert second is not first and second.facets["kind"]["unit"].bit_count() == 1
    assert [index for _, index in opened.retired] == [first]
    assert first.doc(0).kind == "unit"  # a search still reading the old index finishes
    opened.close_all()
    assert not opened.current and not opened.retired


def test_replaced_indexes_are_closed_after_their_time(fixture_site, tmp_path):
    opened = OpenIndexes(retire_seconds=0.0)
    target = _rebuild(fixture_site, tmp_path / "idx", 4)
    first = opened.open(target)
    _rebuild(fixture_site, target, 2)
    second = opened.open(target)
    _rebuild(fixture_site, target, 1)
    third = opened.open(target)
    assert [index for _, index in opened.retired] == [second]  # first was closed
    assert third.facets["kind"]["unit"].bit_count() == 1
    assert first is not second
    opened.close(target)
    assert not opened.current
    opened.close_all()


def test_folders_are_apart_and_a_missing_one_raises(fixture_site, tmp_path):
    opened = OpenIndexes()
    one = opened.open(_rebuild(fixture_site, tmp_path / "one", 4))
    two = opened.open(_rebuild(fixture_site, tmp_path / "two", 1))
    assert one is not two and len(opened.current) == 2
    with pytest.raises(IndexMissing):
        opened.open(tmp_path / "nowhere")
    opened.close_all()


def test_refresh_opens_a_new_build_beside_the_one_answering(fixture_site, tmp_path):
    opened = OpenIndexes()
    target = _rebuild(fixture_site, tmp_path / "idx", 4)
    assert opened.refresh(target) is True  # nothing open: opened, facet table made
    first = opened.open(target)
    assert opened.refresh(target) is False  # the same build: nothing to do
    _rebuild(fixture_site, target, 1)
    key = str(target.resolve())
    opened.opening[key] = threading.Event()  # as while refresh is opening the new build
    assert opened.open(target) is first  # searches go on with the open index meanwhile
    assert opened.refresh(target) is False  # one open at a time
    del opened.opening[key]
    assert opened.refresh(target) is True
    second = opened.open(target)
    assert second is not first and second.facets["kind"]["unit"].bit_count() == 1
    assert [index for _, index in opened.retired] == [first]
    assert not opened.opening
    opened.close_all()


def test_a_search_waits_for_the_first_open_under_way(fixture_site, tmp_path):
    opened = OpenIndexes()
    target = _rebuild(fixture_site, tmp_path / "idx", 2)
    started = threading.Thread(target=opened.refresh, args=(target,))
    started.start()
    found = opened.open(target)  # the refresh's index, or its own if it came first
    started.join()
    assert opened.open(target) is found and len(opened.current) == 1
    assert opened.refresh(tmp_path / "nowhere") is False  # no index there yet
    opened.close_all()
