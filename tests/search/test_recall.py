"""Recall and ranking over a few hundred generated units: what people type finds the unit."""

from __future__ import annotations

import random

from generator import urls
from generator.search.engine import match, search
from generator.search.query import parse
from generator.search.text import runs


def _fragments(text: str, size: int, rng: random.Random, count: int) -> list[str]:
    pieces = [r for r in runs(text) if len(r) >= size]
    out = []
    for _ in range(count):
        run = rng.choice(pieces)
        start = rng.randint(0, len(run) - size)
        out.append(run[start : start + size])
    return out


def _recall(index, units, field, rng) -> float:
    found = tried = 0
    for unit in units:
        for size in (2, 3, 4):
            for fragment in _fragments(getattr(unit, field), size, rng, 1):
                tried += 1
                found += bool(match(index, parse(fragment))[0] & index.code(unit.code))
    return found / tried


def test_name_fragments_find_the_unit(sample_site, sample_index):
    assert _recall(sample_index, sample_site.units, "name", random.Random(1)) >= 0.99


def test_address_fragments_find_the_unit(sample_site, sample_index):
    assert _recall(sample_index, sample_site.units, "address", random.Random(2)) >= 0.99


def test_exact_name_ranks_first(sample_site, sample_index):
    for unit in sample_site.units:
        result = search(sample_index, parse(unit.name), per_page=1)
        assert result.hits[0].doc.title == unit.name, unit.name


def test_short_and_former_names_rank_first(fixture_site, fixture_index):
    unit = fixture_site.units[0]
    for name in (*unit.short_names, *unit.former_names):
        result = search(fixture_index, parse(name), per_page=1)
        assert result.hits[0].doc.unit_code == unit.code


def test_code_and_partial_code_match(sample_site, sample_index):
    unit = sample_site.units[17]
    assert search(sample_index, parse(unit.uscc)).redirect.endswith(urls.unit_path(unit.code))
    for text in (unit.code[:12], unit.code[:16], unit.code.lower()[:14], unit.code[:20]):
        result = search(sample_index, parse(text), per_page=5)
        assert unit.code in {h.doc.unit_code for h in result.hits}, text
    organisation = unit.code[8:15]
    assert match(sample_index, parse(organisation))[0] & sample_index.code(unit.code)


def test_exact_code_redirects(sample_site, sample_index):
    unit = sample_site.units[3]
    result = search(sample_index, parse(unit.code), base_url="https://site.test")
    assert result.redirect == urls.absolute("https://site.test", urls.unit_path(unit.code))


def test_outlet_code_and_penalty_violation(fixture_site, fixture_index):
    result = search(fixture_index, parse("DW001"))
    assert result.total and all(h.doc.kind == "outlet" for h in result.hits)
    penalty = next(p for u in fixture_site.units for p in u.penalties)
    result = search(fixture_index, parse(penalty.violation[:6]), {"kind": "penalty"})
    assert penalty.decision_number in {h.doc.title for h in result.hits}
    result = search(fixture_index, parse(penalty.decision_number))
    assert result.hits[0].doc.title == penalty.decision_number


def test_generic_query_pages_without_sorting_all(sample_index):
    first = search(sample_index, parse("有限公司"), per_page=20)
    second = search(sample_index, parse("有限公司"), page=2, per_page=20)
    assert first.total > 100
    assert not {h.url for h in first.hits} & {h.url for h in second.hits}
    deep = search(sample_index, parse("有限公司"), page=10_000)
    assert deep.page == deep.pages and deep.hits


def test_single_chinese_character_finds_words_ending_with_it(fixture_site, fixture_index):
    for char in ("糖", "司", "宾"):
        units = {h.doc.unit_code for h in search(fixture_index, parse(char), {"kind": "unit"}).hits}
        expected = {u.code for u in fixture_site.units if char in u.name + u.address}
        assert units == expected, char


def test_outlet_identifier_redirects_to_the_outlet_page(fixture_site, fixture_index):
    """The 27-character identifier printed on an outlet sign goes straight to its page."""
    outlets = [(u, o) for u in fixture_site.units for o in u.outlets]
    assert len(outlets) >= 2
    for unit, outlet in outlets:
        for typed in (unit.code + outlet.code, (unit.code + outlet.code).lower()):
            result = search(fixture_index, parse(typed), base_url="https://site.test")
            expected = urls.outlet_path(unit.code, outlet.code)
            assert result.redirect == urls.absolute("https://site.test", expected), typed


def test_unknown_outlet_identifier_does_not_redirect(fixture_site, fixture_index):
    unit = fixture_site.units[0]
    assert search(fixture_index, parse(unit.code + "DW999")).redirect == ""
    # The fixed-source code alone still opens the unit page, not one of its outlets.
    result = search(fixture_index, parse(unit.code), base_url="https://site.test")
    assert result.redirect == urls.absolute("https://site.test", urls.unit_path(unit.code))
