"""Real /api/search responses match the OpenAPI document the service serves."""

from __future__ import annotations

import jsonschema
import pytest

from tests.feedback.open311_helpers import OPENAPI, response_schema

QUERIES = [
    ({"q": "宏达"}, 200),
    ({"q": "糖业", "per_page": "1", "page": "2"}, 200),
    ({"q": "9145", "type": "unit", "city": "450100"}, 200),
    ({"q": "超标"}, 200),
    ({"q": ""}, 400),
    ({"q": "x" * 200}, 400),
    ({"q": '"(*'}, 400),
]


@pytest.mark.parametrize(("params", "status"), QUERIES)
def test_search_response_matches_openapi(client, params, status):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    jsonschema.validate(response.get_json(), response_schema("/api/search", "get", status))


def test_every_search_parameter_is_documented(client):
    documented = {p["name"] for p in OPENAPI["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "type", "city", "industry", "category", "state", "page", "per_page"} <= documented
    served = client.get("/api/openapi.json").get_json()
    assert served["paths"]["/api/search"] == OPENAPI["paths"]["/api/search"]
