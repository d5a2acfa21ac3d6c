"""Reporter confidentiality, private tokens and photo metadata."""

from __future__ import annotations

import io

from bs4 import BeautifulSoup
from PIL import Image

from feedback.extensions import db
from feedback.models import Attachment
from tests.feedback.conftest import BINYANG, jpeg_with_gps, report_data


def _file(client, data):
    data["photos"] = (io.BytesIO(jpeg_with_gps()), "gps.jpg")
    response = client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    page = BeautifulSoup(response.data, "html.parser")
    return page.select_one(".tracking-number").text, page.select_one(".private-link a")["href"]


def _has_gps(data: bytes) -> bool:
    exif = Image.open(io.BytesIO(data)).getexif()
    return bool(exif.get_ifd(0x8825)) or 0x010F in exif


def test_public_page_hides_reporter(client):
    number, _ = _file(
        client,
        report_data(
            reporter_name="陈七", reporter_phone="13612345678", reporter_email="chen@example.com"
        ),
    )
    page = client.get(f"/case/{number}").get_data(as_text=True)
    assert "广西宾阳宏达糖业有限公司" in page and "废水" in page
    for secret in ("陈七", "13612345678", "chen@example.com", "黑色污水"):
        assert secret not in page


def test_private_link_shows_own_text_and_only_own_case(client, make_report):
    number, link = _file(client, report_data())
    other, other_token = make_report(description="另一份举报的内容文字")
    page = client.get(link).get_data(as_text=True)
    assert "黑色污水" in page and number in page and "另一份举报的内容文字" not in page
    assert client.get("/r/" + "0" * 40).status_code == 404
    photo_url = BeautifulSoup(page, "html.parser").select_one(".photos img")["src"]
    assert client.get(photo_url).status_code == 200
    attachment_id = photo_url.rsplit("/", 1)[1]
    assert client.get(f"/r/{other_token}/photo/{attachment_id}").status_code == 404
    assert client.get(link).headers["Referrer-Policy"] == "no-referrer"


def test_gps_stripped_from_every_copy_but_the_officers(client, officer, app):
    number, link = _file(client, report_data())
    with app.app_context():
        attachment = db.session.query(Attachment).one()
        storage = app.extensions["yimatong_storage"]
        assert _has_gps(storage.get(attachment.original_key))
        assert not _has_gps(storage.get(attachment.public_key))
        attachment_id = attachment.id
    page = BeautifulSoup(client.get(link).data, "html.parser")
    assert not _has_gps(client.get(page.select_one(".photos img")["src"]).data)
    officer.login("hongda", kind="enterprise")
    assert not _has_gps(client.get(f"/enterprise/file/{attachment_id}").data)
    assert client.get(f"/officer/file/{attachment_id}").status_code == 403
    officer.logout("enterprise")
    officer.login("binyang")
    assert _has_gps(client.get(f"/officer/file/{attachment_id}").data)
    officer.logout()
    officer.login("liucheng")
    assert client.get(f"/officer/file/{attachment_id}").status_code == 403


def test_csp_header_and_no_inline_script(client):
    response = client.get(f"/report/{BINYANG}")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    page = BeautifulSoup(response.data, "html.parser")
    # Scripts only as the service's own files (the form's location button), never inline.
    assert not page.select("script:not([src])") and not page.select("[style]")
    assert [s["src"] for s in page.select("script")] == ["/fb-static/place.js"]
