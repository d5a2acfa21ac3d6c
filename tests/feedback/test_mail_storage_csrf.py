"""Real components: SMTP on loopback (aiosmtpd), S3 over HTTP (moto server), CSRF on."""

from __future__ import annotations

import io
import socket
import time

import boto3
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from bs4 import BeautifulSoup
from moto.server import ThreadedMotoServer

from feedback.extensions import db
from feedback.mail import flush_in_background, send_pending
from feedback.models import OutboxMail
from feedback.storage import S3Storage
from tests.feedback.conftest import BINYANG, jpeg_with_gps, report_data


class Inbox(Message):
    """Collects delivered messages."""

    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    """An SMTP server on loopback."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _mail_app(make_app, port: int, **kw):
    return make_app(MAIL_ENABLED=True, SMTP_HOST="127.0.0.1", SMTP_PORT=port, **kw)


def test_report_mail_goes_through_outbox(make_app, smtp):
    controller, inbox = smtp
    app = _mail_app(make_app, controller.port)
    client = app.test_client()
    client.post(f"/report/{BINYANG}", data=report_data(email_link="y"))
    with app.app_context():
        assert db.session.query(OutboxMail).count() == 2  # body and reporter
        assert send_pending() == (2, 0)
        assert send_pending() == (0, 0)
    recipients = sorted(m["To"] for m in inbox.messages)
    assert recipients == ["nn-binyang@hb.example.gov.cn", "zhang@example.com"]
    reporter = next(m for m in inbox.messages if m["To"] == "zhang@example.com")
    assert "/r/" in reporter.get_payload(decode=True).decode()


def test_failed_send_is_kept_and_retried(make_app, smtp):
    controller, inbox = smtp
    app = _mail_app(make_app, _free_port())  # nobody listens there
    client = app.test_client()
    client.post(f"/report/{BINYANG}", data=report_data())
    with app.app_context():
        assert send_pending() == (0, 2)
        mail = db.session.query(OutboxMail).first()
        assert mail.attempts == 1 and mail.sent_at is None and mail.last_error
        db.session.query(OutboxMail).update({"next_try_at": mail.created_at})
        db.session.commit()
        app.config["SMTP_PORT"] = controller.port
        assert send_pending() == (2, 0)
    assert len(inbox.messages) == 2


def test_background_send_after_request(make_app, smtp):
    controller, inbox = smtp
    app = _mail_app(make_app, controller.port, MAIL_BACKGROUND=True)
    app.test_client().post(f"/report/{BINYANG}", data=report_data())
    deadline = time.monotonic() + 10
    while len(inbox.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) == 2


def test_state_change_mails_reporter(make_app, smtp, password_hash):
    from feedback.models import Account
    from tests.feedback.test_officer import act

    controller, inbox = smtp
    app = _mail_app(make_app, controller.port)
    with app.app_context():
        db.session.add(
            Account(login="o", password_hash=password_hash, role="officer", body_id="nn-binyang")
        )
        db.session.commit()
    client = app.test_client()
    page = BeautifulSoup(client.post(f"/report/{BINYANG}", data=report_data()).data, "html.parser")
    number = page.select_one(".tracking-number").text
    client.post("/officer/login", data={"login": "o", "password": "correct-horse-1"})
    act(client, number, "accept", text="已受理，将派员核查")
    with app.app_context():
        send_pending()
    bodies = [
        m.get_payload(decode=True).decode()
        for m in inbox.messages
        if m["To"] == "zhang@example.com"
    ]
    assert any("已受理，将派员核查" in b for b in bodies)


def test_mail_off_by_default(app, client):
    client.post(f"/report/{BINYANG}", data=report_data())
    assert app.config["MAIL_ENABLED"] is False
    with app.app_context():
        assert db.session.query(OutboxMail).filter(OutboxMail.sent_at.is_not(None)).count() == 0
    assert flush_in_background  # the thread is started only when mail is enabled


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto in server mode on loopback."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port())
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _s3_config(endpoint: str, bucket: str) -> dict:
    return {
        "STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }


def test_s3_storage_round_trip(s3_endpoint):
    storage = S3Storage.from_config(_s3_config(s3_endpoint, "round-trip"))
    storage.client.create_bucket(Bucket="round-trip")
    storage.put("a/b.txt", b"hello", "text/plain")
    assert storage.get("a/b.txt") == b"hello"
    with pytest.raises(KeyError):
        storage.get("missing")


def test_report_photos_stored_in_s3(make_app, s3_endpoint, password_hash):
    config = _s3_config(s3_endpoint, "photos")
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="photos")
    app = make_app(**config)
    client = app.test_client()
    data = report_data()
    data["photos"] = (io.BytesIO(jpeg_with_gps()), "gps.jpg")
    page = BeautifulSoup(
        client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data").data,
        "html.parser",
    )
    link = page.select_one(".private-link a")["href"]
    photo = BeautifulSoup(client.get(link).data, "html.parser").select_one(".photos img")["src"]
    assert client.get(photo).data[:2] == b"\xff\xd8"
    keys = [
        o["Key"]
        for o in app.extensions["yimatong_storage"].client.list_objects_v2(Bucket="photos")[
            "Contents"
        ]
    ]
    assert any(k.startswith("original/") for k in keys) and any(
        k.startswith("public/") for k in keys
    )


def test_csrf_enforced(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post(f"/report/{BINYANG}", data=report_data())
    assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    page = BeautifulSoup(client.get(f"/report/{BINYANG}").data, "html.parser")
    token = page.select_one("input[name=csrf_token]")["value"]
    response = client.post(f"/report/{BINYANG}", data=report_data(csrf_token=token))
    assert response.status_code == 200 and "举报已提交" in response.get_data(as_text=True)
    assert client.post("/officer/login", data={"login": "x", "password": "y"}).status_code == 400
