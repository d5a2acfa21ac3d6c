"""Ranking rules over a real built index: exact name, then names starting with the query,
then coverage and proximity, then the unit's own signals, then the visitor's city."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator import urls
from generator.content.enums import Category
from generator.content.model import Penalty
from generator.search.engine import search
from generator.search.query import parse
from generator.search.reader import SearchIndex

#: Crafted units (name, short names, county index, category, recent penalty).
CRAFTED = [
    ("金桂宏达糖业有限公司", (), 0, "simplified", False),
    ("金桂宏达糖业机械有限公司", (), 0, "simplified", False),
    ("宏达金桂糖业有限公司", (), 0, "simplified", False),
    ("宏达糖业机械制造有限责任公司", (), 0, "simplified", False),
    ("广西宾阳宏达糖业有限公司", (), 0, "simplified", False),
    ("南宁市兴旺永丰纸业有限公司", ("永丰纸厂",), 0, "simplified", False),
    ("永丰纸厂机修车间", (), 0, "simplified", False),
    ("广西永丰纸业有限公司", (), 0, "simplified", False),
    ("金穗瑞丰化工有限公司", (), 0, "simplified", False),
    ("金穗瑞丰化工有限公司", (), 1, "simplified", False),
    ("金穗瑞丰化工有限公司", (), 2, "simplified", False),
    ("凯达博远陶瓷有限公司", (), 0, "simplified", False),
    ("凯达博远陶瓷有限公司", (), 1, "key", False),
    ("凯达博远陶瓷有限公司", (), 2, "simplified", True),
    ("凯达博远陶瓷有限公司", (), 3, "key", True),
]


@pytest.fixture(scope="session")
def crafted(sample_site, open_engine_index):
    """The sample site with the first units renamed and placed as CRAFTED says."""
    units = list(sample_site.units)
    # Four counties of four cities, each with units the crafting leaves as they are.
    by_city = {u.county_code[:4]: u.county_code for u in units[len(CRAFTED) :]}
    counties = [by_city[city] for city in sorted(by_city)[:4]]
    today = sample_site.judged_on
    penalty = Penalty(
        "南环罚〔2026〕1号", today - dt.timedelta(days=30), "南宁市生态环境局", "x", "y", 1
    )
    for i, (name, short, county, category, recent) in enumerate(CRAFTED):
        units[i] = dataclasses.replace(
            units[i],
            name=name,
            short_names=short,
            former_names=(),
            county_code=counties[county],
            category=Category(category),
            penalties=(penalty,) if recent else (),
            rectifications=(),
        )
    site = dataclasses.replace(sample_site, units=tuple(units))
    yield site, open_engine_index(site, "rank"), counties


def _titles(index, text: str, **options) -> list[str]:
    result = search(index, parse(text), options.pop("filters", {}), 1, 20, **options)
    return [h.doc.title for h in result.hits if h.doc.kind == "unit"]


def _codes(index, text: str, **options) -> list[str]:
    result = search(index, parse(text), {}, 1, 20, **options)
    return [h.doc.unit_code for h in result.hits if h.doc.kind == "unit"]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("金桂宏达糖业有限公司", "金桂宏达糖业有限公司"),
        ("永丰纸厂", "南宁市兴旺永丰纸业有限公司"),  # its short name, exactly
        ("宏达金桂糖业有限公司", "宏达金桂糖业有限公司"),
    ],
)
def test_exact_name_is_first(crafted, query, first):
    _, index, _ = crafted
    assert _titles(index, query)[0] == first


def test_exact_short_name_before_a_shorter_name_holding_it(crafted):
    _, index, _ = crafted
    titles = _titles(index, "永丰纸厂")
    assert titles.index("南宁市兴旺永丰纸业有限公司") < titles.index("永丰纸厂机修车间")


@pytest.mark.parametrize(
    ("query", "starting", "holding"),
    [
        ("宏达糖业", "宏达糖业机械制造有限责任公司", "金桂宏达糖业有限公司"),
        # The place in front is not part of the name on the gate: 宾阳宏达糖业 starts 宏达糖业.
        ("宏达糖业", "广西宾阳宏达糖业有限公司", "金桂宏达糖业有限公司"),
        ("永丰纸业", "广西永丰纸业有限公司", "南宁市兴旺永丰纸业有限公司"),
    ],
)
def test_names_starting_with_the_query_come_before_names_holding_it(
    crafted, query, starting, holding
):
    _, index, _ = crafted
    titles = _titles(index, query)
    assert titles.index(starting) < titles.index(holding)


@pytest.mark.parametrize(
    ("query", "better", "worse"),
    [
        # Coverage: the query is a larger share of the shorter name.
        ("桂宏达糖", "金桂宏达糖业有限公司", "金桂宏达糖业机械有限公司"),
        # Proximity: the characters in one piece before the same characters apart.
        ("宏达糖业", "金桂宏达糖业有限公司", "宏达金桂糖业有限公司"),
        ("金桂糖业", "宏达金桂糖业有限公司", "金桂宏达糖业有限公司"),
    ],
)
def test_coverage_then_proximity(crafted, query, better, worse):
    _, index, _ = crafted
    titles = _titles(index, query)
    assert titles.index(better) < titles.index(worse)


def test_key_management_and_recent_enforcement_break_ties_of_equal_names(crafted):
    site, index, counties = crafted
    codes = _codes(index, "凯达博远陶瓷")
    by_code = {u.code: u for u in site.units}
    crafted_order = [(by_code[c].category.value, bool(by_code[c].penalties)) for c in codes]
    assert crafted_order == [
        ("key", True),
        ("key", False),
        ("simplified", True),
        ("simplified", False),
    ]


@pytest.mark.parametrize("county", [0, 1, 2])
def test_the_visitors_city_breaks_ties(crafted, county):
    site, index, counties = crafted
    city = counties[county][:4] + "00"
    by_code = {u.code: u for u in site.units}
    first = by_code[_codes(index, "金穗瑞丰", prefer=city)[0]]
    assert first.city_code == city
    # A unit page of that county as the page searched from says the same.
    unit = next(u for u in site.units[len(CRAFTED) :] if u.county_code == counties[county])
    first = by_code[_codes(index, "金穗瑞丰", prefer=urls.unit_path(unit.code))[0]]
    assert first.county_code == counties[county]


def test_the_visitors_city_does_not_outrank_coverage_or_signals(crafted):
    site, index, counties = crafted
    city = counties[0][:4] + "00"
    by_code = {u.code: u for u in site.units}
    # The unit in ``city`` is neither key nor recently enforced: signals still come first.
    codes = _codes(index, "凯达博远陶瓷", prefer=city)
    assert by_code[codes[0]].category is Category.KEY
    titles = _titles(index, "桂宏达糖", prefer=city)
    assert titles.index("金桂宏达糖业有限公司") < titles.index("金桂宏达糖业机械有限公司")


def test_unknown_from_values_change_nothing(crafted):
    _, index, _ = crafted
    plain = _codes(index, "金穗瑞丰")
    for junk in ("", "999999", "<script>", "450000" * 40, "/e/ZZ/NOTACODE/"):
        assert _codes(index, "金穗瑞丰", prefer=junk) == plain


def test_county_filter_and_facet(crafted):
    site, index, counties = crafted
    result = search(index, parse("金穗瑞丰"), {"county": counties[1]}, 1, 20)
    assert {h.doc.county for h in result.hits} == {counties[1]}
    facet = next(f for f in result.facets if f.name == "county")
    assert {v.value for v in facet.values} >= set(counties[:3])
    assert next(v for v in facet.values if v.value == counties[1]).selected


class _Counting(SearchIndex):
    """The real index, counting the display records it loads."""

    loaded = 0

    def doc(self, docnum):  # type: ignore[no-untyped-def]
        type(self).loaded += 1
        return super().doc(docnum)


def test_a_broad_fragment_loads_only_the_page_it_shows(crafted, engine, tmp_path):
    site, index, counties = crafted
    if engine != "embedded":  # PgIndex loads a page's records in one query (docs())
        pytest.skip("counts the embedded index's record reads")
    counting = _Counting(index.folder)
    try:
        for text, prefer in (("有限", ""), ("公司", counties[0][:4] + "00"), ("厂", "")):
            _Counting.loaded = 0
            result = search(counting, parse(text), {}, 1, 10, prefer=prefer)
            assert result.total > 50
            assert _Counting.loaded == len(result.hits) == 10
    finally:
        counting.close()


def test_the_place_recognised_is_kept_for_the_next_pages(crafted, client):
    site, index, counties = crafted
    unit = next(u for u in site.units[len(CRAFTED) :] if u.county_code == counties[1])
    page = "https://site.test" + urls.unit_path(unit.code) + "?x=1"
    result = search(index, parse("金穗瑞丰"), {}, 1, 20, prefer=page)
    assert result.prefer == counties[1]
    assert search(index, parse("金穗瑞丰"), {}, 1, 20, prefer="999999").prefer == ""
    body = client.get("/api/search", query_string={"q": "有限公司", "from": "450126"}).get_json()
    assert body["from"] == "450126"
    assert client.get("/api/search", query_string={"q": "有限公司"}).get_json()["from"] is None
    html = client.get(
        "/search", query_string={"q": "有限公司", "from": "/e/5Q/91450126MA5L3K2R5Q001P/"}
    )
    assert b'name="from" value="450126"' in html.data
