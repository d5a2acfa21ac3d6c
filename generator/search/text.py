"""Search documents and text analysis, without whoosh: what is indexed and how text is cut.

``entries(site)`` lists every document of the published model in rank order (units by name
length, then outlets, penalties, pages); ``grams`` cuts text into the 2-grams the index stores.
generator/search/index.py stores them (with whoosh); feedback/search queries them.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import TypedDict

from generator import urls
from generator.content.model import Category, Outlet, Penalty, PermitState, Site, Unit
from generator.search.names import core, gate, places, signal

#: Record types (the "type" facet) with their Chinese labels, in rank order.
KINDS = {"unit": "排污单位", "outlet": "排放口", "penalty": "行政处罚", "page": "栏目页面"}
#: Facet fields every document may carry.
FACETS = ("kind", "city", "county", "industry", "category", "state")
#: Hidden ready bitsets, not filters: each unit's rank group (name length, signals) and its
#: signals alone (see generator/search/rank.py).
BAND = "band"
SIGNAL = "signal"
HIDDEN = (BAND, SIGNAL)
#: Section of the unit page that lists penalties (site/templates/unit.html).
PENALTY_ANCHOR = "#h-enforcement"


#: Full-width ASCII and the ideographic space folded to their half-width forms.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_RUN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """``text`` folded for matching (half-width, lower case), keeping its length."""
    folded = text.translate(_HALF_WIDTH).lower()
    if len(folded) == len(text):
        return folded
    return "".join(char.translate(_HALF_WIDTH).lower()[:1] for char in text)


def runs(text: str) -> list[str]:
    """Runs of letters, digits and Chinese characters, folded; punctuation and spaces split."""
    return _RUN.findall(fold(text))


def grams(text: str) -> set[str]:
    """Index terms of ``text``: every 2-gram of each run, and its last character alone.

    The last character lets a one-character query (a prefix of 2-grams) find it too.
    """
    terms: set[str] = set()
    for run in runs(text):
        terms.add(run[-1])
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
    return terms


def bigrams(text: str) -> set[str]:
    """Query terms of a fragment of two or more characters: 2-grams that cover every character.

    Every other 2-gram is enough (宏达糖业: 宏达, 糖业), and halves the term look-ups.
    """
    terms = {text[i : i + 2] for i in range(0, len(text) - 1, 2)}
    terms.add(text[-2:])
    return terms


def exact_key(text: str) -> str:
    """A name or code as one comparable key: folded, without spaces or punctuation."""
    return "".join(runs(text))


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What a result shows: one unit, outlet, penalty or page, with its facet values."""

    kind: str
    path: str
    title: str
    subtitle: str = ""
    snippet: str = ""
    unit_code: str = ""
    city: str = ""
    industry: str = ""
    category: str = ""
    state: str = ""
    date: str = ""
    amount: float | None = None
    county: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """A document to index: display record plus the text and keys it is found by."""

    doc: SearchDoc
    names: str
    text: str
    codes: tuple[str, ...] = ()  # found by prefix in the code table
    exact: tuple[str, ...] = ()
    rank: tuple = field(default=())
    outlet_code: str = ""
    heads: tuple[str, ...] = ()  # whole names and their short forms, for "starts with"
    band: str = ""  # a unit's rank group: name length and signals
    signal: str = ""  # a unit's signals, "0" (key, recently enforced) to "3"
    cores: tuple[str, ...] = ()  # names as on the gate: no company form, no place


class UnitFacets(TypedDict):
    """A unit's facet values, carried by its outlets and penalties too."""

    unit_code: str
    city: str
    county: str
    industry: str
    category: str
    state: str


def _unit_facets(unit: Unit, state: PermitState) -> UnitFacets:
    return {
        "unit_code": unit.code,
        "city": unit.city_code,
        "county": unit.county_code,
        "industry": unit.industry.code,
        "category": unit.category.value,
        "state": state.value,
    }


def _unit_entries(unit: Unit, site: Site, today: dt.date) -> list[Entry]:
    state = unit.permit_state(today)
    facets = _unit_facets(unit, state)
    county, city = site.division_name(unit.county_code), site.division_name(unit.city_code)
    all_names = (unit.name, *unit.short_names, *unit.former_names)
    names = " ".join(all_names)
    codes = {unit.code, unit.code[8:]}
    if unit.permit:
        codes.add(unit.permit.number)
    doc = SearchDoc(
        "unit",
        urls.unit_path(unit.code),
        unit.name,
        unit.address,
        f"{unit.industry.name} · {unit.category.label} · {state.label}",
        **facets,
    )
    text = (
        f"{names} {city} {county} {unit.address} {unit.industry.name} "
        f"{unit.category.label} {state.label}"
    )
    keys = tuple(exact_key(n) for n in all_names)
    prefixes = _places(site)
    weight = signal(unit, today)
    entries = [
        Entry(
            doc,
            names,
            text,
            tuple(sorted(codes)),
            keys,
            (0, len(unit.name), -weight, unit.name),
            heads=tuple(dict.fromkeys(k for key in keys for k in (key, core(key, prefixes)) if k)),
            band=f"{len(unit.name):03d}{3 - weight}",
            signal=str(3 - weight),
            cores=tuple(
                dict.fromkeys(c for key in keys for c in (gate(key), core(key, prefixes)) if c)
            ),
        )
    ]
    entries += [_outlet_entry(unit, outlet, facets) for outlet in unit.outlets]
    entries += [_penalty_entry(unit, penalty, facets) for penalty in unit.penalties]
    return entries


def _outlet_entry(unit: Unit, outlet: Outlet, facets: UnitFacets) -> Entry:
    pollutants = "、".join(p.name for p in outlet.pollutants)
    title = f"{outlet.code} {outlet.name}"
    doc = SearchDoc(
        "outlet", urls.outlet_path(unit.code, outlet.code), title, unit.name, pollutants, **facets
    )
    return Entry(
        doc,
        title,
        f"{outlet.name} {outlet.kind_label} {pollutants} {unit.name}",
        (unit.code + outlet.code,),
        (),
        (1, len(unit.name), unit.code, outlet.code),
        outlet.code,
        (exact_key(outlet.name),),
    )


def _penalty_entry(unit: Unit, penalty: Penalty, facets: UnitFacets) -> Entry:
    doc = SearchDoc(
        "penalty",
        urls.unit_path(unit.code) + PENALTY_ANCHOR,
        penalty.decision_number,
        unit.name,
        penalty.violation,
        date=penalty.date.isoformat(),
        amount=penalty.amount,
        **facets,
    )
    text = (
        f"{penalty.decision_number} {penalty.violation} {penalty.legal_basis} "
        f"{penalty.authority} {unit.name}"
    )
    return Entry(
        doc,
        penalty.decision_number,
        text,
        (),
        (exact_key(penalty.decision_number),),
        (2, -penalty.date.toordinal(), penalty.decision_number),
        heads=(exact_key(penalty.decision_number),),
    )


_PLACES: list = [None, ()]


def _places(site: Site) -> tuple[str, ...]:
    """Place prefixes of ``site`` (names.places), computed once per loaded site."""
    if _PLACES[0] is not site.divisions:
        _PLACES[:] = [site.divisions, places(site)]
    return _PLACES[1]


def page_path(slug: str) -> str:
    """Site-relative path of a content page (as generator/pages/views/pages.py; urls.py has none yet)."""
    return getattr(urls, "page_path", lambda s: f"/pages/{s}/")(slug)


def unit_entries(unit: Unit, site: Site) -> list[Entry]:
    """Documents of one unit: the unit, its outlets, its penalties (not yet in rank order)."""
    return _unit_entries(unit, site, site.judged_on)


def page_entries(site: Site) -> list[Entry]:
    """Documents of the content pages (not yet in rank order)."""
    out = []
    for page in site.pages:
        doc = SearchDoc("page", page_path(page.slug), page.title, "", page.summary)
        body = _strip_tags(page.body_html)
        out.append(
            Entry(
                doc,
                page.title,
                f"{page.title} {page.summary} {body}",
                (),
                (exact_key(page.title),),
                (3, page.order, page.slug),
                heads=(exact_key(page.title),),
            )
        )
    return out


def entries(site: Site) -> list[Entry]:
    """Every document of the published model, in rank order.

    The sort is stable: equal ranks keep the order of ``site.units``, then of each unit's
    documents (generator/search/update.py relies on this to place changed units).
    """
    out: list[Entry] = []
    for unit in site.units:
        out.extend(unit_entries(unit, site))
    out.extend(page_entries(site))
    out.sort(key=lambda e: e.rank)
    return out


def _strip_tags(markup: str) -> str:
    out, inside = [], False
    for char in markup:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
            out.append(" ")
        elif not inside:
            out.append(char)
    return html.unescape("".join(out))


def facet_labels(site: Site) -> dict[str, dict[str, str]]:
    """Chinese label of every facet value present in the site."""
    labels: dict[str, dict[str, str]] = {
        "kind": dict(KINDS),
        "city": {},
        "county": {},
        "industry": {},
        "category": {c.value: c.label for c in Category},
        "state": {s.value: s.label for s in PermitState},
    }
    # Codes in order of first appearance, as the index has always listed them.
    labels["city"] = {
        c: site.division_name(c) for c in dict.fromkeys(u.city_code for u in site.units)
    }
    labels["county"] = {
        c: site.division_name(c) for c in dict.fromkeys(u.county_code for u in site.units)
    }
    labels["industry"] = {u.industry.code: u.industry.name for u in site.units}
    return labels
