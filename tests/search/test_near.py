"""Near misses over a real built index: a character typed by its sound, one missed or one
extra finds the unit, with "您是不是要找" on the page and in the JSON."""

from __future__ import annotations

import random

import pytest
from bs4 import BeautifulSoup

from bench.search_queries import gate_name, homophone_typo
from generator.search.engine import search
from generator.search.index import build_index
from generator.search.near import NEAR_BELOW, TYPED_AS_MEANT, wanted
from generator.search.query import parse
from generator.search.rank import piece
from generator.search.sound import fuzzy, homophones, readings


def _found(index, text: str, code: str, top: int = 10, **options) -> bool:
    result = search(index, parse(text), {}, 1, top, **options)
    return any(h.doc.unit_code == code for h in result.hits)


def _unique_gates(site) -> list:
    """Units whose name on the gate no other unit's name holds (so one is meant)."""
    gates = [(u, gate_name(u.name)) for u in site.units]
    names = [u.name for u in site.units]
    return [(u, g) for u, g in gates if len(g) >= 4 and sum(g in n for n in names) == 1]


def test_readings_fold_similar_sounds():
    assert readings("宏") == readings("洪") == readings("鸿")
    assert fuzzy("zhang") == fuzzy("zang") == "zan"
    assert fuzzy("ling") == fuzzy("nin") == "nin"
    assert readings("A") == ("A",)
    assert "洪" in homophones("宏") and "宏" not in homophones("宏")
    assert homophones("宏") == homophones("宏")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("广西洪达糖业", "宏达"),
        ("鸿达糖业", "宏达"),
        ("宾阳宏达唐业", "糖业"),
        ("宏达堂业有限公司", "糖业"),
    ],
)
def test_a_homophone_typo_finds_the_unit_and_says_so(fixture_index, typed, meant):
    result = search(fixture_index, parse(typed), {}, 1, 10)
    assert result.hits and result.near
    assert any(meant in h.doc.title for h in result.hits[:3])
    assert result.suggestions and all(meant in h.doc.title for h in result.suggestions)


def test_homophone_typos_of_generated_names_are_found(sample_index, sample_site):
    rng = random.Random(5)
    cases = [(u, homophone_typo(g, rng)) for u, g in _unique_gates(sample_site)[:120]]
    cases = [(u, t) for u, t in cases if t]
    found = sum(_found(sample_index, t, u.code) for u, t in cases)
    assert len(cases) >= 60
    assert found / len(cases) >= 0.9
    # With 字号 nearly unique (as in a real register), both sides of the wrong character
    # single the unit out nearly as well without the readings: they neither win nor lose
    # much on this index (bench/search_quality.py --no-sound measures them at scale).
    first = sum(_found(sample_index, t, u.code, 1) for u, t in cases)
    plain = sum(_found(sample_index, t, u.code, 1, use_sound=False) for u, t in cases)
    assert first / len(cases) >= 0.9 and abs(plain - first) <= len(cases) // 20


@pytest.mark.parametrize("slip", ["missing", "extra"])
def test_one_character_missed_or_extra_finds_the_unit(sample_index, sample_site, slip):
    rng = random.Random(6)
    cases = []
    for unit, gate in _unique_gates(sample_site)[:80]:
        i = rng.randint(1, len(gate) - 2)
        typed = gate[:i] + gate[i + 1 :] if slip == "missing" else gate[: i + 1] + gate[i:]
        cases.append((unit, typed))
    found = sum(_found(sample_index, t, u.code) for u, t in cases)
    assert found / len(cases) >= 0.9


@pytest.mark.parametrize(
    "text", ["广西宾阳宏达糖业有限公司", "宏达", "91450126MA5L3K2R5Q", "有限公司"]
)
def test_no_suggestion_when_names_hold_the_query(fixture_index, text):
    result = search(fixture_index, parse(text), {}, 1, 10)
    assert not result.suggestions and not result.near


def test_nothing_near_stays_empty(fixture_index):
    result = search(fixture_index, parse("雪山飞狐"), {}, 1, 10)
    assert result.total == 0 and not result.hits and not result.suggestions


def test_the_page_and_the_api_offer_the_near_match(client):
    page = client.get("/search", query_string={"q": "洪达糖业"})
    assert page.status_code == 200
    soup = BeautifulSoup(page.data, "html.parser")
    offer = soup.select_one("p.did-you-mean")
    assert offer is not None and "您是不是要找" in offer.get_text()
    assert "宏达糖业" in offer.select_one("a").get_text()
    assert soup.select("ol.search-results li.search-hit")
    body = client.get("/api/search", query_string={"q": "洪达糖业"}).get_json()
    assert body["near_matches"] >= 1 and body["total"] >= 1
    assert body["did_you_mean"] and "宏达糖业" in body["did_you_mean"][0]["title"]
    assert body["results"] and body["did_you_mean"][0]["url"].startswith("https://site.test/")
    plain = client.get("/api/search", query_string={"q": "宏达糖业"}).get_json()
    assert plain["did_you_mean"] == [] and plain["near_matches"] == 0


def test_index_built_without_units_answers_near_queries(tmp_path, fixture_site):
    import dataclasses

    site = dataclasses.replace(fixture_site, units=())
    index_dir = build_index(site, tmp_path / "index")
    from generator.search.reader import SearchIndex

    index = SearchIndex(index_dir)
    try:
        result = search(index, parse("洪达糖业"), {}, 1, 10)
        assert result.total == 0 and not result.suggestions
    finally:
        index.close()


@pytest.mark.parametrize(
    "typed",
    [
        "全州县绍水镇鸿发汽车车修理厂",  # a character typed twice
        "全州县绍水镇鸿发汽修理厂",  # one missed
        "全州县绍水镇鸿发气车修理厂",  # one read alike
        "全州县绍水镇鸿发汽车修理场",  # the last one read alike
        "广西宾阳宏达糖业有限公公司",
        "广西宾阳宏达糖有限公司",
    ],
)
def test_slips_anywhere_in_a_long_name(fixture_index, typed):
    result = search(fixture_index, parse(typed), {}, 1, 10)
    meant = "全州县绍水镇鸿发汽车修理厂" if typed.startswith("全州") else "广西宾阳宏达糖业有限公司"
    assert result.hits[0].doc.title == meant
    # Found as it is (every other pair of characters is in the name), or offered near.
    assert not result.near or result.suggestions[0].doc.title == meant


def test_a_long_query_a_name_holds_is_not_taken_for_a_slip(fixture_index):
    """Six characters or more that a name holds as one piece were typed as meant: no near
    matches (at a million units they cost the long queries most); fewer still get them."""
    units = fixture_index.facets["kind"]["unit"]
    for text, expected in (("宾阳宏达糖业有限", False), ("宏达糖业", True)):
        held = piece(fixture_index, text) & units
        assert 0 < held.bit_count() < NEAR_BELOW
        assert wanted(fixture_index, parse(text), 0, held) is expected
    assert len("宾阳宏达糖业有限") >= TYPED_AS_MEANT > len("宏达糖业")
