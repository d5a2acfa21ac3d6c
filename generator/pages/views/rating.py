"""The 环保脸谱 pages: the rating method beside the ratings, and listings by grade and by city
(/monitoring/rating/...). Only ratings computed from measured facts are listed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from flask import Flask, abort, render_template

from generator import urls
from generator.pages.views.common import Catalog, Output, catalog, digest, paged_outputs, paginate
from generator.pages.views.monitoring import RATING_PATH


class RatedRow(NamedTuple):
    """One unit in a ratings listing."""

    code: str
    name: str
    path: str
    city: str
    grade: str
    grade_name: str
    score: float


def grade_path(grade: str) -> str:
    """The listing of the units of one grade (the method table allows only a-z keys)."""
    if not (grade.isascii() and grade.isalpha() and grade.islower()) or grade == "city":
        raise ValueError(f"等级代码 {grade!r} 只能含半角小写字母（不能为 city），不能用作网址")
    return f"{RATING_PATH}{grade}/"


def city_path(code: str) -> str:
    """The ratings of the units of one city."""
    return f"{RATING_PATH}city/{urls.segment(code)}/"


def rated_rows(cat: Catalog) -> list[RatedRow]:
    """Every rated unit, best score first, then by code."""
    rows = []
    for code, shown in cat.monitoring.units.items():
        row, rating = cat.rows.get(code), shown.rating
        if row is None or rating is None:
            continue
        rows.append(
            RatedRow(code, row.name, row.path, row.city, rating.grade, rating.grade_name,
                     rating.score)
        )  # fmt: skip
    return sorted(rows, key=lambda r: (-r.score, r.code))


def _cities(cat: Catalog) -> dict[str, list[RatedRow]]:
    """Rated units by city code."""
    found: dict[str, list[RatedRow]] = {}
    for row in rated_rows(cat):
        unit = cat.site.unit(row.code)
        if unit is not None:
            found.setdefault(unit.city_code, []).append(row)
    return dict(sorted(found.items()))


def _grades(cat: Catalog) -> list[tuple[str, str, list[RatedRow]]]:
    """Each grade of the method with its units, in the method's order."""
    rows = rated_rows(cat)
    return [
        (g.key, g.name, [r for r in rows if r.grade == g.key])
        for g in cat.monitoring.method
        if g.kind == "grade"
    ]


def rating_index() -> str:
    """The method (criteria, weights, thresholds, grades) and the counts by grade and city."""
    cat = catalog()
    cities = [(c, cat.site.division_name(c), rows) for c, rows in _cities(cat).items()]
    return render_template(
        "rating.html",
        method=cat.monitoring.method,
        grades=_grades(cat),
        cities=cities,
        as_of=cat.monitoring.as_of,
        grade_path=grade_path,
        city_path=city_path,
    )


def grade_list(grade: str, number: int = 1) -> str:
    """The units of one grade, a page at a time."""
    cat = catalog()
    found = {key: (name, rows) for key, name, rows in _grades(cat)}
    if grade not in found:
        abort(404)
    name, rows = found[grade]
    pager = paginate(rows, number, grade_path(grade))
    return render_template("rating_list.html", heading=f"环保脸谱：{name}", pager=pager)


def city_list(code: str, number: int = 1) -> str:
    """The rated units of one city, a page at a time."""
    cat = catalog()
    rows = _cities(cat).get(code)
    if rows is None:
        abort(404)
    pager = paginate(rows, number, city_path(code))
    heading = f"{cat.site.division_name(code)}的环保脸谱评级"
    return render_template("rating_list.html", heading=heading, pager=pager)


def register(app: Flask) -> None:
    """Add the rating routes to the site app."""
    app.add_url_rule(RATING_PATH, "rating", rating_index)
    app.add_url_rule(f"{RATING_PATH}city/<code>/", "rating_city", city_list)
    app.add_url_rule(f"{RATING_PATH}city/<code>/<int:number>/", "rating_city", city_list)
    app.add_url_rule(f"{RATING_PATH}<grade>/", "rating_grade", grade_list)
    app.add_url_rule(f"{RATING_PATH}<grade>/<int:number>/", "rating_grade", grade_list)


def outputs(cat: Catalog, conf: dict) -> Iterator[Output]:
    """The method page and every listing, keyed by what they show (listings show no
    store-wide as-of time, so a day's import redoes only the listings of changed units)."""
    grades, cities = _grades(cat), _cities(cat)
    method, as_of = cat.monitoring.method, cat.monitoring.as_of
    names = {c: cat.site.division_name(c) for c in cities}
    yield Output(RATING_PATH, "环保脸谱", digest(method, grades, cities, names, as_of))
    for key, name, rows in grades:
        yield from paged_outputs(grade_path(key), f"环保脸谱 {key}", rows, name)
    for code, rows in cities.items():
        yield from paged_outputs(city_path(code), f"环保脸谱 {code}", rows, names[code])
