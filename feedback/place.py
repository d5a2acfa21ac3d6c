"""The place a reporter pins on the report form: from the phone, typed, or a nearby unit.

The form works without JavaScript: a reporter may type the coordinates (as a phone's GPS or
map app shows them, WGS-84) or pick one of the units near the reported one (their coordinates
come from the directory file, WGS-84 as stored). With JavaScript, ``static/place.js`` adds a
button that fills the coordinates from the browser's Geolocation API, which gives WGS-84.
So a pinned point is always recorded as WGS-84, with where it came from.

The point is personal data (it can say where the reporter stood or lives): it is shown only
to officers on the case page (with map links, ``generator.maps``), never on the public case
page, the enterprise's pages, exports, open data or mails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from feedback.directory import Directory, UnitEntry
from generator.maps import MapLink, map_links

#: The one coordinate system a pinned point is recorded in.
WGS84 = "WGS-84"
#: What each source is called on the officer's case page.
SOURCES = {
    "device": "举报人手机定位",
    "typed": "举报人填写的坐标",
    "unit": "举报人选择的附近单位",
    "open311": "接口（Open311）提交的坐标",
}
#: How far and how many units the form offers as "nearby".
NEARBY_KM = 5.0
NEARBY_COUNT = 8


@dataclass(frozen=True, slots=True)
class Pin:
    """A pinned point in ``crs``, and where it came from ("device", "typed", "unit:<code>")."""

    lat: float
    lon: float
    source: str
    crs: str = WGS84

    @property
    def source_label(self) -> str:
        """The source in words, for officers."""
        return source_label(self.source)


def source_label(source: str) -> str:
    """A recorded source ("device", "typed", "unit:<code>") in words, for officers."""
    kind, _, code = source.partition(":")
    label = SOURCES.get(kind, kind)
    return f"{label}（{code}）" if code else label


def officer_links(lat: float | None, lon: float | None, number: str) -> list[MapLink]:
    """Map links to a pinned WGS-84 point for the officer's case page (none without one)."""
    if lat is None or lon is None:
        return []
    return map_links(lat, lon, f"举报 {number} 标注的位置")


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in km (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


#: The narrowest a 0.1-degree cell gets: a tenth of a degree of longitude at 53 degrees north
#: (China's northern tip); a tenth of latitude is 11.1 km everywhere.
CELL_KM = 6.7


def codes_around(directory: Directory, point: tuple[float, float], km: float) -> list[str]:
    """Codes of the units in the 0.1-degree cells around ``point`` that hold every unit
    within ``km`` of it (more may be farther), in code order; not the province's."""
    rings = math.ceil(km / CELL_KM)
    row, column = (math.floor(v * 10) for v in point)
    cells, around = directory.coordinate_cells, range(-rings, rings + 1)
    return sorted(c for r in around for k in around for c in cells.get((row + r, column + k), ()))


def nearby(directory: Directory, unit: UnitEntry | None) -> list[tuple[UnitEntry, float]]:
    """The reported unit and the units within NEARBY_KM of it, nearest first, with km."""
    if unit is None or unit.coordinates is None:
        return []
    codes = codes_around(directory, unit.coordinates, NEARBY_KM)
    points = directory.coordinates
    found = [(directory.units[c], distance_km(unit.coordinates, points[c])) for c in codes]
    close = sorted((f for f in found if f[1] <= NEARBY_KM), key=lambda f: (f[1], f[0].code))
    return close[:NEARBY_COUNT]


def _number(
    text: str, low: float, high: float, what: str, example: str
) -> tuple[float | None, str]:
    """A coordinate typed or filled in, or the message that says what is wrong with it."""
    cleaned = text.strip().replace("，", ".").replace("°", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None, f"{what}应为数字（度，带小数），例如 {example}。"
    if not math.isfinite(value) or not low <= value <= high:
        return None, f"{what}应在 {low:g} 到 {high:g} 度之间。"
    return value, ""


def read_pin(
    lat_text: str,
    lon_text: str,
    source: str,
    unit_code: str,
    directory: Directory,
    reported: UnitEntry | None,
) -> tuple[Pin | None, dict[str, str]]:
    """The pinned point from the form's fields, or the messages by field name.

    A nearby unit picked wins over coordinates (its point is the directory's); it must be one
    the form offered, ``nearby(directory, reported)``, so a hand-made request cannot pin a
    report to a unit across the province. Otherwise both coordinates or neither. ``source``
    is "device" when the script filled them, else typed.
    """
    if unit_code:
        offered = {u.code: u for u, _ in nearby(directory, reported)}
        unit = offered.get(unit_code)
        if unit is None or unit.coordinates is None:
            return None, {"place_unit": "请从列表中选择附近的单位。"}
        return Pin(*unit.coordinates, source=f"unit:{unit.code}"), {}
    lat_text, lon_text = (lat_text or "").strip(), (lon_text or "").strip()
    if not lat_text and not lon_text:
        return None, {}
    if not lat_text or not lon_text:
        missing = "place_lat" if not lat_text else "place_lon"
        return None, {missing: "纬度和经度要一起填写（或都不填）。"}
    lat, lat_error = _number(lat_text, -90, 90, "纬度", "23.2201")
    lon, lon_error = _number(lon_text, -180, 180, "经度", "108.8102")
    errors = {k: v for k, v in (("place_lat", lat_error), ("place_lon", lon_error)) if v}
    if errors or lat is None or lon is None:
        return None, errors
    kind = "device" if source == "device" else "typed"
    return Pin(round(lat, 6), round(lon, 6), source=kind), {}
