"""Fixtures for the feedback service: app on a fresh migrated SQLite, accounts, factories."""

from __future__ import annotations

import io
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.security import generate_password_hash

from feedback.app import create_app
from feedback.cases import NewReport, create_report
from feedback.config import TEST_CONFIG
from feedback.extensions import db
from feedback.migrate import upgrade
from feedback.models import Account, Report
from generator import clock
from generator.content.readers import load_site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"
#: Fixture units: Binyang (nn-binyang, under nn), Liucheng (lz-liucheng), Yuzhou, Quanzhou.
BINYANG = "91450126MA5L3K2R5Q001P"
LIUCHENG = "91450222MA5N7P3C8N001P"
PASSWORD = "correct-horse-1"


@pytest.fixture(scope="session")
def fixture_site():
    """The fixture content, loaded once."""
    return load_site(FIXTURES)


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory, fixture_directory) -> Path:
    """A SQLite file brought to head by the Alembic migrations, copied by each test."""
    folder = tmp_path_factory.mktemp("migrated")
    app = create_app({**TEST_CONFIG, "DIRECTORY_FILE": fixture_directory, "INSTANCE_PATH": folder})
    upgrade(app)
    _dispose(app)
    return folder / "feedback.sqlite3"


@pytest.fixture
def make_app(tmp_path, fixture_directory, migrated_db):
    """Factory of apps on a fresh migrated SQLite in tmp_path; engines disposed at the end."""
    apps: list[Flask] = []

    def make(**overrides) -> Flask:
        instance = tmp_path / f"instance{len(apps)}"
        instance.mkdir()
        shutil.copyfile(migrated_db, instance / "feedback.sqlite3")
        config = {
            **TEST_CONFIG,
            "DIRECTORY_FILE": fixture_directory,
            "INSTANCE_PATH": instance,
            # Never the checkout's build: a test that searches names its own index.
            "SEARCH_INDEX_DIR": str(instance / "search-index"),
            "FEEDBACK_URL": "http://feedback.test",
            "BASE_URL": "https://site.test",
            **overrides,
        }
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        _dispose(app)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD hashed once (scrypt is slow on purpose)."""
    return generate_password_hash(PASSWORD)


@pytest.fixture
def app(make_app, password_hash) -> Flask:
    """The feedback app with test settings and the fixture accounts."""
    app = make_app()
    with app.app_context():
        for login, role, extra in ACCOUNTS:
            db.session.add(Account(login=login, password_hash=password_hash, role=role, **extra))
        db.session.commit()
    return app


ACCOUNTS = [
    ("binyang", "officer", {"body_id": "nn-binyang", "name": "宾阳执法员"}),
    ("binyang-boss", "supervisor", {"body_id": "nn-binyang", "name": "宾阳科长"}),
    ("nanning", "officer", {"body_id": "nn", "name": "南宁市局执法员"}),
    ("liucheng", "officer", {"body_id": "lz-liucheng", "name": "柳城执法员"}),
    ("hongda", "enterprise", {"unit_code": BINYANG, "name": "宏达糖业"}),
    ("yongfeng", "enterprise", {"unit_code": LIUCHENG, "name": "永丰纸业"}),
]


@pytest.fixture
def client(app) -> FlaskClient:
    """A test client."""
    return app.test_client()


@dataclass
class AuthActions:
    """Log in and out as an officer or an enterprise."""

    client: FlaskClient

    def login(self, login: str = "binyang", password: str = PASSWORD, kind: str = "officer"):
        """Post the login form."""
        return self.client.post(f"/{kind}/login", data={"login": login, "password": password})

    def logout(self, kind: str = "officer"):
        """Post the logout form."""
        return self.client.post(f"/{kind}/logout")


@pytest.fixture
def officer(client) -> AuthActions:
    """officer.login('binyang') style helper."""
    return AuthActions(client)


def report_data(**overrides) -> dict:
    """A valid report form post."""
    data = {
        "submission_key": uuid.uuid4().hex,
        "draft_token": uuid.uuid4().hex,
        "category": "废水",
        "description": "排放口流出黑色污水，有刺鼻气味，持续约一小时。",
        "seen_on": clock.china_today().isoformat(),
        "seen_time": "晚上 8 点",
        "place": "东侧围墙外排水沟",
        "reporter_name": "张三",
        "reporter_phone": "13800000000",
        "reporter_email": "zhang@example.com",
        "agree": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def make_report(app):
    """Factory: file a report through the service layer; returns (tracking number, token)."""

    def make(unit: str | None = BINYANG, **kw) -> tuple[str, str]:
        new = NewReport(
            category=kw.pop("category", "废水"),
            description=kw.pop("description", "夜间偷排黑色污水，气味刺鼻。"),
            seen_on=kw.pop("seen_on", clock.china_today()),
            submission_key=uuid.uuid4().hex,
            unit_code=unit,
            county_code=kw.pop("county_code", ""),
            place=kw.pop("place", "厂区东侧"),
            reporter_name=kw.pop("reporter_name", "李四"),
            reporter_phone=kw.pop("reporter_phone", "13900000000"),
            reporter_email=kw.pop("reporter_email", ""),
            photos=kw.pop("photos", []),
        )
        with app.app_context():
            filed = create_report(new, app.extensions["yimatong_directory"])
            report = filed.report
            for key, value in kw.items():
                setattr(report, key, value)
            db.session.commit()
            return report.tracking_number, filed.token

    return make


def get_report(app: Flask, number: str) -> Report:
    """The report row (detached copy of its fields) for assertions."""
    with app.app_context():
        report = db.session.query(Report).filter_by(tracking_number=number).one()
        db.session.expunge(report)
        return report


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying GPS coordinates in its EXIF."""
    image = Image.new("RGB", (64, 48), (120, 60, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (22.0, 48.0, 30.0)
    gps[3] = "E"
    gps[4] = (108.0, 22.0, 10.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    """A small PNG."""
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def live(app):
    """The app served on loopback, for tests with a real HTTP client."""
    from tests.feedback.open311_helpers import LiveServer

    server = LiveServer(app)
    yield server
    server.stop()
