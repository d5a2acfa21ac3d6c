"""Ranking as bitsets: which tier a match falls in, and the order inside a tier.

Tiers, best first: the exact name (or code); the exact short form (the name on the gate:
宏达糖业 for 广西宾阳宏达糖业有限公司); names that start with the query; names that hold it as
one piece; names that hold every fragment; near matches (near.py); the rest.
Inside a tier the document number decides, and documents are numbered by rank: units by
name length (the share of the name the query covers), then their signals (key management,
recent enforcement), then outlets, penalties, pages. The visitor's city breaks ties: each
rank group (``SearchIndex.bands``) lists its documents of that city first. Nothing loads a
record or sorts the hits. See docs/search.md ("Ranking").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from generator.search.names import HEAD_LENGTH
from generator.search.query import Fragment, Query
from generator.search.reader import Index
from generator.search.text import bigrams

#: A division code, or a unit's code (its characters 3–8 are the county), in a ``from`` value.
_DIVISION = re.compile(r"(?<![0-9A-Z])([1-9][0-9]{5})(?![0-9])")
_UNIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{2}([1-9][0-9]{5})[0-9A-Z]{10}")
#: How a tier is ordered: by rank (name length, then signals) or by signals alone.
BY_RANK, BY_SIGNAL = "rank", "signal"
#: A tier: its documents and how they are ordered.
Tier = tuple[int, str]


def windows(text: str, size: int) -> set[str]:
    """Pieces of ``size`` characters that cover ``text``, each overlapping the next."""
    starts = set(range(0, len(text) - size + 1, size // 2)) | {len(text) - size}
    return {text[i : i + size] for i in starts}


def code_bits(index: Index, prefix: str, limit: int = 20000) -> tuple[int, bool]:
    """Units and outlets whose code starts with ``prefix``, and outlets coded like DA001."""
    bits, cut = index.code_prefix(prefix, limit)
    if len(prefix) <= 5:
        bits |= index.prefix("codes", prefix)[0]
    return bits, cut


def all_terms(index: Index, field_name: str, terms: Iterable[str]) -> int:
    """Documents whose ``field_name`` holds every one of ``terms``."""
    bits = index.all
    for term in sorted(terms, key=len):
        bits &= index.term(field_name, term)
        if not bits:
            break
    return bits


def text_bits(index: Index, text: str, field_name: str) -> int:
    """Documents whose ``field_name`` holds every 2-gram of ``text`` (a character: by prefix)."""
    if len(text) == 1:
        return index.prefix(field_name, text)[0] | index.term(field_name, text)
    return all_terms(index, field_name, bigrams(text))


def piece(index: Index, text: str) -> int:
    """Documents whose name holds ``text`` as one piece (3- and 4-grams, see segment.py)."""
    if len(text) <= 2:
        return text_bits(index, text, "names")
    if len(text) <= 4:
        return index.term("sub", text)
    return all_terms(index, "sub", windows(text, 4))


def _piece_of(index: Index, fragment: Fragment) -> int:
    if fragment.code:
        bits = code_bits(index, fragment.code)[0]
        if bits:
            return bits
    return piece(index, fragment.text)


def starts(index: Index, text: str) -> int:
    """Documents with a name (or its short form on the gate) starting with ``text``."""
    head = index.term("heads", text[:HEAD_LENGTH])
    return head & piece(index, text) if len(text) > HEAD_LENGTH and head else head


def tiers(index: Index, query: Query, matched: int, in_name: int) -> list[Tier]:
    """The matches split into disjoint tiers: exact name, exact short form (ordered by
    signals: it covers each name's short form alike), starts with, one piece, in name, rest."""
    exact = (index.term("exact", query.key) | index.code(query.key.upper())) & matched
    short = index.term("cores", query.key) & matched & ~exact
    whole = matched
    for fragment in query.fragments:
        whole &= _piece_of(index, fragment)
        if not whole:
            break
    head = whole & starts(index, query.fragments[0].text) & ~exact & ~short
    whole &= ~exact & ~short & ~head
    named = in_name & ~exact & ~short & ~head & ~whole
    rest = matched & ~(exact | short | head | whole | named)
    return [(exact, BY_RANK), (short, BY_SIGNAL), (head, BY_RANK), (whole, BY_RANK)] + [
        (named, BY_RANK),
        (rest, BY_RANK),
    ]


def preferred(index: Index, raw: str) -> tuple[int, str]:
    """Documents of the visitor's place and its code, from a ``from`` value: a county or city
    code, or an address on the site holding one (a unit page names its unit's code, whose
    characters 3–8 are its county); (0, "") if it names no place of the index."""
    value = (raw or "").strip().upper()[:200]
    for found in (*_UNIT_CODE.finditer(value), *_DIVISION.finditer(value)):
        county = found.group(1)
        city = county[:4] + "00"
        if county in index.facets["county"]:
            return index.facets["county"][county] | index.facets["city"].get(city, 0), county
        if city in index.facets["city"]:
            return index.facets["city"][city], city
    return 0, ""


def groups(index: Index, tier_list: list[Tier], prefer: int) -> Iterator[int]:
    """The tiers in order, each by its rank groups (or signals), the preferred place first
    in each group. Documents are numbered by rank, so without a place a tier ordered by
    rank needs no grouping."""
    units = index.facets["kind"].get("unit", 0)
    for tier, order in tier_list:
        if not tier or (order == BY_RANK and not prefer):
            yield tier
            continue
        rest = tier
        if tier & units:
            for group_bits in index.bands if order == BY_RANK else index.signals:
                group = rest & group_bits
                if group:
                    yield group & prefer if prefer else group
                    if prefer:
                        yield group & ~prefer
                    rest &= ~group_bits
                    if not rest & units:
                        break
        yield rest & prefer if prefer else rest
        if prefer:
            yield rest & ~prefer


def skip_to(bits: int, skip: int) -> int:
    """``bits`` without its ``skip`` lowest set bits (binary search on the bit position)."""
    low, high = 0, bits.bit_length()
    while low < high:
        middle = (low + high) // 2
        if (bits & ((1 << middle) - 1)).bit_count() < skip:
            low = middle + 1
        else:
            high = middle
    return bits >> low << low


def take(ordered: Iterable[int], skip: int, count: int) -> list[int]:
    """Document numbers ``skip`` … ``skip + count`` in group order, then document order."""
    out: list[int] = []
    for group in ordered:
        size = group.bit_count()
        if skip >= size:
            skip -= size
            continue
        group = skip_to(group, skip) if skip else group
        skip = 0
        while group and len(out) < count:
            lowest = group & -group
            out.append(lowest.bit_length() - 1)
            group ^= lowest
        if len(out) >= count:
            break
    return out
