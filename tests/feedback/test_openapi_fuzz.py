"""Schemathesis against the live service: every request the document allows is accepted.

Each operation of feedback/open311/openapi.json gets a bounded number of generated requests over real HTTP
on loopback; each response must be no server error, have a documented status and content
type, match its schema, and (since the request was valid by the document) not be a 400.
Three rules span several fields and cannot be written in JSON Schema; they are stated in the
document's descriptions and applied here before a request is sent: the 90-day window, a
place that is a published unit, and a sighting not later than today.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
import schemathesis
from email_validator import SPECIAL_USE_DOMAIN_NAMES
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks as openapi_checks
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.models import Report
from feedback.open311.keys import create_key
from generator import clock
from generator.search.index import build_index
from generator.search.opened import OPEN_INDEXES
from tests.feedback.conftest import BINYANG
from tests.feedback.open311_helpers import OPENAPI, LiveServer

#: Generated requests per operation: enough to walk every enum and boundary, quick on 2 cores
#: (about 30 s for the whole document); FUZZ_EXAMPLES=500 scripts/test -k fuzz for a long run.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.positive_data_acceptance,
]


@pytest.fixture(scope="module")
def index_dir(fixture_site, tmp_path_factory):
    """A search index of the fixture content, closed at the end."""
    folder = build_index(fixture_site, tmp_path_factory.mktemp("fuzz") / "search-index")
    yield folder
    OPEN_INDEXES.close(folder)


@pytest.fixture
def fuzzed(make_app, index_dir):
    """The service on loopback with a search index and a key that is never rate limited."""
    app = make_app(SEARCH_INDEX_DIR=str(index_dir), OPEN311_RATE_LIMIT=1_000_000)
    with app.app_context():
        _, key = create_key("schemathesis")
        db.session.commit()
    server = LiveServer(app)
    yield app, server, key
    server.stop()


def _moment(raw: Any) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _gap(start: dt.datetime, end: dt.datetime) -> dt.timedelta | None:
    try:
        return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    except OverflowError:
        return None


def within_window(query: dict[str, Any]) -> dict[str, Any]:
    """Drop end_date when it is before start_date or more than 90 days after it."""
    start, end = _moment(query.get("start_date")), _moment(query.get("end_date"))
    if start and end:
        gap = _gap(start, end)
        if gap is None or not dt.timedelta(0) <= gap <= dt.timedelta(days=90):
            query.pop("end_date")
    return query


def placed_today(body: dict[str, Any], key: str) -> dict[str, Any]:
    """The real key, a published unit as the place, and no sighting after today."""
    body = {**body, "api_key": key, "address_id": BINYANG}
    seen = _moment(body.get("attribute[seen_on]"))
    if seen is None or seen.date() >= clock.china_today() - dt.timedelta(days=1):
        body.pop("attribute[seen_on]", None)
    return body


def _schema(url: str, key: str) -> Any:
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    schema.config.update(base_url=url)

    @schema.hook("map_query")
    def _window(context, query):  # type: ignore[no-untyped-def]
        return within_window(dict(query)) if query else query

    @schema.hook("map_body")
    def _place(context, body):  # type: ignore[no-untyped-def]
        return placed_today(body, key) if isinstance(body, dict) else body

    return schema


@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for p, item in OPENAPI["paths"].items() for m in item]
)
def test_every_documented_request_is_accepted(fuzzed, method, path):
    app, server, key = fuzzed
    operation = _schema(server.url, key)[path][method.upper()]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):  # type: ignore[no-untyped-def]
        case.call_and_validate(checks=CHECKS, timeout=10)

    run()
    if method == "post":  # the generated reports were filed, not refused
        with app.app_context():
            assert db.session.scalar(select(func.count(Report.id))) > EXAMPLES // 2


def test_the_documented_email_pattern_refuses_every_reserved_domain():
    """The document's pattern keeps up with the names email-validator refuses (RFC 6761)."""
    email = OPENAPI["components"]["schemas"]["NewRequest"]["properties"]["email"]
    pattern = re.compile(email["pattern"])
    for name in SPECIAL_USE_DOMAIN_NAMES:
        assert not pattern.search(f"a@b.{name}") and not pattern.search(f"a@B.{name.upper()}.")
    assert pattern.search("a@b.example.cn") and pattern.search("a@testing.cn")
