"""Where an Open311 request is: a unit code (address_id), coordinates or an address string.

Coordinates given (``lat``/``long``, WGS-84 as the GeoReport v2 specification says) are kept as
the report's pinned point (feedback/place.py, source "open311"): officers see it with map
links; like a point pinned on the web form it is never published.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from feedback.directory import Directory
from feedback.place import Pin, codes_around, distance_km

#: A point farther than this from every known unit cannot be placed in a county.
MAX_KM = 30.0


class PlaceError(ValueError):
    """The request's location cannot be used; the message goes back to the client."""


@dataclass(frozen=True, slots=True)
class Place:
    """What create_report needs: a unit or a county, and the place in words."""

    unit_code: str | None
    county_code: str
    place: str
    pin: Pin | None = None


def coordinates() -> dict[str, tuple[float, float]]:
    """Coordinates of each unit by fixed-source code, from the directory file the service
    read last (feedback/directory_file.py)."""
    directory: Directory = current_app.extensions["yimatong_directory"]
    return directory.coordinates


def county_near(point: tuple[float, float], directory: Directory) -> str:
    """County of the nearest known unit within MAX_KM (no division polygons in content),
    measured only against the units in the cells around the point, not the province's."""
    best: tuple[float, str] | None = None
    points = directory.coordinates
    for code in codes_around(directory, point, MAX_KM):
        unit = directory.unit(code)
        distance = distance_km(point, points[code])
        if unit is not None and distance <= MAX_KM and (best is None or distance < best[0]):
            best = (distance, unit.county_code)
    if best is None:
        raise PlaceError("该坐标附近没有已知的行政区，请同时提供 address_string（写明县、区）。")
    return best[1]


def county_named(address: str, directory: Directory) -> str:
    """The county (or else city) whose name appears in the address, longest name first."""
    found = ""
    for division in sorted(directory.divisions.values(), key=lambda d: -len(d.name)):
        if division.level in ("county", "city") and division.name in address:
            if division.level == "county":
                return division.code
            found = found or division.code
    return found


def _point(lat: str, lon: str) -> tuple[float, float]:
    try:
        point = (float(lat), float(lon))
    except ValueError:
        raise PlaceError("lat 和 long 必须是数字（WGS-84 十进制度）。") from None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise PlaceError("lat 或 long 超出范围。")
    return point


def locate(form: dict[str, str], directory: Directory) -> Place:
    """Resolve address_id, lat/long or address_string, in that order, to a routable place."""
    address = form.get("address_string", "").strip()
    unit_code = form.get("address_id", "").strip().upper()
    lat, lon = form.get("lat", "").strip(), form.get("long", "").strip()
    # Only a whole point counts: a lone lat or long beside another location is left aside,
    # as the OpenAPI document allows (its anyOf asks for both only to place by the point).
    point = _point(lat, lon) if lat and lon else None
    if (lat or lon) and point is None and not (unit_code or address):
        raise PlaceError("lat 和 long 要一起提供（WGS-84 十进制度）。")
    pin = Pin(round(point[0], 6), round(point[1], 6), source="open311") if point else None
    if unit_code:
        unit = directory.unit(unit_code)
        if unit is None:
            raise PlaceError(f"address_id {unit_code} 不是已公开的排污单位编码（22 位）。")
        return Place(unit.code, unit.county_code, address, pin)
    county = county_named(address, directory) if address else ""
    if point is not None:
        county = county or county_near(point, directory)
    if not county:
        raise PlaceError(
            "请提供位置：lat 和 long、address_string（写明县、区）或 address_id（排污单位编码）。"
        )
    return Place(None, county, address or directory.place_name(county), pin)
