"""The same migrations and report flow on a real PostgreSQL server on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.feedback.conftest import BINYANG, report_data

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
pytestmark = pytest.mark.skipif(
    PG_BIN is None or shutil.which("runuser") is None or os.geteuid() != 0,
    reason="needs Debian's postgresql binaries and root to start a throwaway cluster",
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*args: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.fixture(scope="module")
def postgres_url():
    """A throwaway cluster listening on 127.0.0.1 only, with trust auth."""
    pytest.importorskip("psycopg")
    # Not under pytest's tmp folder: that one is private to root and postgres must enter it.
    root = Path(tempfile.mkdtemp(prefix="yimatong-pg-"))
    data = root / "data"
    os.chmod(root, 0o777)
    port = _port()
    _as_postgres(
        str(PG_BIN / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--encoding=UTF8",
        "--locale=C",
    )
    options = f"-h 127.0.0.1 -p {port} -k {root} -F"
    _as_postgres(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-w",
        "-l",
        str(root / "log"),
        "start",
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


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
