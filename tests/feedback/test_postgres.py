"""The same migrations and report flow on a real PostgreSQL server on loopback."""

from __future__ import annotations

import uuid

import pytest

from tests.feedback.conftest import BINYANG, report_data
from tests.pg import UNAVAILABLE, throwaway_postgres

pytestmark = pytest.mark.skipif(bool(UNAVAILABLE), reason=UNAVAILABLE)


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway cluster listening on 127.0.0.1 only, with trust auth."""
    pytest.importorskip("psycopg")
    with throwaway_postgres() as url:
        yield url


def test_migrations_and_report_on_postgres(postgres_url, tmp_path, fixture_directory):
    from bs4 import BeautifulSoup

    from feedback.app import create_app
    from feedback.config import TEST_CONFIG
    from feedback.extensions import db
    from feedback.migrate import upgrade
    from feedback.models import Report

    app = create_app(
        {
            **TEST_CONFIG,
            "DIRECTORY_FILE": fixture_directory,
            "INSTANCE_PATH": tmp_path,
            "DATABASE_URL": postgres_url,
        }
    )
    upgrade(app)
    upgrade(app)  # idempotent
    try:
        client = app.test_client()
        data = report_data(submission_key=uuid.uuid4().hex)
        page = BeautifulSoup(client.post(f"/report/{BINYANG}", data=data).data, "html.parser")
        number = page.select_one(".tracking-number").text
        client.post(f"/report/{BINYANG}", data=data)
        with app.app_context():
            assert db.session.query(Report).filter_by(tracking_number=number).count() == 1
            assert db.session.query(Report).count() == 1
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_nul_in_a_report_and_a_photo_name_is_dropped_not_a_500(
    postgres_url, tmp_path, fixture_directory
):
    """PostgreSQL refuses NUL in text: the citizen's report must not be lost for one."""
    import io

    from feedback.app import create_app
    from feedback.config import TEST_CONFIG
    from feedback.extensions import db
    from feedback.migrate import upgrade
    from feedback.models import Attachment, Report
    from tests.feedback.conftest import png_bytes

    app = create_app(
        {
            **TEST_CONFIG,
            "DIRECTORY_FILE": fixture_directory,
            "INSTANCE_PATH": tmp_path,
            "DATABASE_URL": postgres_url,
        }
    )
    upgrade(app)
    try:
        data = report_data(description="排放口\x00流出黑色污水，很臭", reporter_name="王\x00五")
        data["photos"] = (io.BytesIO(png_bytes()), "照\x00片.png")
        response = app.test_client().post(
            f"/report/{BINYANG}", data=data, content_type="multipart/form-data"
        )
        assert response.status_code == 200
        with app.app_context():
            report = db.session.query(Report).filter_by(reporter_name="王五").one()
            assert report.description == "排放口流出黑色污水，很臭"
            assert db.session.query(Attachment).filter_by(report_id=report.id).one().filename == (
                "照片.png"
            )
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
