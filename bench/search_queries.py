"""Realistic search queries with the truth recorded, drawn from generated units.

What a person at a factory gate types: the full name, the name as written on the gate (no
company form; no place either), the piece of it they remember (the 字号 and what follows:
宏达糖, 宏达糖业), 2–4 character windows of it anywhere, the same with one character
typed wrong (same or similar pinyin), one missed or one doubled, an address, a code (fixed-
source code, USCC, permit number, decision number), a violation, or something generic.
Each query records the unit meant, the visitor's city when the query is sent from a city's
page, and how many units hold what was meant (its ambiguity: no ranking can single out one
of several units named 宏达糖业 in different places). Used by bench/search_quality.py and tests/search.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from generator.content.model import Site, Unit
from generator.search.names import SUFFIXES, core, places
from generator.search.sound import homophones
from generator.search.text import exact_key

GENERIC = ("有限公司", "广西", "科技", "南宁", "水泥", "污水处理", "股份", "工业园区", "糖", "厂")
#: A query whose meaning this many units share or fewer can be found in the first ten.
ANSWERABLE = 10


@dataclass(frozen=True, slots=True)
class Case:
    """One query: its class, text, the unit meant ("" for generic), and the visitor's city."""

    kind: str
    text: str
    truth: str = ""  # fixed-source code of the unit meant; "violation:…" for a violation
    city: str = ""  # the city of the page the visitor searched from, or ""
    meant: str = ""  # what was meant (before a typo), for the ambiguity count
    ambiguity: int = 0  # units whose name (address for addresses) holds ``meant``

    def as_dict(self) -> dict:
        """The case as plain JSON values."""
        return asdict(self)


def gate_name(name: str) -> str:
    """The name on the gate: without the company form (广西宾阳宏达糖业)."""
    key = exact_key(name)
    for suffix in SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def _piece(text: str, size: int, rng: random.Random) -> str:
    start = rng.randint(0, max(0, len(text) - size))
    return text[start : start + size]


def homophone_typo(text: str, rng: random.Random) -> str:
    """``text`` with one character replaced by a common one read alike, or "" if none is."""
    spots = [i for i, char in enumerate(text) if homophones(char)]
    if not spots:
        return ""
    i = rng.choice(spots)
    return text[:i] + rng.choice(homophones(text[i])) + text[i + 1 :]


def remembered(short: str, gate: str, size: int) -> str:
    """The ``size`` characters a person remembers: the 字号 and what follows (宏达糖), taken
    from the short name ``short`` (宏达糖业, 新圩镇宏达汽车修理厂 without its town); places
    before it when it is shorter."""
    town = short.find("镇")
    if 0 < town < 4 and len(short) - town - 1 >= size:
        short = short[town + 1 :]
    if len(short) >= size:
        return short[:size]
    end = gate.rfind(short) + len(short) if short in gate else len(gate)
    return gate[max(0, end - size) : end]


def _missing(text: str, rng: random.Random) -> str:
    i = rng.randint(1, len(text) - 2)
    return text[:i] + text[i + 1 :]


def _doubled(text: str, rng: random.Random) -> str:
    i = rng.randint(1, len(text) - 2)
    return text[: i + 1] + text[i] + text[i + 1 :]


class Maker:
    """Draws cases from ``site``'s units; ``rng`` makes a run repeatable."""

    def __init__(self, site: Site, rng: random.Random) -> None:
        self.site, self.rng = site, rng
        self.places = places(site)
        self.units = [u for u in site.units if len(gate_name(u.name)) >= 4]
        self.named = [u for u in site.units if u.penalties]

    def short(self, unit: Unit) -> str:
        """The gate name without its places too (宏达糖业), else the gate name."""
        gate = gate_name(unit.name)
        return core(gate, self.places) or gate

    def name_cases(self, kind: str, make: Callable[[Unit], tuple[str, str]], city: bool) -> Case:
        """A case from a random unit: ``make`` gives (what is typed, what was meant)."""
        while True:
            unit = self.rng.choice(self.units)
            text, meant = make(unit)
            if text:
                return Case(kind, text, unit.code, unit.city_code if city else "", meant)

    def code_case(self, kind: str) -> Case:
        """A code as printed: fixed-source code, USCC, permit or decision number."""
        unit = self.rng.choice(self.named if kind == "处罚决定书文号" else self.site.units)
        text = {
            "固定源编码": unit.code,
            "统一社会信用代码": unit.uscc,
            "许可证编号": unit.permit.number if unit.permit else unit.code,
            "处罚决定书文号": unit.penalties[0].decision_number if unit.penalties else unit.code,
        }[kind]
        return Case(kind, text, unit.code, meant=text)


def _makers(m: Maker) -> dict[str, Callable[[], Case]]:
    rng = m.rng

    def frag(size: int) -> Callable[[Unit], tuple[str, str]]:
        def make(unit: Unit) -> tuple[str, str]:
            text = _piece(gate_name(unit.name), size, rng)
            return text, text

        return make

    def memory(size: int) -> Callable[[Unit], tuple[str, str]]:
        def make(unit: Unit) -> tuple[str, str]:
            text = remembered(m.short(unit), gate_name(unit.name), size)
            return text, text

        return make

    def typo(change: Callable[[str, random.Random], str]) -> Callable[[Unit], tuple[str, str]]:
        def make(unit: Unit) -> tuple[str, str]:
            gate = gate_name(unit.name)
            return change(gate, rng), gate

        return make

    def address(unit: Unit) -> tuple[str, str]:
        head = "广西壮族自治区" + m.site.division_name(unit.city_code)
        text = unit.address.removeprefix(head).removeprefix(m.site.division_name(unit.county_code))
        return text, text

    def same(f: Callable[[Unit], str]) -> Callable[[Unit], tuple[str, str]]:
        return lambda unit: (f(unit), f(unit))

    named = {
        "全称": (same(lambda u: u.name), False),
        "门牌名（去掉公司）": (same(lambda u: gate_name(u.name)), False),
        "简称（去掉地名）": (same(m.short), False),
        "简称+来源城市": (same(m.short), True),
        "3字记得的": (memory(3), False),
        "4字记得的": (memory(4), False),
        "2字片段": (frag(2), False),
        "3字片段": (frag(3), False),
        "4字片段": (frag(4), False),
        "3字片段+来源城市": (frag(3), True),
        "4字片段+来源城市": (frag(4), True),
        "同音字": (typo(homophone_typo), False),
        "少一字": (typo(_missing), False),
        "多一字": (typo(_doubled), False),
        "地址": (address, False),
    }
    out: dict[str, Callable[[], Case]] = {
        kind: (lambda kind=kind, make=make, city=city: m.name_cases(kind, make, city))
        for kind, (make, city) in named.items()
    }
    for kind in ("固定源编码", "统一社会信用代码", "许可证编号", "处罚决定书文号"):
        out[kind] = lambda kind=kind: m.code_case(kind)
    out["违法行为"] = lambda: _violation(m)
    out["泛查询"] = lambda: Case("泛查询", rng.choice(GENERIC))
    return out


def _violation(m: Maker) -> Case:
    unit = m.rng.choice(m.named)
    violation = unit.penalties[0].violation
    return Case("违法行为", violation, "violation:" + violation, meant=violation)


def _ambiguity(rows: list[tuple[str, str, str]], case: Case) -> int:
    """Units whose name (an address: address) holds what ``case`` meant, in its city if any."""
    if not case.truth or case.truth.startswith("violation:"):
        return 0
    column = 1 if case.kind == "地址" else 0
    meant = exact_key(case.meant)
    return sum(1 for r in rows if meant in r[column] and (not case.city or r[2] == case.city))


def make_cases(site: Site, per_kind: int, seed: int = 1) -> list[Case]:
    """``per_kind`` cases of every class, with the ambiguity of each counted."""
    maker = Maker(site, random.Random(seed))
    cases = [make() for make in _makers(maker).values() for _ in range(per_kind)]
    rows = [(exact_key(u.name), exact_key(u.address), u.city_code) for u in site.units]
    return [Case(c.kind, c.text, c.truth, c.city, c.meant, _ambiguity(rows, c)) for c in cases]
