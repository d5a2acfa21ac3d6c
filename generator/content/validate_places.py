"""Checks of the places content names against the site's province (site.yaml ``province``).

The province is a setting of the content: every county a unit names and every area a body
covers must be one of that province's GB/T 2260 divisions. Messages name the province by its
own name and say where a code of another province belongs, never a hard-wired province.
"""

from __future__ import annotations

from functools import cache

from generator.content.codes import division_problem
from generator.content.divisions import all_divisions, province_of
from generator.content.model import Division

LEVEL_LABELS = {"province": "省级", "city": "地级", "county": "县级"}


def province_problem(code: str) -> str | None:
    """What is wrong with site.yaml's province code, or None for a known province."""
    problem = division_problem(code)
    if problem:
        return problem
    known = all_divisions().get(code)
    if known is not None and known.level == "province":
        return None
    what = f"，是{full_name(code)}（{LEVEL_LABELS[known.level]}）" if known else ""
    return f"“{code}” 不是省级行政区划代码{what}（GB/T 2260，以 0000 结尾，如 220000 吉林省）"


def full_name(code: str) -> str:
    """Province, city and county names of a code, e.g. 吉林省长春市南关区 (or the code)."""
    country = all_divisions()
    names: list[str] = []
    current = country.get(code)
    while current is not None and len(names) < 3:
        names.insert(0, current.name)
        current = country.get(current.parent) if current.parent else None
    return "".join(names) or code


def province_name(divisions: dict[str, Division]) -> str:
    """The name of the one province these divisions belong to, else 本省."""
    tops = [d for d in divisions.values() if d.level == "province"]
    return tops[0].name if len(tops) == 1 else "本省"


def _example(divisions: dict[str, Division], level: str) -> str:
    """A division of ``level`` to show in a message, e.g. 220102 南关区."""
    found = next((d for d in sorted(divisions.values(), key=_key) if d.level == level), None)
    return f"，如 {found.code} {found.name}" if found else ""


@cache
def _parents() -> frozenset[str]:
    return frozenset(d.parent for d in all_divisions().values() if d.parent)


def _county_level(division: Division, level: str) -> bool:
    """A city with no counties under it (东莞市, 中山市, 嘉峪关市, 儋州市) is its own county."""
    return level == "county" and division.level == "city" and division.code not in _parents()


def _key(d: Division) -> str:
    return d.code


def place_problem(code: str, divisions: dict[str, Division], level: str) -> str | None:
    """Why ``code`` is not a division of ``level`` of the site's province, or None."""
    problem = division_problem(code)
    if problem:
        return problem
    mine = divisions.get(code)
    if mine is not None and (level in ("", mine.level) or _county_level(mine, level)):
        return None
    home, label = province_name(divisions), LEVEL_LABELS.get(level, "")
    if mine is not None:
        return (
            f"“{code}” 是{full_name(code)}（{LEVEL_LABELS[mine.level]}），不是{label}行政区划代码"
        )
    known = all_divisions().get(code)
    if known is not None and province_of(code) not in divisions:
        return (
            f"“{code}” 是{full_name(code)}的代码，不属于本站的省份{home}（site.yaml 的 province）"
        )
    return f"“{code}” 不是{home}的{label}行政区划代码（GB/T 2260{_example(divisions, level or 'county')}）"
