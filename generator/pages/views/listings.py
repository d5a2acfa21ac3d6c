"""Listings: units by city and county, by industry; penalties; permit lists."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, abort, render_template

from generator import urls
from generator.content.enums import EXPIRING_DAYS
from generator.content.model import PermitState
from generator.pages.views.common import (
    Catalog,
    Output,
    UnitRow,
    catalog,
    digest,
    paged_outputs,
    paginate,
)
from generator.pages.views.unit import unit_key

#: Permit lists: slug -> (title, badge states shown, explanation); ``{expiring_days}`` is the
#: badges' own window (``enums.EXPIRING_DAYS``), never retyped.
PERMIT_LISTS = {
    "expiring": (
        "{expiring_days}日内到期的排污许可证",
        (PermitState.EXPIRING,),
        "许可证有效期将在{expiring_days}日内届满，排污单位应及时申请延续。",
    ),
    "expired": (
        "已过期未延续的排污许可证",
        (PermitState.EXPIRED,),
        "许可证有效期已届满且未延续（临期/过期未延续清单）。",
    ),
    "revoked": (
        "已撤销或注销的排污许可证",
        (PermitState.REVOKED, PermitState.CANCELLED),
        "许可证已被依法撤销或注销。",
    ),
}


def permit_lists() -> dict[str, tuple[str, tuple[PermitState, ...], str]]:
    """The permit lists with the badges' expiring window filled into their titles and notes."""
    days = EXPIRING_DAYS
    return {
        slug: (title.format(expiring_days=days), states, note.format(expiring_days=days))
        for slug, (title, states, note) in PERMIT_LISTS.items()
    }


def area_path(code: str) -> str:
    """Listing of the units of a city or county."""
    return f"/area/{urls.segment(code)}/"


def industry_path(code: str) -> str:
    """Listing of the units of an industry."""
    return f"/industry/{urls.segment(code)}/"


def permit_list_path(slug: str) -> str:
    """One of the permit lists."""
    return f"/permits/{slug}/"


def area_tree(cat: Catalog) -> list[tuple[str, str, int, list[tuple[str, str, int]]]]:
    """Cities with their unit counts and counties: (code, name, count, counties)."""
    site, tree = cat.site, []
    cities = sorted(c for c in cat.by_division if c.endswith("00"))
    for city in cities:
        counties = sorted(c for c in cat.by_division if c[:4] == city[:4] and c != city)
        tree.append(
            (
                city,
                site.division_name(city),
                len(cat.by_division[city]),
                [(c, site.division_name(c), len(cat.by_division[c])) for c in counties],
            )
        )
    return tree


def area_index() -> str:
    """Cities and counties with how many units each has."""
    return render_template("areas.html", tree=area_tree(catalog()))


def _rows(cat: Catalog, codes: list[str]) -> list[UnitRow]:
    return [cat.rows[c] for c in codes]


def area(code: str, number: int = 1) -> str:
    """Units of one city or county, a page at a time."""
    cat = catalog()
    if code not in cat.by_division:
        abort(404)
    pager = paginate(_rows(cat, cat.by_division[code]), number, area_path(code))
    city_feed = f"/feeds/city/{code}.atom" if code.endswith("00") else None
    return render_template(
        "unit_list.html",
        heading=cat.site.division_name(code),
        kind="地区",
        pager=pager,
        as_of=cat.as_of,
        city_feed=city_feed,
    )


def industry_index() -> str:
    """Industries with how many units each has."""
    cat = catalog()
    items = sorted(
        (code, cat.industry_names[code], len(codes)) for code, codes in cat.by_industry.items()
    )
    return render_template("industries.html", items=items)


def industry(code: str, number: int = 1) -> str:
    """Units of one industry, a page at a time."""
    cat = catalog()
    if code not in cat.by_industry:
        abort(404)
    pager = paginate(_rows(cat, cat.by_industry[code]), number, industry_path(code))
    heading = f"{cat.industry_names[code]}（{code}）"
    return render_template(
        "unit_list.html", heading=heading, kind="行业", pager=pager, as_of=cat.as_of
    )


def penalties(number: int = 1) -> str:
    """All penalty decisions, newest first."""
    pager = paginate(catalog().penalties, number, "/penalties/")
    return render_template("penalties.html", pager=pager)


def permit_list(slug: str, number: int = 1) -> str:
    """Permits expiring soon, expired and not renewed, or revoked."""
    if slug not in PERMIT_LISTS:
        abort(404)
    lists = permit_lists()
    title, states, note = lists[slug]
    cat = catalog()
    pager = paginate(cat.units_in_state(*states), number, permit_list_path(slug))
    return render_template(
        "permit_list.html",
        heading=title,
        note=note,
        pager=pager,
        as_of=cat.as_of,
        judged_on=cat.judged_on,
        expiring_days=EXPIRING_DAYS,
        lists=lists,
        slug=slug,
    )


def register(app: Flask) -> None:
    """Add the listing routes to the site app."""
    app.add_url_rule("/area/", "areas", area_index)
    app.add_url_rule("/area/<code>/", "area", area)
    app.add_url_rule("/area/<code>/<int:number>/", "area", area)
    app.add_url_rule("/industry/", "industries", industry_index)
    app.add_url_rule("/industry/<code>/", "industry", industry)
    app.add_url_rule("/industry/<code>/<int:number>/", "industry", industry)
    app.add_url_rule("/penalties/", "penalties", penalties)
    app.add_url_rule("/penalties/<int:number>/", "penalties", penalties)
    app.add_url_rule("/permits/<slug>/", "permit_list", permit_list)
    app.add_url_rule("/permits/<slug>/<int:number>/", "permit_list", permit_list)


def _keys(cat: Catalog, codes: list[str]) -> list[str]:
    """Unit keys stand for the rows (a row is made from the unit, its permit state on the
    as-of date and the division names, all covered by the unit key or the global key) and
    are much cheaper to hash at province scale. Pages that print the as-of date add it."""
    known = cat.row_keys or cat.unit_keys
    return [known.get(code) or _unit_key(cat, code) for code in codes]


def _unit_key(cat: Catalog, code: str) -> str:
    """The key of the unit with ``code`` (a code of the catalog's rows)."""
    unit = cat.site.unit(code)
    if unit is None:
        raise KeyError(f"没有编码为 {code} 的排污单位")
    return unit_key(unit, cat)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """Every listing page, keyed by the units it shows."""
    tree = area_tree(cat)
    yield Output("/area/", "地区列表", digest(tree))
    for code, codes in sorted(cat.by_division.items()):
        name = cat.site.division_name(code)
        keys = _keys(cat, codes)
        yield from paged_outputs(area_path(code), f"地区 {code}", keys, name, cat.as_of)
    names = sorted(cat.industry_names.items())
    yield Output(
        "/industry/", "行业列表", digest(names, [len(cat.by_industry[c]) for c, _ in names])
    )
    for code, codes in sorted(cat.by_industry.items()):
        keys, name = _keys(cat, codes), cat.industry_names[code]
        yield from paged_outputs(industry_path(code), f"行业 {code}", keys, name, cat.as_of)
    yield from paged_outputs("/penalties/", "处罚列表", cat.penalties)
    for slug, (_, states, _) in PERMIT_LISTS.items():
        yield from paged_outputs(
            permit_list_path(slug),
            f"许可证清单 {slug}",
            _keys(cat, [r.code for r in cat.units_in_state(*states)]),
            cat.as_of,
            cat.judged_on,
        )
