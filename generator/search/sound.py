"""How names sound: toneless pinyin readings (pypinyin), folded for the usual input slips.

Chinese is typed through pinyin, so the common typo is another character of the same or a
similar reading (宏/洪/鸿). The index stores, for each unit name, pairs of neighbouring
characters' readings (``sound_pairs``); a query is looked up by the same pairs when it finds
no name, and a near match is offered. ``homophones`` lists common characters (GB 2312 level 1)
read alike, for the benchmark's typos. See docs/search.md.
"""

from __future__ import annotations

import re
from functools import cache

#: Initials and finals people mix up when typing (Guangxi: n/l; everywhere: z/zh, in/ing …).
_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: At most this many reading combinations of one pair of characters (polyphones).
MAX_COMBINATIONS = 4


def fuzzy(syllable: str) -> str:
    """A toneless syllable folded so that similar readings meet: zhang, zang, zan → zan."""
    for long, short in _INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


@cache
def readings(char: str) -> tuple[str, ...]:
    """Folded readings of one character, the usual one first; a letter or digit is itself."""
    if not _HAN.match(char):
        return (char,)
    # Imported here: its dictionaries take 0.4 s to load, which a build that does not touch
    # the search index (or does so in a step of its own) should not wait for.
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    out = dict.fromkeys(fuzzy(s) for s in (found[0] if found else []) if s)
    return tuple(out) or (char,)


def _pairs(left: str, right: str) -> set[str]:
    combos = [f"{a}-{b}" for a in readings(left) for b in readings(right)]
    return set(combos[:MAX_COMBINATIONS])


def sound_pairs(run: str) -> set[str]:
    """Index terms of a run of characters: the readings of every two neighbours ("hon-da")."""
    terms: set[str] = set()
    for i in range(len(run) - 1):
        terms |= _pairs(run[i], run[i + 1])
    return terms


def query_pairs(fragment: str) -> list[set[str]]:
    """For each pair of neighbours in ``fragment``, the terms any of whose documents match."""
    return [_pairs(fragment[i], fragment[i + 1]) for i in range(len(fragment) - 1)]


@cache
def _common() -> dict[str, tuple[str, ...]]:
    """Folded reading → the GB 2312 level-1 characters (the 3,755 most common) read so."""
    table: dict[str, list[str]] = {}
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                char = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            for reading in readings(char)[:1]:  # as people read it, not a rare reading
                table.setdefault(reading, []).append(char)
    return {reading: tuple(chars) for reading, chars in table.items()}


def homophones(char: str) -> tuple[str, ...]:
    """Common characters read like ``char`` (same or similar toneless pinyin), not itself."""
    table = _common()
    out = dict.fromkeys(c for r in readings(char)[:1] for c in table.get(r, ()) if c != char)
    return tuple(out)
