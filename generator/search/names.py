"""Names as people write them: the short form on the gate, the prefixes a name starts with,
and a unit's own ranking signals. Works on exact keys (generator.search.text.exact_key).

A gate or a letterhead often drops the place and the company form: 广西宾阳宏达糖业有限公司
is 宾阳宏达糖业 or 宏达糖业 on the sign. ``core`` strips them, so a query of the short form
finds the names that start with it. See docs/search.md ("Ranking").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from generator.content.model import Category, Site, Unit

#: Company forms at the end of a registered name, longest first.
SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团", "公司")
#: Longest prefix kept as an index term; a longer query is checked by its 3- and 4-grams.
HEAD_LENGTH = 4
#: Enforcement within this many days counts as recent (a ranking signal).
RECENT_DAYS = 365
_AUTONOMOUS = re.compile(r"^(.+?)(各族|苗族|侗族|瑶族|仫佬族|毛南族|壮族)?自治(县|区)$")


def place_forms(name: str) -> set[str]:
    """A division's name and the short forms people write: 宾阳县 → 宾阳, 融水苗族自治县 → 融水."""
    forms = {name}
    match = _AUTONOMOUS.match(name)
    if match:
        forms.add(match.group(1))
    elif len(name) > 2 and name[-1] in "市县区":
        forms.add(name[:-1])
    return forms


def places(site: Site) -> tuple[str, ...]:
    """Every place prefix a name may start with, longest first (广西壮族自治区, 广西, 南宁市 …)."""
    found = {"广西壮族自治区", "广西"}
    for division in site.divisions.values():
        found |= place_forms(division.name)
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


def gate(key: str) -> str:
    """``key`` without its company form (广西宾阳宏达糖业), or "" if it has none."""
    for suffix in SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return ""


def core(key: str, prefixes: Iterable[str]) -> str:
    """``key`` without the places it starts with and its company form (宏达糖业), or ""."""
    stripped = gate(key) or key
    for _ in range(3):  # 广西 南宁 宾阳 …
        prefix = next((p for p in prefixes if stripped.startswith(p)), "")
        if not prefix or len(stripped) - len(prefix) < 2:
            break
        stripped = stripped[len(prefix) :]
    return stripped if stripped != key else ""


def heads(keys: Iterable[str]) -> set[str]:
    """Index terms for "the name starts with the query": prefixes of 1 to HEAD_LENGTH characters."""
    return {key[:n] for key in keys if key for n in range(1, min(len(key), HEAD_LENGTH) + 1)}


def signal(unit: Unit, today: dt.date) -> int:
    """A unit's own weight, higher first: key management (2) and recent enforcement (1)."""
    since = today - dt.timedelta(days=RECENT_DAYS)
    recent = any(p.date >= since for p in unit.penalties) or any(
        r.issued >= since for r in unit.rectifications
    )
    return 2 * (unit.category is Category.KEY) + recent
