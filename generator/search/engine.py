"""Query evaluation over the index's bitsets: matching, filters, facet counts, paging.

Every fragment must match (AND). The tiers and the order inside them are rank.py's; near
matches (near.py) come before the weakest tier when few names hold the query, with a
"did you mean" of the closest units. Nothing here sorts the hits. See docs/search.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator import urls
from generator.search.facets import facet_table
from generator.search.highlight import mark
from generator.search.near import near, wanted
from generator.search.query import Fragment, Query
from generator.search.rank import (
    BY_RANK,
    Tier,
    code_bits,
    groups,
    preferred,
    take,
    text_bits,
    tiers,
)
from generator.search.reader import Index
from generator.search.text import FACETS, KINDS, SearchDoc

PER_PAGE = 20
MAX_PER_PAGE = 50
#: Deepest result reachable by paging; narrow the query or use filters beyond it.
MAX_RESULTS = 1000
FACET_TITLES = {
    "kind": "记录类型",
    "city": "城市",
    "county": "县（市、区）",
    "industry": "行业",
    "category": "管理类别",
    "state": "许可状态",
}
CODE_PREFIX_LIMIT = 20000
#: Length of an outlet identifier: 22-character fixed-source code + outlet code (HJ 608).
OUTLET_ID_LENGTH = 27
TOO_BROAD = "编码片段太短，匹配的编码太多，只显示一部分。请多输入几位。"
#: Units named in "did you mean".
SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class Hit:
    """One result, ready to show: the record, its address and highlighted texts."""

    doc: SearchDoc
    url: str
    title_html: Markup
    subtitle_html: Markup
    snippet_html: Markup

    @property
    def kind_label(self) -> str:
        """Chinese name of the record type."""
        return KINDS[self.doc.kind]


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One filter choice with the number of results it would give."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True, slots=True)
class Facet:
    """A filter (city, industry, …) and its choices, most results first."""

    name: str
    title: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of results with facet counts, notices, and a redirect for an exact code."""

    query: Query
    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...] = ()
    facets: tuple[Facet, ...] = ()
    filters: dict[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    redirect: str = ""
    #: Closest units when the query, as typed, is in few names ("您是不是要找").
    suggestions: tuple[Hit, ...] = ()
    #: How many of ``total`` are near matches (a slip of the keyboard away), not matches.
    near: int = 0
    #: The place (county or city code) the ``from`` value named, kept for paging links; "".
    prefer: str = ""

    @property
    def pages(self) -> int:
        """Number of reachable pages."""
        return max(1, -(-min(self.total, MAX_RESULTS) // self.per_page))


def _fragment_bits(index: Index, fragment: Fragment, notices: list[str]) -> int:
    """Documents matching ``fragment`` anywhere: a code by prefix, else its text."""
    if fragment.code:
        bits, cut = code_bits(index, fragment.code, CODE_PREFIX_LIMIT)
        if cut and TOO_BROAD not in notices:
            notices.append(TOO_BROAD)
        if bits:
            return bits
    return text_bits(index, fragment.text, "text")


def _name_bits(index: Index, fragment: Fragment) -> int:
    """Documents whose name (or code) holds ``fragment``."""
    if fragment.code:
        bits, _ = code_bits(index, fragment.code, CODE_PREFIX_LIMIT)
        if bits:
            return bits
    return text_bits(index, fragment.text, "names")


def match(index: Index, query: Query, notices: list[str] | None = None) -> tuple[int, int]:
    """Bitsets of documents matching every fragment anywhere, and in their name."""
    matched = index.all
    for fragment in query.fragments:
        matched &= _fragment_bits(index, fragment, [] if notices is None else notices)
        if not matched:
            return 0, 0
    in_name = matched
    for fragment in query.fragments:
        in_name &= _name_bits(index, fragment)
        if not in_name:
            break
    return matched, in_name


def _filter_bits(index: Index, filters: dict[str, str], skip: str = "") -> int:
    bits = index.all
    for name, value in filters.items():
        if name != skip:
            bits &= index.facets[name].get(value, 0)
    return bits


def _facets(index: Index, matched: int, filters: dict[str, str]) -> tuple[Facet, ...]:
    """Each facet's values and their counts among ``matched`` under the other facets' filters
    (facets.py counts them)."""
    table = facet_table(index)
    counted: dict[tuple[tuple[str, str], ...], dict[str, list[tuple[str, int]]]] = {}
    facets = []
    for name in FACETS:
        others = tuple((n, v) for n, v in filters.items() if n != name)
        if others not in counted:
            counted[others] = table.counts(matched & _filter_bits(index, filters, skip=name))
        counts = counted[others][name]
        values = tuple(
            FacetValue(value, index.label(name, value), count, filters.get(name) == value)
            for value, count in sorted(counts, key=lambda vc: (-vc[1], vc[0]))
            if count
        )
        facets.append(Facet(name, FACET_TITLES[name], values))
    return tuple(facets)


def _hit(doc: SearchDoc, words: list[str], base_url: str) -> Hit:
    return Hit(
        doc,
        urls.absolute(base_url, doc.path),
        mark(doc.title, words),
        mark(doc.subtitle, words),
        mark(doc.snippet, words),
    )


def clean_filters(index: Index, raw: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Known filter values only; a notice for each unknown one."""
    filters, notices = {}, []
    for name in FACETS:
        value = str(raw.get(name) or "").strip()
        if not value:
            continue
        if value in index.facets[name]:
            filters[name] = value
        else:
            notices.append(
                f"没有“{FACET_TITLES[name]}”为“{value[:20]}”的记录，已忽略这个筛选条件。"
            )
    return filters, notices


def _redirect(index: Index, query: Query, base_url: str) -> str:
    code = query.full_code
    if not code:
        return ""
    # 27 characters: an outlet identifier as printed on the outlet sign, else a unit's code.
    kind = "outlet" if len(code) == OUTLET_ID_LENGTH else "unit"
    found = index.code_prefix(code)[0] & index.facets["kind"].get(kind, 0)
    if found.bit_count() != 1:
        return ""
    return urls.absolute(base_url, index.doc(found.bit_length() - 1).path)


def _suggest(
    index: Index, ordered: list[Tier], prefer: int, words: list[str], base_url: str
) -> tuple[Hit, ...]:
    """The first few near-matched units, one per name."""
    hits: dict[str, Hit] = {}
    for docnum in take(groups(index, ordered, prefer), 0, SUGGESTIONS * 4):
        doc = index.doc(docnum)
        hits.setdefault(doc.title, _hit(doc, words, base_url))
        if len(hits) == SUGGESTIONS:
            break
    return tuple(hits.values())


def _near_tiers(
    index: Index, query: Query, ranked: list[Tier], matched: int, shown: int, sound: bool
) -> list[Tier]:
    """Near matches (near.py) not already matched, when few names hold the query."""
    strong = ranked[0][0] | ranked[1][0] | ranked[2][0] | ranked[3][0]
    if not wanted(index, query, ranked[0][0], strong):
        return []
    return [(b & shown & ~matched, BY_RANK) for b in near(index, query, sound)]


def search(
    index: Index,
    query: Query,
    raw_filters: dict[str, Any] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    base_url: str = "",
    prefer: str = "",
    use_sound: bool = True,
) -> SearchResult:
    """One page of results for ``query`` with facet counts; a redirect for an exact code.

    ``prefer`` (the ``from`` parameter: the place of the page the visitor searched from)
    breaks ties; ``use_sound`` False leaves out same-sound near matches (for measuring).
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    filters, notices = clean_filters(index, raw_filters or {})
    notices = list(query.notices) + notices
    redirect = "" if filters else _redirect(index, query, base_url)
    if redirect:
        return SearchResult(query, 1, 1, per_page, redirect=redirect, notices=tuple(notices))
    matched, in_name = match(index, query, notices)
    shown = _filter_bits(index, filters)
    ranked = [(bits & shown, order) for bits, order in tiers(index, query, matched, in_name)]
    close = _near_tiers(index, query, ranked, matched, shown, use_sound)
    near_bits = 0
    for bits, _ in close:
        near_bits |= bits
    total = (matched & shown | near_bits).bit_count()
    page = max(1, min(page, -(-min(total, MAX_RESULTS) // per_page) or 1))
    prefer_bits, place = preferred(index, prefer)
    ordered = ranked[:5] + close + ranked[5:]
    docnums = take(groups(index, ordered, prefer_bits), (page - 1) * per_page, per_page)
    words = [f.text for f in query.fragments]
    hits = tuple(_hit(doc, words, base_url) for doc in index.docs(docnums))
    suggestions = _suggest(index, close, prefer_bits, words, base_url) if near_bits else ()
    return SearchResult(
        query,
        total,
        page,
        per_page,
        hits,
        _facets(index, matched | near_bits, filters),
        filters,
        tuple(notices),
        suggestions=suggestions,
        near=near_bits.bit_count(),
        prefer=place,
    )
