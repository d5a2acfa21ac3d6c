"""Uploads are served as sandboxed downloads; only images Pillow re-encoded show inline."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from feedback.extensions import db
from feedback.models import Attachment
from tests.feedback.conftest import BINYANG, jpeg_with_gps, report_data
from tests.feedback.test_enterprise_and_followup import _to_rectification

PDF = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF"
NASTY_NAME = '张三 13800000000"\r\nX-Evil: 1;.jpg'


def _assert_sandboxed(response, disposition: str, kind: str) -> None:
    headers = response.headers
    assert response.status_code == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"].split(";")[0]
    value = headers["Content-Disposition"]
    assert value.split(";")[0] == disposition
    assert f'filename="{kind}-' in value and value.isascii()
    assert "13800000000" not in value and "X-Evil" not in str(headers)
    assert headers["Cache-Control"] == "private, no-store"


def _file_photo(client) -> tuple[str, str, int]:
    data = report_data()
    data["photos"] = (io.BytesIO(jpeg_with_gps()), NASTY_NAME)
    response = client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    page = BeautifulSoup(response.data, "html.parser")
    link = page.select_one(".private-link a")["href"]
    photo = BeautifulSoup(client.get(link).data, "html.parser").select_one(".photos img")["src"]
    return page.select_one(".tracking-number").text, photo, int(photo.rsplit("/", 1)[1])


def _reencoded(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    return not image.getexif() and image.format == "JPEG"


def test_reporter_and_enterprise_photos_inline_only_reencoded(client, officer):
    number, photo_url, photo_id = _file_photo(client)
    response = client.get(photo_url)
    _assert_sandboxed(response, "inline", "photo")
    assert response.mimetype == "image/jpeg" and _reencoded(response.data)
    officer.login("hongda", kind="enterprise")
    response = client.get(f"/enterprise/file/{photo_id}")
    _assert_sandboxed(response, "inline", "photo")
    assert _reencoded(response.data)


def test_officer_original_is_a_download_and_page_shows_reencoded_copy(client, officer):
    number, _, photo_id = _file_photo(client)
    officer.login("binyang")
    original = client.get(f"/officer/file/{photo_id}")
    _assert_sandboxed(original, "attachment", "photo")
    assert Image.open(io.BytesIO(original.data)).getexif()  # the original keeps its EXIF
    page = BeautifulSoup(client.get(f"/officer/case/{number}").data, "html.parser")
    img = page.select_one(".photos img")["src"]
    assert img == f"/officer/preview/{photo_id}"
    preview = client.get(img)
    _assert_sandboxed(preview, "inline", "photo")
    assert _reencoded(preview.data)
    officer.logout()
    officer.login("liucheng")
    assert client.get(f"/officer/preview/{photo_id}").status_code == 403


def test_draft_photo_inline_and_sandboxed(client, app):
    data = report_data(description="")
    data["photos"] = (io.BytesIO(jpeg_with_gps()), NASTY_NAME)
    client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    with app.app_context():
        draft = db.session.query(Attachment).one()
        url = f"/draft/{draft.draft_token}/{draft.id}"
    _assert_sandboxed(client.get(url), "inline", "photo")


@pytest.mark.parametrize("who", ["enterprise", "officer"])
def test_pdf_evidence_is_never_inline(client, officer, app, make_report, who):
    number, _ = make_report()
    _to_rectification(client, officer, app, number)
    officer.login("hongda", kind="enterprise")
    client.post(
        f"/enterprise/case/{number}",
        data={"text": "已整改", "files": (io.BytesIO(PDF), "<script>.pdf")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        evidence = db.session.query(Attachment).filter(Attachment.response_id.isnot(None)).one()
        evidence_id = evidence.id
    if who == "officer":
        officer.logout("enterprise")
        officer.login("binyang")
    response = client.get(f"/{who}/file/{evidence_id}")
    _assert_sandboxed(response, "attachment", "evidence")
    assert response.mimetype == "application/pdf" and response.data == PDF
    assert response.headers["Content-Disposition"].endswith(f'"evidence-{evidence_id}.pdf"')
