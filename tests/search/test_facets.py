"""Facet counts (generator/search/facets.py) agree with counting each value's bitset.

The table counts over the matching documents, over the rest when most match, or value by
value for a facet whose values overlap; every path must give what an AND and a population
count of each value gives, with and without filters, on both engines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from generator.search.engine import match, search
from generator.search.facets import FacetTable, doc_ids
from generator.search.query import parse
from generator.search.text import FACETS


def reference(index, matched: int, filters: dict[str, str]) -> dict[str, dict[str, int]]:
    """Counts as the engine made them before the table: value by value, nonzero only."""
    out = {}
    for name in FACETS:
        base = matched
        for other, value in filters.items():
            if other != name:
                base &= index.facets[other].get(value, 0)
        counts = {v: (base & bits).bit_count() for v, bits in index.facets[name].items()}
        out[name] = {v: c for v, c in counts.items() if c}
    return out


def shown(result) -> dict[str, dict[str, int]]:
    return {f.name: {v.value: v.count for v in f.values} for f in result.facets}


@pytest.mark.parametrize("size", [0, 1, 7, 63, 64, 65, 1000, 4099])
def test_doc_ids_are_the_set_bits(size):
    """Sets of every density: few words held (those unpacked) and many (all unpacked)."""
    rng = random.Random(size)
    for count in [rng.randint(0, size) for _ in range(20)] + list(range(min(size, 12))):
        chosen = sorted(rng.sample(range(size), count))
        bits = sum(1 << i for i in chosen)
        assert doc_ids(bits, size).tolist() == chosen


QUERIES = ["有限公司", "广西", "糖业", "南宁", "废水", "厂", "DW001", "超标", "科技", "9145"]


def test_counts_match_value_by_value(sample_index):
    """Narrow and broad queries (most documents: counted over the rest), with filters."""
    index = sample_index
    checked = 0
    for text in QUERIES:
        result = search(index, parse(text), {}, 1, 10)
        if result.redirect or result.near:
            continue  # a code's page, or near matches counted too (test_near.py)
        matched = match(index, parse(text))[0]
        assert shown(result) == reference(index, matched, {})
        for name in ("city", "kind", "county"):
            for value in list(shown(result)[name])[:2]:
                filters = {name: value}
                if name == "county":
                    filters["kind"] = "unit"
                filtered = search(index, parse(text), filters, 1, 10)
                assert shown(filtered) == reference(index, matched, filtered.filters)
                checked += 1
    assert checked >= 10


def test_broad_query_counts_over_the_rest(sample_index):
    """A query most documents match takes the complement path and still counts exactly."""
    table = FacetTable(sample_index)
    everything = sample_index.all
    assert table.counts(everything) == {
        name: [(v, (everything & b).bit_count()) for v, b in sample_index.facets[name].items()]
        for name in FACETS
    }
    assert all(c == 0 for counts in table.counts(0).values() for _, c in counts)


@dataclass
class PlainIndex:
    """An index's facet bitsets as plain data: what FacetTable reads of an index."""

    size: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def all(self) -> int:
        return (1 << self.size) - 1


def _random_facets(rng: random.Random, size: int, overlap: bool) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {}
    for name, values in (("kind", 3), ("city", 5), ("county", 17), ("tag", 4)):
        table = {f"{name}{v}": 0 for v in range(values)}
        for doc in range(size):
            if rng.random() < 0.9:
                table[f"{name}{rng.randrange(values)}"] |= 1 << doc
            if overlap and name == "tag" and rng.random() < 0.3:
                table[f"{name}{rng.randrange(values)}"] |= 1 << doc
        facets[name] = table
    return facets


@pytest.mark.parametrize("overlap", [False, True])
def test_every_path_counts_exactly(overlap):
    """Sparse and dense matches, documents without a value, overlapping values."""
    rng = random.Random(3)
    index = PlainIndex(700, _random_facets(rng, 700, overlap))
    table = FacetTable(index)
    assert ("tag" in table.bitsets) == overlap
    for share in (0.0, 0.01, 0.2, 0.5, 0.51, 0.9, 1.0):
        base = sum(1 << d for d in range(index.size) if rng.random() < share)
        expected = {
            name: [(v, (base & b).bit_count()) for v, b in values.items()]
            for name, values in index.facets.items()
        }
        assert table.counts(base) == expected, share
