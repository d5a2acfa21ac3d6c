"""Parallel posts against a real threaded server: the limit holds, a double submit files once.

The same tests run on SQLite and on a throwaway PostgreSQL cluster (as in test_postgres.py).
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, text

from feedback.extensions import db
from feedback.migrate import upgrade
from feedback.models import Attachment, RateHit, Report
from tests.feedback import crafted
from tests.feedback.conftest import BINYANG, report_data
from tests.feedback.open311_helpers import LiveServer
from tests.feedback.test_postgres import postgres_url  # noqa: F401  (fixture)
from tests.pg import PG_BIN

PARALLEL = 30
LIMIT = 10


def _fresh_database(url: str) -> str:
    """A new empty database on the cluster; its URL."""
    name = f"race_{uuid.uuid4().hex[:12]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def server_app(request, make_app):
    """(live server, app) on SQLite or PostgreSQL, with the report limit of LIMIT."""
    overrides = {"RATE_LIMIT_REPORTS": LIMIT}
    if request.param == "postgresql":
        if PG_BIN is None:
            pytest.skip("needs Debian's postgresql binaries")
        overrides["DATABASE_URL"] = _fresh_database(request.getfixturevalue("postgres_url"))
    app = make_app(**overrides)
    if request.param == "postgresql":
        upgrade(app)
    server = LiveServer(app)
    yield server, app
    server.stop()


def _all_at_once(count: int, send) -> list[requests.Response]:  # type: ignore[no-untyped-def]
    """Run ``send()`` in ``count`` threads released together; their responses."""
    barrier = threading.Barrier(count)
    results: list[requests.Response | BaseException] = [None] * count  # type: ignore[list-item]

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = send()
        except BaseException as exc:  # noqa: BLE001  (reported below)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    return results  # type: ignore[return-value]


def _count(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def test_parallel_reports_never_pass_the_limit(server_app):
    server, app = server_app
    url = f"{server.url}/report/{BINYANG}"
    responses = _all_at_once(PARALLEL, lambda: requests.post(url, data=report_data(), timeout=60))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * LIMIT + [429] * (PARALLEL - LIMIT)
    assert _count(app, Report) == LIMIT
    assert _count(app, RateHit) == LIMIT
    refused = next(r for r in responses if r.status_code == 429)
    page = BeautifulSoup(refused.text, "html.parser")
    assert "提交太频繁" in page.select_one(".error-summary").text
    assert page.select_one("input[name=reporter_name]")["value"] == "张三"


def test_parallel_double_submit_without_photos_files_once_in_one_slot(server_app):
    # Without photos the slot and the report are one transaction, and the form's own look-up
    # is the only one before filing: the unique submission hash catches the parallel repeats.
    server, app = server_app
    url = f"{server.url}/report/{BINYANG}"
    data = report_data()
    responses = _all_at_once(8, lambda: requests.post(url, data=data, timeout=60))
    assert {r.status_code for r in responses} == {200}
    numbers = {
        BeautifulSoup(r.text, "html.parser").select_one(".tracking-number").text for r in responses
    }
    assert len(numbers) == 1
    assert _count(app, Report) == 1
    assert _count(app, RateHit) == 1


def test_parallel_double_submit_files_once_and_stores_each_photo_once(server_app):
    server, app = server_app
    url = f"{server.url}/report/{BINYANG}"
    data = report_data()
    photos = [crafted.plain("JPEG", (60, 40), shade=i) for i in range(2)]

    def send() -> requests.Response:
        files = [("photos", (f"p{i}.jpg", body, "image/jpeg")) for i, body in enumerate(photos)]
        return requests.post(url, data=data, files=files, timeout=60)

    responses = _all_at_once(8, send)
    assert {r.status_code for r in responses} == {200}
    numbers = {
        BeautifulSoup(r.text, "html.parser").select_one(".tracking-number").text for r in responses
    }
    assert len(numbers) == 1
    assert _count(app, Report) == 1
    assert _count(app, RateHit) == 1  # the repeats gave their slot back
    with app.app_context():
        rows = db.session.query(Attachment).all()
        assert sorted(a.filename for a in rows) == ["p0.jpg", "p1.jpg"]
        assert all(a.report_id is not None for a in rows)
    stored = [p for p in (Path(app.instance_path) / "uploads").rglob("*") if p.is_file()]
    assert len(stored) == 4  # two photos, each an original and a stripped copy


def test_parallel_open311_posts_never_pass_the_key_limit(server_app):
    from feedback.open311.keys import create_key

    server, app = server_app
    with app.app_context():
        _, plain = create_key("12345 平台", rate_limit=5)
        db.session.commit()
    form = {
        "api_key": plain,
        "service_code": "wastewater",
        "description": "排污口流出黑色污水。",
        "address_id": BINYANG,
    }
    url = f"{server.url}/open311/v2/requests.json"
    responses = _all_at_once(15, lambda: requests.post(url, data=form, timeout=60))
    assert sorted(r.status_code for r in responses) == [200] * 5 + [429] * 10
    assert _count(app, Report) == 5


def test_parallel_failed_forms_never_keep_more_than_the_draft_cap(make_app):
    app = make_app(DRAFT_MAX_MB=1)
    server = LiveServer(app)
    url = f"{server.url}/report/{BINYANG}"

    def send() -> requests.Response:
        photo = crafted.noise("PNG", (300, 300))  # about 270 kB, a new one for each form
        files = [("photos", ("p.png", photo, "image/png"))]
        return requests.post(url, data=report_data(agree=None), files=files, timeout=60)

    try:
        responses = _all_at_once(8, send)
    finally:
        server.stop()
    assert {r.status_code for r in responses} == {422}
    with app.app_context():
        kept = db.session.query(Attachment).all()
        assert len(kept) <= 3 and sum(a.size for a in kept) <= 1_000_000
    refused = [r for r in responses if "您暂存的照片已超过 1 MB" in r.text]
    assert len(refused) == 8 - len(kept)
    stored = [p for p in (Path(app.instance_path) / "uploads").rglob("*") if p.is_file()]
    assert len(stored) == 2 * len(kept)
