"""An Open311 client from PyPI (georeport) reads the service over real HTTP, in JSON and XML."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from tests.feedback.conftest import BINYANG, LIUCHENG
from tests.feedback.open311_helpers import V2

CODES = ["wastewater", "waste_gas", "noise", "solid_waste", "odour", "unlicensed", "other"]


@pytest.fixture(params=["json", "xml"])
def client(request, live) -> GeoReport:
    """The client pointed at the live service in one format, with a jurisdiction it sends."""
    return GeoReport(live.url + V2, jurisdiction="450000", output_format=request.param)


def test_services_and_definitions(client):
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == CODES
    definition = client.get_service_definition("odour")
    attributes = definition["attributes"]
    if client.output_format == "xml":
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["seen_on", "seen_time"]


def test_requests_filters_and_one_request(client, make_report):
    water, _ = make_report(BINYANG)
    noise, _ = make_report(LIUCHENG, category="噪声")
    listed = client.get_service_requests(service_code="noise,wastewater", status="open")
    if client.output_format == "xml":  # xmltodict: a list of elements
        assert isinstance(listed, list)
    assert [r["service_request_id"] for r in listed] == [noise, water]
    one = client.get_service_requests(service_request_id=water)
    one = one[0] if isinstance(one, list) else one
    assert one["service_code"] == "wastewater"
    assert client.get_service_request(noise)["service_name"] == "噪声"


def test_errors_are_raised_as_http_errors(client):
    with pytest.raises(requests.HTTPError) as raised:
        client.get_service_definition("nope")
    assert raised.value.response.status_code == 404
    with pytest.raises(requests.HTTPError) as raised:
        client.get_service_requests(
            start_date="2025-01-01T00:00:00Z", end_date="2026-01-01T00:00:00Z"
        )
    assert raised.value.response.status_code == 400
    fmt = client.output_format
    assert raised.value.response.headers["Content-Type"].startswith(
        "text/xml" if fmt == "xml" else "application/json"
    )
