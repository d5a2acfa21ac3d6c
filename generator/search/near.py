"""Near matches: units whose name is what was typed with one slip of the keyboard.

Asked only when few unit names hold the query as one piece. In order: names that sound the
same (pinyin pairs precomputed at index time, generator/search/sound.py), names holding the
query with one character left out (an extra character typed), names holding both sides of a
gap (a character missed), then both sides of one character (a wrong one, not read alike).
Only the places a slip can be are tried: after the longest start of the query that some
name holds and before the longest end (each found by bisection). Units only.
See docs/search.md ("Near misses").
"""

from __future__ import annotations

from generator.search.query import Query
from generator.search.rank import piece
from generator.search.reader import Index
from generator.search.sound import query_pairs

#: Fewer unit names than this holding the query as one piece: look for near matches too.
NEAR_BELOW = 3
#: A query this long that some unit's name holds as one piece was typed as meant: no near
#: matches (they would cost the most for the longest queries and add nothing to it).
TYPED_AS_MEANT = 6
#: Longest query (in characters) tried with each character left out or wildcarded.
MAX_EDIT_LENGTH = 40


def wanted(index: Index, query: Query, exact: int, pieces: int) -> bool:
    """True when near matches should be offered: a text query that is no unit's name and
    that few unit names hold as one piece."""
    units = index.facets["kind"].get("unit", 0)
    if any(f.code for f in query.fragments) or len(query.key) < 2 or exact & units:
        return False
    held = (pieces & units).bit_count()
    return held == 0 or (held < NEAR_BELOW and len(query.key) < TYPED_AS_MEANT)


def sounds(index: Index, text: str) -> int:
    """Units whose name has every pair of neighbouring readings of ``text``."""
    bits = index.all
    pairs = query_pairs(text)
    for alternatives in pairs[::2] + pairs[-1:]:
        found = 0
        for term in sorted(alternatives):
            found |= index.term("sound", term)
        bits &= found
        if not bits:
            break
    return bits


def _both(index: Index, left: str, right: str) -> int:
    """Names holding ``left`` and ``right`` as pieces; "" on one side needs 3 on the other."""
    if not left or not right:
        side = left or right
        return piece(index, side) if len(side) >= 3 else 0
    if len(left) + len(right) < 3:
        return 0
    return piece(index, left) & piece(index, right)


def _longest(index: Index, text: str, units: int, from_end: bool) -> int:
    """Length of the longest start (end) of ``text`` some unit's name holds as one piece."""
    low, high = 0, len(text)
    while low < high:  # a piece's pieces are pieces too: bisect on the length
        middle = (low + high + 1) // 2
        part = text[-middle:] if from_end else text[:middle]
        if piece(index, part) & units:
            low = middle
        else:
            high = middle - 1
    return low


def slips(index: Index, text: str, units: int) -> range:
    """Where the slip can be: after the longest start some name holds, before the longest end."""
    head = _longest(index, text, units, False)
    tail = _longest(index, text, units, True)
    return range(max(0, len(text) - tail - 1), min(len(text), head + 1))


def edits(index: Index, text: str, units: int) -> tuple[int, int, int]:
    """Names holding ``text`` less one character (one typed twice or extra), both sides of
    a gap (one missed), both sides of one character (a wrong one)."""
    if len(text) < 3 or len(text) > MAX_EDIT_LENGTH:
        return 0, 0, 0
    where = slips(index, text, units)
    shorter = gap = wrong = 0
    for i in where:
        if len(text) >= 4:
            shorter |= piece(index, text[:i] + text[i + 1 :])
        if i:
            gap |= _both(index, text[:i], text[i:])
        wrong |= _both(index, text[:i], text[i + 1 :])
    return shorter, gap, wrong


def near(index: Index, query: Query, use_sound: bool = True) -> list[int]:
    """Near matches in order (same sound, one character more, one missed, one wrong), units
    only, each without the ones before."""
    units = index.facets["kind"].get("unit", 0)
    out = [sounds(index, query.key) & units if use_sound else 0]
    seen = out[0]
    for bits in edits(index, query.key, units):
        out.append(bits & units & ~seen)
        seen |= bits
    return out
