"""A report without photos is one transaction: its rate-limit slot and the report commit
together (one fsync on SQLite), and the limit still counts exactly (docs/scale.md)."""

from __future__ import annotations

import io

from bs4 import BeautifulSoup
from sqlalchemy import event, func, select

from feedback.extensions import db
from feedback.models import RateHit, Report
from tests.feedback.conftest import BINYANG, png_bytes, report_data


def _commits(app):  # type: ignore[no-untyped-def]
    """A list that grows by one at each commit the app's engine makes."""
    seen: list[int] = []
    with app.app_context():
        event.listen(db.engine, "commit", lambda _conn: seen.append(1))
    return seen


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        hits = db.session.scalar(select(func.count(RateHit.id)).where(RateHit.key != "")) or 0
        reports = db.session.scalar(select(func.count(Report.id))) or 0
        return hits, reports


def _number(response) -> str:
    return BeautifulSoup(response.data, "html.parser").select_one(".tracking-number").text


def test_a_report_without_photos_commits_once_and_counts_one_slot(app, client):
    commits = _commits(app)
    response = client.post(f"/report/{BINYANG}", data=report_data())
    assert response.status_code == 200 and _number(response)
    assert len(commits) == 1
    assert _counts(app) == (1, 1)


def test_a_report_with_a_photo_commits_its_slot_first(app, client):
    commits = _commits(app)
    data = report_data()
    data["photos"] = (io.BytesIO(png_bytes()), "a.png")
    response = client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and _number(response)
    assert len(commits) == 3  # the slot before the store is used, the photo, the report
    assert _counts(app) == (1, 1)


def test_a_resend_and_a_refusal_leave_the_count_exact(make_app):
    app = make_app(RATE_LIMIT_REPORTS=2)
    client = app.test_client()
    first = report_data()
    assert client.post(f"/report/{BINYANG}", data=first).status_code == 200
    resent = client.post(f"/report/{BINYANG}", data=first)
    assert resent.status_code == 200 and _number(resent)
    assert _counts(app) == (1, 1)
    assert client.post(f"/report/{BINYANG}", data=report_data()).status_code == 200
    refused = client.post(f"/report/{BINYANG}", data=report_data())
    assert refused.status_code == 429
    page = BeautifulSoup(refused.data, "html.parser")
    assert "提交太频繁" in page.select_one(".error-summary").text
    assert _counts(app) == (2, 2)
