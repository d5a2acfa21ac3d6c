"""Open311 lists, updates after officer actions, privacy, keys and rate limits over real HTTP."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import requests
from click.testing import CliRunner
from openapi_spec_validator import validate
from sqlalchemy import select

from feedback import actions
from feedback.extensions import db
from feedback.models import Account, Report
from feedback.open311.keys import create_key, revoke_key
from generator import clock
from tests.feedback.conftest import BINYANG, LIUCHENG
from tests.feedback.open311_helpers import PERSONAL, REQS, V2, check_openapi

UPDATES = "/open311/v2/servicerequestupdates.{format}"


def new_key(app, rate_limit: int | None = None) -> str:
    """A plain API key."""
    with app.app_context():
        _, plain = create_key("测试客户端", rate_limit)
        db.session.commit()
    return plain


def listing(live, fmt: str = "json", **params: str) -> requests.Response:
    """GET requests."""
    return requests.get(f"{live.url}{V2}/requests.{fmt}", params=params, timeout=10)


def numbers(response: requests.Response) -> list[str]:
    """Tracking numbers of a valid JSON listing."""
    return [r["service_request_id"] for r in check_openapi(REQS, "get", response)]


def age(app, number: str, days: int) -> None:
    """Move a report's receipt back in time."""
    with app.app_context():
        report = db.session.scalar(select(Report).filter_by(tracking_number=number))
        report.received_at -= dt.timedelta(days=days)
        db.session.commit()


def test_filters_window_and_status(app, live, make_report):
    fresh, _ = make_report(BINYANG, category="废气")
    old, _ = make_report(LIUCHENG)
    age(app, old, 120)
    closed, _ = make_report(BINYANG, state="closed")
    assert numbers(listing(live)) == [closed, fresh]
    assert numbers(listing(live, service_code="waste_gas")) == [fresh]
    assert numbers(listing(live, status="closed")) == [closed]
    assert numbers(listing(live, status="open,closed")) == [closed, fresh]
    # start_date alone covers the 90 days from it: 200 to 110 days ago
    assert numbers(
        listing(
            live,
            start_date=(clock.china_today() - dt.timedelta(days=200)).isoformat(),
            status="open",
        )
    ) == [old]
    assert numbers(listing(live, end_date="2020-01-01T00:00:00+08:00")) == []
    assert numbers(listing(live, service_request_id=f"{old},{fresh}", status="closed")) == [
        fresh,
        old,
    ]
    for bad in (
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"service_code": "x"},
        {"start_date": "2026-02-01", "end_date": "2026-01-01"},
    ):
        response = listing(live, **bad)
        assert (
            response.status_code == 400 and check_openapi(REQS, "get", response)[0]["code"] == 400
        )


def test_cap(app, live, make_report):
    assert app.config.get("OPEN311_MAX_RESULTS", 1000) == 1000
    app.config["OPEN311_MAX_RESULTS"] = 3
    made = [make_report(BINYANG)[0] for _ in range(5)]
    assert numbers(listing(live)) == made[::-1][:3]


def test_xml_listing_shape(live, make_report):
    number, _ = make_report(BINYANG)
    root = ET.fromstring(listing(live, "xml").content)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert request.findtext("service_request_id") == number
    assert request.findtext("requested_datetime").endswith("+08:00")


def test_updates_after_officer_actions(app, live, make_report):
    number, _ = make_report(BINYANG)
    with app.app_context():
        officer = db.session.scalar(select(Account).filter_by(login="binyang"))
        report = db.session.scalar(select(Report).filter_by(tracking_number=number))
        actions.accept(report, officer, "已受理，将派员核查。")
        db.session.commit()
    body = check_openapi(
        UPDATES, "get", requests.get(f"{live.url}{V2}/servicerequestupdates.json", timeout=10)
    )
    assert [(u["status_notes"], u["description"]) for u in body] == [
        ("已收到", "举报已收到。"),
        ("已受理", "已受理，将派员核查。"),
    ]
    root = ET.fromstring(
        requests.get(f"{live.url}{V2}/servicerequestupdates.xml", timeout=10).content
    )
    assert root.tag == "service_request_updates" and len(root.findall("request_update")) == 2
    [row] = check_openapi(REQS, "get", listing(live))
    assert row["status"] == "open" and row["status_notes"] == "已受理"


def test_not_accepted_is_closed_with_reason(app, live, make_report):
    number, _ = make_report(BINYANG)
    with app.app_context():
        officer = db.session.scalar(select(Account).filter_by(login="binyang"))
        report = db.session.scalar(select(Report).filter_by(tracking_number=number))
        actions.not_accept(report, officer, "不属于生态环境部门职责。")
        db.session.commit()
    [row] = check_openapi(REQS, "get", listing(live))
    assert row["status"] == "closed"
    assert row["status_notes"] == "不予受理：不属于生态环境部门职责。"


def test_no_personal_data_in_any_response(app, live):
    key = new_key(app)
    name, phone, email, text = PERSONAL
    posted = requests.post(
        f"{live.url}{V2}/requests.xml",
        timeout=10,
        data={
            "api_key": key,
            "service_code": "odour",
            "description": f"臭味很大。{text}",
            "first_name": name,
            "phone": phone,
            "email": email,
            "address_id": BINYANG,
            "attribute[seen_time]": text,
        },
    )
    number = ET.fromstring(posted.content).findtext("request/service_request_id")
    token = ET.fromstring(posted.content).findtext("request/token")
    bodies = [posted.text]
    for fmt in ("xml", "json"):
        for path in (
            f"requests.{fmt}",
            f"requests/{number}.{fmt}",
            f"tokens/{token}.{fmt}",
            f"servicerequestupdates.{fmt}",
        ):
            bodies.append(requests.get(f"{live.url}{V2}/{path}", timeout=10).text)
    with app.app_context():
        assert db.session.scalar(select(Report)).reporter_phone == phone
    for body in bodies:
        for secret in PERSONAL:
            assert secret not in body


def test_rate_limit_per_key_and_revocation(app, live):
    slow, other = new_key(app, rate_limit=2), new_key(app)
    data = {"service_code": "noise", "description": "噪声。", "address_id": LIUCHENG}
    codes = [
        requests.post(
            f"{live.url}{V2}/requests.json", data={**data, "api_key": slow}, timeout=10
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    response = requests.post(
        f"{live.url}{V2}/requests.json", data={**data, "api_key": other}, timeout=10
    )
    assert response.status_code == 200
    with app.app_context():
        revoke_key(2)
        db.session.commit()
    response = requests.post(
        f"{live.url}{V2}/requests.json", data={**data, "api_key": other}, timeout=10
    )
    assert response.status_code == 403


def test_key_commands(app, monkeypatch, fixture_directory):
    from feedback import cli_open311 as cli

    monkeypatch.setenv("YIMATONG_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("YIMATONG_DIRECTORY_FILE", fixture_directory)
    monkeypatch.setenv("YIMATONG_SECRET_KEY", "test-secret")
    runner = CliRunner()
    created = runner.invoke(cli.open311_group, ["create-key", "12369 平台", "--rate-limit", "50"])
    assert created.exit_code == 0, created.output
    plain = created.output.strip().splitlines()[-1]
    assert plain.startswith("y311_")
    listed = runner.invoke(cli.open311_group, ["list-keys"])
    assert (
        "12369 平台" in listed.output and plain not in listed.output and "50/小时" in listed.output
    )
    revoked = runner.invoke(cli.open311_group, ["revoke-key", "1", "--reason", "合同到期"])
    assert revoked.exit_code == 0 and "已吊销" in revoked.output
    assert runner.invoke(cli.open311_group, ["revoke-key", "9", "--reason", "x"]).exit_code == 1


def test_openapi_document_is_served_and_valid(live):
    response = requests.get(f"{live.url}/api/openapi.json", timeout=10)
    document = check_openapi("/api/openapi.json", "get", response)
    validate(document)
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": live.url}]
    assert "/api/search" in document["paths"]
