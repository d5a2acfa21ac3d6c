"""Inspection photos: the same checks as a report's, kept across failed submits, once each."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from generator import clock
from tests.feedback.conftest import BINYANG, jpeg_with_gps, png_bytes
from tests.feedback.inspection_helpers import NOON, inspection, photo_rows, started, valid_post


@pytest.fixture(autouse=True)
def _noon():
    with clock.travel(NOON):
        yield


def _post(client, number: int, data: dict, **files: list[tuple[bytes, str]]):
    for field, items in files.items():
        data[field.replace("__", "-")] = [(io.BytesIO(b), name) for b, name in items]
    return client.post(
        f"/officer/inspection/{number}", data=data, content_type="multipart/form-data"
    )


def test_photos_survive_a_failed_submit_and_are_served_without_metadata(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    bad = valid_post(officers="王执法")  # one officer: refused
    response = _post(client, number, bad, destination__photos=[(jpeg_with_gps(), "pipe.jpg")])
    assert response.status_code == 422
    assert photo_rows(app) == [("destination", "finding", "pipe.jpg")]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    src = page.select_one("#item-destination ul.photos img")["src"]
    served = client.get(src)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "inline" in served.headers["Content-Disposition"]
    assert not Image.open(io.BytesIO(served.data)).getexif()  # no GPS, no camera
    # the same photo sent again with the next post is one copy; the submit now goes through
    again = _post(client, number, valid_post(), destination__photos=[(jpeg_with_gps(), "pipe.jpg")])
    assert again.status_code == 303
    assert photo_rows(app) == [("destination", "finding", "pipe.jpg")]
    assert [p.filename for p in inspection(app, number).photos] == ["pipe.jpg"]


def test_evidence_photos_and_removal(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post("save")
    _post(client, number, post, outlet__evidence_photos=[(png_bytes(), "after.png")])
    assert photo_rows(app) == [("outlet", "evidence", "after.png")]
    photo_id = inspection(app, number).photos[0].id
    _post(client, number, valid_post("save", remove_photo=str(photo_id)))
    assert photo_rows(app) == []


def test_a_file_that_is_not_a_photo_is_refused_and_the_text_kept(app, client, officer):
    officer.login("binyang")
    number = started(client, BINYANG)
    post = valid_post()
    response = _post(client, number, post, records__photos=[(b"<svg onload=alert(1)>", "x.svg")])
    assert response.status_code == 422
    summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        ".error-summary"
    )
    assert "环境管理台账：" in summary.get_text() and "x.svg" in summary.get_text()
    assert photo_rows(app) == []
    kept = inspection(app, number)
    assert kept.state == "draft" and kept.facts == post["facts"]


def test_photos_per_item_are_bounded(app, client, officer):
    app.config["MAX_PHOTOS"] = 2
    officer.login("binyang")
    number = started(client, BINYANG)
    files = [(_png(n), f"p{n}.png") for n in range(3)]
    response = _post(client, number, valid_post("save"), emission__photos=files)
    assert response.status_code == 422
    assert [r[2] for r in photo_rows(app)] == ["p0.png", "p1.png"]
    assert "最多上传 2 张照片" in response.get_data(as_text=True)


def _png(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (shade, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def test_another_inspections_photo_is_not_served(app, client, officer):
    officer.login("binyang")
    first = started(client, BINYANG)
    _post(client, first, valid_post("save"), outlet__photos=[(png_bytes(), "a.png")])
    photo_id = inspection(app, first).photos[0].id
    officer.logout()
    officer.login("liucheng")
    assert client.get(f"/officer/inspection/{first}/photo/{photo_id}").status_code == 403
