"""The object store down: the form comes back with everything typed, nothing half-filed.

A real S3 client against moto's server over HTTP, stopped mid-test, and an endpoint on
loopback where nothing listens (connection refused).
"""

from __future__ import annotations

import io
import socket

import boto3
import pytest
from bs4 import BeautifulSoup
from moto.server import ThreadedMotoServer

from feedback.extensions import db
from feedback.models import Account, Attachment, RateHit, Report
from tests.feedback import crafted
from tests.feedback.conftest import ACCOUNTS, BINYANG, report_data

STORE_DOWN = "照片暂时无法保存（文件存储出了故障）"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _s3(endpoint: str, bucket: str = "photos") -> dict:
    return {
        "STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
        "S3_TIMEOUT": 3,
    }


@pytest.fixture
def moto_endpoint():
    """A moto S3 server on loopback with a bucket; yields (endpoint, server)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port())
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket="photos")
    stopped = []
    yield endpoint, lambda: stopped.append(server.stop())
    if not stopped:
        server.stop()


@pytest.fixture
def refused_endpoint() -> str:
    """An address on loopback where nothing listens."""
    return f"http://127.0.0.1:{_free_port()}"


def _post(client, data: dict, *photos: tuple[bytes, str]):
    body = dict(data)
    body["photos"] = [(io.BytesIO(b), name) for b, name in photos]
    return client.post(f"/report/{BINYANG}", data=body, content_type="multipart/form-data")


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.query(Report).count(),
            db.session.query(Attachment).count(),
            db.session.query(RateHit).count(),
        )


def _kept_everything(page: BeautifulSoup, data: dict) -> None:
    assert page.select_one("textarea[name=description]").text.strip() == data["description"]
    assert page.select_one("input[name=reporter_name]")["value"] == data["reporter_name"]
    assert page.select_one("input[name=reporter_phone]")["value"] == data["reporter_phone"]
    assert page.select_one("input[name=seen_time]")["value"] == data["seen_time"]
    assert page.select_one("input[name=submission_key]")["value"] == data["submission_key"]


def test_refused_connection_answers_the_form_again(make_app, refused_endpoint):
    app = make_app(RATE_LIMIT_REPORTS=1, **_s3(refused_endpoint))
    client = app.test_client()
    data = report_data(description="夜里两点排放口冒出黄色浓烟，刺鼻，持续半小时。")
    response = _post(client, data, (crafted.plain("JPEG", (40, 30)), "smoke.jpg"))
    assert response.status_code == 503
    page = BeautifulSoup(response.data, "html.parser")
    assert STORE_DOWN in page.select_one(".field-error .error-message").text
    assert "也可以不带照片先提交" in page.text
    _kept_everything(page, data)
    assert _counts(app) == (0, 0, 0)  # no report, no row, the rate-limit slot given back
    # The citizen chooses to file without the photo: it goes through (the slot was returned).
    response = client.post(f"/report/{BINYANG}", data=data)
    assert response.status_code == 200 and "举报已提交" in response.get_data(as_text=True)


def test_store_stopped_mid_form_keeps_drafts_and_text(make_app, moto_endpoint):
    endpoint, stop = moto_endpoint
    app = make_app(**_s3(endpoint))
    client = app.test_client()
    data = report_data()
    first = _post(client, {**data, "agree": ""}, (crafted.plain("PNG", (20, 20)), "kept.png"))
    assert first.status_code == 422
    draft_src = BeautifulSoup(first.data, "html.parser").select_one(".photos img")["src"]
    assert client.get(draft_src).status_code == 200
    stop()
    response = _post(client, data, (crafted.plain("PNG", (20, 20), shade=9), "new.png"))
    assert response.status_code == 503
    page = BeautifulSoup(response.data, "html.parser")
    _kept_everything(page, data)
    assert len(page.select(".photos img")) == 1  # the photo kept before the outage is still there
    assert _counts(app)[:2] == (0, 1)
    shown = client.get(draft_src)
    assert shown.status_code == 503 and "文件存储暂时不可用" in shown.get_data(as_text=True)
    # Filing without the new photo needs no store: the kept photo joins the report.
    response = client.post(f"/report/{BINYANG}", data=data)
    assert response.status_code == 200
    with app.app_context():
        assert [a.filename for a in db.session.query(Report).one().attachments] == ["kept.png"]


def test_failed_form_while_store_down_says_photos_were_not_kept(make_app, refused_endpoint):
    app = make_app(**_s3(refused_endpoint))
    client = app.test_client()
    data = report_data(agree=None)
    response = _post(client, data, (crafted.plain("PNG", (20, 20)), "p.png"))
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert STORE_DOWN in page.text and "隐私说明" in page.text
    _kept_everything(page, data)
    assert _counts(app) == (0, 0, 0)


def test_private_photo_while_store_down_is_503(make_app, moto_endpoint):
    endpoint, stop = moto_endpoint
    app = make_app(**_s3(endpoint))
    client = app.test_client()
    page = BeautifulSoup(
        _post(client, report_data(), (crafted.plain("JPEG", (40, 30)), "a.jpg")).data,
        "html.parser",
    )
    link = page.select_one(".private-link a")["href"]
    photo = BeautifulSoup(client.get(link).data, "html.parser").select_one(".photos img")["src"]
    stop()
    response = client.get(photo)
    assert response.status_code == 503 and "文件存储暂时不可用" in response.get_data(as_text=True)


def test_enterprise_evidence_while_store_down_keeps_the_text(
    make_app, refused_endpoint, password_hash
):
    from tests.feedback.conftest import PASSWORD
    from tests.feedback.test_enterprise_and_followup import _to_rectification

    app = make_app(**_s3(refused_endpoint))
    with app.app_context():
        for login, role, extra in ACCOUNTS:
            db.session.add(Account(login=login, password_hash=password_hash, role=role, **extra))
        db.session.commit()
    client = app.test_client()
    from tests.feedback.conftest import AuthActions

    officer = AuthActions(client)
    number = _file_without_photos(client)
    _to_rectification(client, officer, app, number)
    officer.login("hongda", PASSWORD, kind="enterprise")
    text = "已清理排水沟，安装了在线监测设备，附现场照片。"
    response = client.post(
        f"/enterprise/case/{number}",
        data={"text": text, "files": (io.BytesIO(crafted.plain("JPEG", (40, 30))), "site.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 503
    page = BeautifulSoup(response.data, "html.parser")
    assert "附件暂时无法保存" in page.text
    assert page.select_one("textarea[name=text]").text.strip() == text
    with app.app_context():
        assert db.session.query(Attachment).count() == 0


def _file_without_photos(client) -> str:
    page = BeautifulSoup(client.post(f"/report/{BINYANG}", data=report_data()).data, "html.parser")
    return page.select_one(".tracking-number").text


def test_removing_a_kept_photo_while_store_down_keeps_it_and_says_so(make_app, moto_endpoint):
    endpoint, stop = moto_endpoint
    app = make_app(**_s3(endpoint))
    client = app.test_client()
    data = report_data()
    _post(client, {**data, "agree": ""}, (crafted.plain("PNG", (20, 20)), "mine.png"))
    with app.app_context():
        draft_id = db.session.query(Attachment).one().id
    stop()
    response = client.post(f"/report/{BINYANG}", data={**data, "remove_photo": str(draft_id)})
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert "照片“mine.png”暂时无法移除" in page.text
    _kept_everything(page, data)
    assert _counts(app)[:2] == (0, 1)


def test_cleaning_while_store_down_never_fails_a_report(make_app, refused_endpoint):
    import datetime as dt

    from feedback.models import utcnow

    app = make_app(DRAFT_MAX_HOURS=1, **_s3(refused_endpoint))
    with app.app_context():
        old = utcnow() - dt.timedelta(hours=5)
        db.session.add(
            Attachment(
                draft_token="a" * 32,
                original_key="original/old.png",
                public_key="public/old.png",
                content_type="image/png",
                size=10,
                created_at=old,
            )
        )
        db.session.commit()
    client = app.test_client()
    assert client.post(f"/report/{BINYANG}", data=report_data()).status_code == 200
    assert app.extensions["yimatong_drafts"]["paused_until"] > 0  # cleaning waits a while
    assert client.post(f"/report/{BINYANG}", data=report_data()).status_code == 200
    assert _counts(app)[:2] == (2, 1)  # both filed; the old draft waits for the store
