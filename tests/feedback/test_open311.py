"""Open311 GeoReport v2 over real HTTP on loopback: shapes, filing, routing, filters, errors."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
import requests
from sqlalchemy import select

from feedback import actions
from feedback.extensions import db
from feedback.models import Account, Report
from feedback.open311.keys import create_key
from tests.feedback.conftest import BINYANG, LIUCHENG, get_report
from tests.feedback.open311_helpers import REQS, V2, check_openapi

ONE = "/open311/v2/requests/{service_request_id}.{format}"


@pytest.fixture
def api_key(app) -> str:
    """A plain API key."""
    with app.app_context():
        _, plain = create_key("12345 平台")
        db.session.commit()
    return plain


def post(live, key: str | None, fmt: str = "json", **data: str) -> requests.Response:
    """POST requests with a form body."""
    form = {"service_code": "wastewater", "description": "排污口流出黑色污水。", **data}
    if key is not None:
        form["api_key"] = key
    return requests.post(f"{live.url}{V2}/requests.{fmt}", data=form, timeout=10)


def get(live, path: str, **params: str) -> requests.Response:
    """GET a path with query parameters."""
    return requests.get(live.url + path, params=params, timeout=10)


def xml(response: requests.Response) -> ET.Element:
    """Parse an XML response (must be well-formed, UTF-8, text/xml)."""
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)


def test_discovery_and_services(live):
    root = xml(get(live, f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    assert root.find("endpoints/endpoint/url").text == live.url + V2
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]
    check_openapi("/open311/v2/discovery.{format}", "get", get(live, f"{V2}/discovery.json"))
    services = xml(get(live, f"{V2}/services.xml"))
    assert services.tag == "services"
    assert [s.find("service_name").text for s in services.findall("service")] == [
        "废水",
        "废气",
        "噪声",
        "固体废物",
        "异味",
        "无证排污",
        "其他",
    ]
    body = check_openapi("/open311/v2/services.{format}", "get", get(live, f"{V2}/services.json"))
    assert isinstance(body, list) and body[0]["service_code"] == "wastewater"


def test_service_definition_and_lenient_path(live):
    root = xml(get(live, f"{V2}/services/odour.xml"))
    assert root.tag == "service_definition"
    assert [a.find("code").text for a in root.findall("attributes/attribute")] == [
        "seen_on",
        "seen_time",
    ]
    path = "/open311/v2/services/{service_code}.{format}"
    body = check_openapi(path, "get", get(live, f"{V2}/service/odour.json"))
    assert body["service_code"] == "odour"
    missing = get(live, f"{V2}/services/nope.json")
    assert missing.status_code == 404
    assert check_openapi(path, "get", missing)[0]["code"] == 404
    assert xml(get(live, f"{V2}/services/nope.xml")).find("error/code").text == "404"


def test_post_by_unit_code_routes_like_a_web_report(app, live, api_key):
    response = post(live, api_key, address_id=BINYANG, **{"attribute[seen_on]": "2026-11-01"})
    assert response.status_code == 200
    [posted] = check_openapi(REQS, "post", response)
    report = get_report(app, posted["service_request_id"])
    assert (report.unit_code, report.body_id, report.category) == (BINYANG, "nn-binyang", "废水")
    assert report.seen_on == dt.date(2026, 11, 1)
    with app.app_context():
        binyang = db.session.scalar(select(Account).filter_by(login="binyang"))
        liucheng = db.session.scalar(select(Account).filter_by(login="liucheng"))
        row = db.session.scalar(select(Report).filter_by(tracking_number=report.tracking_number))
        directory = app.extensions["yimatong_directory"]
        assert actions.in_scope(binyang, row, directory)
        assert not actions.in_scope(liucheng, row, directory)
    [one] = check_openapi(ONE, "get", get(live, f"{V2}/requests/{report.tracking_number}.json"))
    assert one["agency_responsible"] == "南宁市宾阳生态环境局"
    assert one["address_id"] == BINYANG and one["lat"] == pytest.approx(22.8823)
    assert one["status"] == "open" and one["status_notes"] == "已收到"


def test_post_by_coordinates_and_by_address(app, live, api_key):
    near_liucheng = post(live, api_key, lat="24.65", long="109.24")
    by_point = get_report(app, near_liucheng.json()[0]["service_request_id"])
    by_words = post(live, api_key, fmt="xml", address_string="桂林市全州县某村河边")
    number = xml(by_words).find("request/service_request_id").text
    assert get_report(app, number).body_id == "gl-quanzhou"
    assert by_point.body_id == "lz-liucheng" and by_point.unit_code is None
    # The point is kept as the report's pin (officers' map links), not typed into the words.
    assert (by_point.place_lat, by_point.place_lon) == (24.65, 109.24)
    assert by_point.place_source == "open311" and "24.65" not in by_point.place
    assert get_report(app, number).place_lat is None


def test_a_point_beside_a_unit_code_is_kept_and_a_bad_one_refused(app, live, api_key):
    posted = post(live, api_key, address_id=BINYANG, lat="22.8801", long="108.9533")
    report = get_report(app, posted.json()[0]["service_request_id"])
    assert report.unit_code == BINYANG and report.place_source == "open311"
    assert (report.place_lat, report.place_lon) == (22.8801, 108.9533)
    refused = post(live, api_key, address_id=BINYANG, lat="95", long="108.9")
    assert refused.status_code == 400 and "超出范围" in refused.text


def test_post_with_api_key_in_query_string(app, live, api_key):
    url = f"{live.url}{V2}/requests.json?api_key={api_key}"
    data = {"service_code": "noise", "description": "夜间噪声。", "address_id": LIUCHENG}
    response = requests.post(url, data=data, timeout=10)
    assert response.status_code == 200
    assert get_report(app, response.json()[0]["service_request_id"]).body_id == "lz-liucheng"


@pytest.mark.parametrize("key", [None, "", "y311_wrong", "nonsense"])
def test_missing_or_invalid_key_is_403(live, key):
    response = post(live, key, address_id=BINYANG)
    assert response.status_code == 403
    assert check_openapi(REQS, "post", response)[0]["code"] == 403
    assert xml(post(live, key, fmt="xml", address_id=BINYANG)).tag == "errors"


@pytest.mark.parametrize(
    "data",
    [
        {"service_code": "nope", "address_id": BINYANG},
        {"description": "", "address_id": BINYANG},
        {},
        {"address_id": "91450126MA5L3K2R5Q009P"},
        {"lat": "north", "long": "108.9"},
        {"lat": "10.0", "long": "10.0"},
        {"lat": "22.8"},
        {"address_string": "不知道在哪里"},
        {"address_id": BINYANG, "attribute[seen_on]": "2999-01-01"},
        {"address_id": BINYANG, "attribute[seen_on]": "昨天"},
    ],
)
def test_bad_parameters_are_400(app, live, api_key, data):
    response = post(live, api_key, **data)
    assert response.status_code == 400
    [problem] = check_openapi(REQS, "post", response)
    assert problem["code"] == 400 and problem["description"]
    with app.app_context():
        assert db.session.scalar(select(Report)) is None


def test_unknown_ids_are_404(live):
    for path in (f"{V2}/requests/GX2026010100001.json", f"{V2}/tokens/abc.json"):
        response = get(live, path)
        assert response.status_code == 404
        assert response.json()[0]["code"] == 404
    assert xml(get(live, f"{V2}/requests/GX2026010100001.xml")).find("error/code").text == "404"


def test_tokens(live, api_key):
    [posted] = post(live, api_key, address_id=BINYANG).json()
    path = "/open311/v2/tokens/{token}.{format}"
    body = check_openapi(path, "get", get(live, f"{V2}/tokens/{posted['token']}.json"))
    assert body == [{"service_request_id": posted["service_request_id"], "token": posted["token"]}]
    root = xml(get(live, f"{V2}/tokens/{posted['token']}.xml"))
    assert root.find("request/service_request_id").text == posted["service_request_id"]
