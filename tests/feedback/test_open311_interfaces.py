"""What other people's software relies on: error lists everywhere, CORS for reads, the window."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import requests

from feedback.extensions import db
from feedback.open311.keys import create_key
from tests.feedback.conftest import BINYANG
from tests.feedback.open311_helpers import OPENAPI, REQS, V2, check_openapi

UPDATES = "/open311/v2/servicerequestupdates.{format}"
ERRORS = {"components": OPENAPI["components"], "$ref": "#/components/schemas/Errors"}
SEARCH_ERROR = {"components": OPENAPI["components"], "$ref": "#/components/schemas/SearchError"}


@pytest.fixture
def api_key(app) -> str:
    """A plain API key."""
    with app.app_context():
        _, plain = create_key("跨域测试")
        db.session.commit()
    return plain


def errors_of(response: requests.Response, status: int) -> list[dict]:
    """The JSON error list of a response, checked against the document's Errors schema."""
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    jsonschema.validate(body, ERRORS)
    assert body[0]["code"] == status and body[0]["description"]
    return body


def xml_error(response: requests.Response, status: int) -> str:
    """The description of an XML error list."""
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "errors" and root.findtext("error/code") == str(status)
    return root.findtext("error/description")


@pytest.mark.parametrize(
    "path",
    [
        "services.csv",
        "requests.AAA",
        "requests/0.AAA",
        "tokens/0.AAA",
        "discovery.yaml",
        "services/noise.html",
        "service/odour.php",
        "servicerequestupdates.txt",
        "requests/GX2026112500001.JSON",
        "requests",
        "services",
        "nothing/at/all",
        "",
    ],
)
def test_unknown_formats_and_paths_answer_a_json_error_list(live, path):
    response = requests.get(f"{live.url}{V2}/{path}", timeout=10)
    [problem] = errors_of(response, 404)
    if "." in path:
        extension = path.rsplit(".", 1)[1]
        assert f".{extension}" in problem["description"] and ".xml" in problem["description"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_unknown_format_on_any_method_is_an_error_list(live, method):
    response = requests.request(method, f"{live.url}{V2}/requests.csv", timeout=10)
    errors_of(response, 404)


def test_xml_errors_when_xml_was_asked(live):
    assert "没有这个地址" in xml_error(requests.get(f"{live.url}{V2}/nothing.xml", timeout=10), 404)
    response = requests.delete(f"{live.url}{V2}/services.xml", timeout=10)
    assert "DELETE" in xml_error(response, 405)
    assert xml_error(requests.get(f"{live.url}{V2}/requests/0.XML", timeout=10), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "requests.json", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("PUT", "requests.json", {"GET", "HEAD", "OPTIONS", "POST"}),
        ("PATCH", "requests/GX2026112500001.json", {"GET", "HEAD", "OPTIONS"}),
        ("POST", "services.json", {"GET", "HEAD", "OPTIONS"}),
        ("POST", "discovery.json", {"GET", "HEAD", "OPTIONS"}),
        ("TRACE", "servicerequestupdates.json", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_wrong_method_is_405_with_allow(live, method, path, allowed):
    response = requests.request(method, f"{live.url}{V2}/{path}", timeout=10)
    [problem] = errors_of(response, 405)
    assert set(response.headers["Allow"].split(", ")) == allowed
    assert method in problem["description"]


def test_body_too_large_is_an_error_list(app, live, api_key):
    app.config["MAX_CONTENT_LENGTH"] = 2_000
    data = {"api_key": api_key, "service_code": "noise", "description": "吵" * 2_000}
    errors_of(requests.post(f"{live.url}{REQS.format(format='json')}", data=data, timeout=10), 413)
    response = requests.post(f"{live.url}{V2}/requests.xml", data=data, timeout=10)
    assert xml_error(response, 413)


def test_a_too_large_web_form_is_the_413_page_not_a_server_error(app, live):
    app.config["MAX_CONTENT_LENGTH"] = 2_000
    response = requests.post(f"{live.url}/report", data={"description": "吵" * 2_000}, timeout=10)
    assert response.status_code == 413 and response.headers["Content-Type"].startswith("text/html")


def test_api_errors_are_json_and_site_errors_stay_html(live):
    missing = requests.get(f"{live.url}/api/nothing", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    jsonschema.validate(missing.json(), SEARCH_ERROR)
    posted = requests.post(f"{live.url}/api/search", data={"q": "宏达"}, timeout=10)
    assert posted.status_code == 405 and posted.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in posted.headers["Allow"]
    page = requests.get(f"{live.url}/no-such-page", timeout=10)
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        f"{V2}/discovery.json",
        f"{V2}/services.xml",
        f"{V2}/services/noise.json",
        f"{V2}/requests.json",
        f"{V2}/requests/GX2026112500001.json",
        f"{V2}/servicerequestupdates.xml",
        f"{V2}/services.csv",
        "/api/openapi.json",
    ],
)
def test_public_reads_may_be_read_from_any_origin(live, path):
    response = requests.get(live.url + path, headers={"Origin": "https://app.example"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_posts_and_private_pages_stay_same_origin(live, api_key):
    origin = {"Origin": "https://app.example"}
    url = f"{live.url}{V2}/requests.json"
    form = {"service_code": "noise", "description": "夜间噪声。", "address_id": BINYANG}
    for data in (form, {**form, "api_key": api_key}):
        response = requests.post(url, data=data, headers=origin, timeout=10)
        assert response.status_code in (200, 403)
        assert "Access-Control-Allow-Origin" not in response.headers
    preflight = requests.options(
        url, headers={**origin, "Access-Control-Request-Method": "POST"}, timeout=10
    )
    assert "POST" not in preflight.headers.get("Access-Control-Allow-Methods", "")
    for path in ("/officer/login", "/officer/api-keys/", "/report"):
        response = requests.get(live.url + path, headers=origin, timeout=10)
        assert "Access-Control-Allow-Origin" not in response.headers, path


def _listing(live, path: str = REQS, **params: str) -> requests.Response:
    return requests.get(live.url + path.format(format="json"), params=params, timeout=10)


@pytest.mark.parametrize("path", [REQS, UPDATES])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2025-01-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00"),  # 365 days
        ("2026-01-01T00:00:00Z", "2026-04-01T00:00:01Z"),  # 90 days and a second
        ("2026-01-01", "2026-04-02"),
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"),
    ],
)
def test_a_window_longer_than_90_days_is_refused(live, path, start, end):
    [problem] = errors_of(_listing(live, path, start_date=start, end_date=end), 400)
    assert "90" in problem["description"]


@pytest.mark.parametrize("path", [REQS, UPDATES])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z"),  # exactly 90 days
        ("2026-01-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00"),
        ("0001-01-01T00:00:00+14:00", "0001-01-02T00:00:00Z"),  # before year 1 in UTC
        ("9999-12-31T00:00:00-12:00", "9999-12-31T23:59:59-12:00"),  # after 9999 in UTC
    ],
)
def test_windows_of_up_to_90_days_are_answered(live, path, start, end):
    response = _listing(live, path, start_date=start, end_date=end)
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize("path", [REQS, UPDATES])
@pytest.mark.parametrize(
    "one",
    [
        {"start_date": "0001-01-01T00:00:00+14:00"},
        {"end_date": "0001-01-01T00:00:00+14:00"},
        {"start_date": "9999-12-31T23:59:59-12:00"},
        {"end_date": "9999-12-31T23:59:59-12:00"},
    ],
)
def test_one_date_at_the_calendar_edges_is_answered(live, path, one):
    response = _listing(live, path, **one)
    assert response.status_code == 200 and response.json() == []


def _age(app, number: str, days: int) -> None:
    from sqlalchemy import select

    from feedback.models import Report

    with app.app_context():
        report = db.session.scalar(select(Report).filter_by(tracking_number=number))
        report.received_at -= dt.timedelta(days=days)
        db.session.commit()


def test_one_date_alone_spans_90_days_from_it(app, live, make_report):
    recent, _ = make_report(BINYANG)
    older, _ = make_report(BINYANG)
    _age(app, older, 150)
    received = {}
    for number in (recent, older):
        [row] = _listing(live, service_request_id=number).json()
        received[number] = dt.datetime.fromisoformat(row["requested_datetime"])
    start = (received[older] - dt.timedelta(days=1)).isoformat()
    numbers = [
        r["service_request_id"]
        for r in check_openapi(REQS, "get", _listing(live, start_date=start))
    ]
    assert numbers == [older]
    end = (received[recent] + dt.timedelta(minutes=1)).isoformat()
    numbers = [r["service_request_id"] for r in _listing(live, end_date=end).json()]
    assert numbers == [recent]


@pytest.mark.parametrize(
    "seen_on",
    ["9999-12-31T23:59:59-12:00", "9999-12-31T20:00:00Z", "9999-12-31"],
)
def test_seen_on_at_the_end_of_the_calendar_is_a_400(app, live, api_key, seen_on):
    data = {
        "api_key": api_key,
        "service_code": "noise",
        "description": "夜间噪声。",
        "address_id": BINYANG,
        "attribute[seen_on]": seen_on,
    }
    response = requests.post(f"{live.url}{V2}/requests.json", data=data, timeout=10)
    [problem] = errors_of(response, 400)
    assert "seen_on" in problem["description"]


def test_every_problem_of_a_listing_is_reported(live):
    params = {"service_code": "x,noise,y", "status": "pending", "start_date": "yesterday"}
    problems = [p["description"] for p in errors_of(_listing(live, **params), 400)]
    assert len(problems) == 3
    assert "x、y" in problems[1] and "status" in problems[2] and "start_date" in problems[0]
    both = _listing(live, UPDATES, start_date="昨天", end_date="明天")
    problems = [p["description"] for p in errors_of(both, 400)]
    assert [p.split(" ")[0] for p in problems] == ["start_date", "end_date"]


def test_every_problem_of_a_post_is_reported(app, live, api_key):
    data = {"api_key": api_key, "service_code": "nope", "attribute[seen_on]": "昨天"}
    response = requests.post(f"{live.url}{V2}/requests.json", data=data, timeout=10)
    problems = [p["description"] for p in errors_of(response, 400)]
    assert len(problems) == 4
    for word in ("service_code", "description", "位置", "seen_on"):
        assert any(word in p for p in problems), word
    root = ET.fromstring(
        requests.post(f"{live.url}{V2}/requests.xml", data=data, timeout=10).content
    )
    assert len(root.findall("error")) == 4
    with app.app_context():
        from sqlalchemy import func, select

        from feedback.models import Report

        assert db.session.scalar(select(func.count(Report.id))) == 0
