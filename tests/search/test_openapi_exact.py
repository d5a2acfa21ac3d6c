"""Every query the OpenAPI document allows is one the parser searches, and the API says so."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.search.query import parse
from tests.feedback.open311_helpers import OPENAPI, response_schema

PARAMS = {p["name"]: p for p in OPENAPI["paths"]["/api/search"]["get"]["parameters"]}
Q = PARAMS["q"]["schema"]


def _allowed(raw: str) -> bool:
    return Q["minLength"] <= len(raw) <= Q["maxLength"]


@settings(max_examples=400, database=None, deadline=None)
@given(st.from_regex(Q["pattern"]).filter(_allowed))
def test_every_allowed_query_parses(raw):
    assert parse(raw).fragments


@pytest.mark.parametrize("raw", ["AND", "OR NOT", "ph:", "aa:x", "name: 宏", "ab" + " " * 98])
def test_operator_words_alone_are_searched_as_words(raw):
    assert parse(raw).fragments


def test_q_is_required_and_page_starts_at_one():
    assert PARAMS["q"]["required"] is True
    assert PARAMS["page"]["schema"]["minimum"] == 1
    assert PARAMS["per_page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 50}


@pytest.mark.parametrize("q", ["AND", "ph:", "宏达 OR"])
def test_operator_queries_answer_200(client, q):
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    jsonschema.validate(response.get_json(), response_schema("/api/search", "get", 200))
    assert response.headers["Access-Control-Allow-Origin"] == "*"
