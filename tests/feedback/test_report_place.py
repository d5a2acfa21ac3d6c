"""The report form lets the citizen pin the place they saw (issue 18): a nearby unit, typed
coordinates, or the phone's location (static/place.js); recorded as WGS-84 with its source,
shown to officers with map links, never published (test_identity_paths.py follows it out)."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from feedback.directory import Directory
from feedback.extensions import db
from feedback.models import Report
from feedback.place import WGS84, nearby, read_pin
from generator.maps import bd09, gcj02
from tests.feedback.conftest import BINYANG, LIUCHENG, get_report, report_data

#: The fixture directory's point of the Binyang sugar mill (WGS-84).
MILL = (22.8823, 108.9512)


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def _file(client, **fields) -> str:
    response = client.post(f"/report/{BINYANG}", data=report_data(**fields))
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return _page(response).select_one(".tracking-number").text


def _reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Report.id))) or 0


def test_the_form_offers_every_way_and_works_without_the_script(client):
    page = _page(client.get(f"/report/{BINYANG}"))
    box = page.select_one("fieldset[data-place-pin]")
    assert "不会公开" in box.select_one(".hint").text
    options = [o["value"] for o in box.select("select[name=place_unit] option")]
    assert options == ["", BINYANG]
    assert box.select_one("input[name=place_lat]") and box.select_one("input[name=place_lon]")
    assert box.select_one("input[name=place_source]")["value"] == "typed"
    # The location button is hidden until the script shows it; the script is a file (CSP).
    assert box.select_one("[data-locate]").has_attr("hidden")
    script = page.select_one("script[src]")["src"]
    assert script.endswith("/place.js") and not page.select("script:not([src])")
    with client.get(script) as served:
        assert "geolocation" in served.get_data(as_text=True)


def test_a_free_place_form_has_no_nearby_list(client):
    page = _page(client.get("/report"))
    assert page.select_one("input[name=place_lat]")
    assert not page.select("select[name=place_unit]")


def test_typed_coordinates_are_recorded_as_wgs84_and_shown_to_officers(app, client, officer):
    number = _file(client, place_lat=" 22.817361 ", place_lon="108.366543")
    report = get_report(app, number)
    assert (report.place_lat, report.place_lon) == (22.817361, 108.366543)
    assert (report.place_crs, report.place_source) == (WGS84, "typed")
    officer.login("binyang")
    box = _page(client.get(f"/officer/case/{number}")).select_one(".pinned-place")
    assert box.select_one(".coordinates").text == "22.817361, 108.366543"
    assert WGS84 in box.text and "举报人填写的坐标" in box.select_one(".pin-source").text
    links = {a["data-provider"]: a["href"] for a in box.select(".map-links a")}
    assert set(links) == {"amap", "tencent", "baidu", "amap-route"}
    g_lat, g_lon = gcj02(22.817361, 108.366543)
    amap = parse_qs(urlsplit(links["amap"]).query)["position"][0]
    assert amap == f"{g_lon:.6f},{g_lat:.6f}"
    b_lat, b_lon = bd09(22.817361, 108.366543)
    assert f"{b_lat:.6f},{b_lon:.6f}" in parse_qs(urlsplit(links["baidu"]).query)["location"][0]


def test_the_phones_location_is_recorded_with_its_source(app, client):
    number = _file(client, place_lat="22.9", place_lon="108.95", place_source="device")
    report = get_report(app, number)
    assert (report.place_lat, report.place_lon, report.place_source) == (22.9, 108.95, "device")


def test_a_nearby_unit_picked_gives_its_point(app, client):
    number = _file(client, place_unit=BINYANG, place_lat="1", place_lon="2")
    report = get_report(app, number)
    assert (report.place_lat, report.place_lon) == MILL
    assert report.place_source == f"unit:{BINYANG}" and report.place_crs == WGS84


def test_without_a_pin_nothing_is_recorded_and_officers_see_no_box(app, client, officer):
    number = _file(client)
    report = get_report(app, number)
    assert report.place_lat is None and report.place_crs == "" and report.place_source == ""
    officer.login("binyang")
    assert not _page(client.get(f"/officer/case/{number}")).select(".pinned-place")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"place_lat": "22.8"}, "place_lon", "纬度和经度要一起填写"),
        ({"place_lat": "95", "place_lon": "108"}, "place_lat", "纬度应在 -90 到 90 度之间"),
        (
            {"place_lat": "22.8", "place_lon": "东经108"},
            "place_lon",
            "经度应为数字（度，带小数），例如 108.8102",
        ),
        ({"place_lat": "nan", "place_lon": "108"}, "place_lat", "纬度应在"),
        ({"place_unit": "91450902MA5K8T4H2R001P"}, "place_unit", "请从列表中选择附近的单位"),
        # A published unit, but in Liucheng, not among the mill's nearby units the form offered.
        ({"place_unit": LIUCHENG}, "place_unit", "请从列表中选择附近的单位"),
    ],
)
def test_a_wrong_pin_is_refused_in_words_and_nothing_is_filed(app, client, fields, field, message):
    before = _reports(app)
    response = client.post(f"/report/{BINYANG}", data=report_data(**fields))
    assert response.status_code == 422
    page = _page(response)
    assert message in page.select_one(f"#{field}-error").text
    assert message in page.select_one(".error-summary").text
    assert page.select_one("textarea[name=description]").text.strip().startswith("排放口")  # kept
    assert _reports(app) == before


def test_the_public_case_page_never_shows_the_pin(app, client):
    number = _file(client, place_lat="22.817361", place_lon="108.366543")
    page = client.get(f"/case/{number}").get_data(as_text=True)
    assert "22.817" not in page and "108.366" not in page and "pinned-place" not in page


def test_nearby_lists_units_within_five_km_nearest_first(app):
    with app.app_context():
        directory: Directory = app.extensions["yimatong_directory"]
        mill = directory.units[BINYANG]
        # X1 lies in the next 0.1-degree cell north (22.90): found across the cell's edge.
        close = dataclasses.replace(mill, code="X1", name="近邻", coordinates=(22.90, 108.9512))
        far = dataclasses.replace(mill, code="X2", name="远处", coordinates=(23.0, 108.9512))
        # X3 shares the mill's cell, 4.6 km east; X2 is 13 km north.
        east = dataclasses.replace(mill, code="X3", name="东邻", coordinates=(22.8823, 108.9960))
        units = {**directory.units, "X1": close, "X2": far, "X3": east}
        mine = dataclasses.replace(directory, units=units)
        for cached in ("coordinates", "coordinate_cells"):
            mine.__dict__.pop(cached, None)
        found = [(u.code, round(km, 1)) for u, km in nearby(mine, mill)]
        assert found == [(BINYANG, 0.0), ("X1", 2.0), ("X3", 4.6)]
        pin, errors = read_pin("", "", "", "X1", mine, mill)
        assert pin is not None and pin.source == "unit:X1" and not errors
        # Only a unit the form offered: not one 13 km away, nor any on a free place's form.
        for code, reported in (("X2", mill), ("X1", None)):
            pin, errors = read_pin("", "", "", code, mine, reported)
            assert pin is None and errors == {"place_unit": "请从列表中选择附近的单位。"}
