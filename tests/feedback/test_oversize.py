"""Requests over the size limits answer a friendly 413: a page, or an error list on the API."""

from __future__ import annotations

import io
import json
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from werkzeug.test import EnvironBuilder

from tests.feedback.conftest import BINYANG, report_data


def _open(app, path: str, **kw):
    """Post through an environ we close ourselves (werkzeug spools big bodies to a file)."""
    environ = EnvironBuilder(path=path, method="POST", **kw).get_environ()
    try:
        return app.test_client().open(environ)
    finally:
        environ["wsgi.input"].close()


@pytest.fixture
def small_app(make_app):
    """Limits of 1 photo of 1 MB: requests over 3 MB are refused."""
    return make_app(MAX_PHOTO_MB=1, MAX_PHOTOS=1)


def test_oversize_report_is_a_friendly_413_page(small_app):
    data = report_data()
    data["photos"] = (io.BytesIO(b"\xff\xd8" + b"x" * 4_000_000), "huge.jpg")
    response = _open(small_app, f"/report/{BINYANG}", data=data)
    assert response.status_code == 413
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one("h1").text == "出错了（413）"
    text = page.select_one("main").text if page.select_one("main") else page.text
    assert "照片每张不超过 1 MB，最多 1 张" in text and "返回" in text
    assert response.headers["Content-Type"].startswith("text/html")


def test_oversize_text_field_is_413_not_500(small_app):
    data = report_data(description="很长" * 300_000)  # 1.8 MB of text, over the form memory limit
    response = _open(small_app, f"/report/{BINYANG}", data=data)
    assert response.status_code == 413


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_oversize_api_post_is_an_open311_error(small_app, fmt):
    body = {"api_key": "k", "service_code": "x", "description": "y" * 4_000_000}
    response = _open(small_app, f"/open311/v2/requests.{fmt}", data=body)
    assert response.status_code == 413
    if fmt == "json":
        assert response.headers["Content-Type"].startswith("application/json")
        (error,) = json.loads(response.data)
        assert error["code"] == 413 and "太大" in error["description"]
    else:
        assert response.headers["Content-Type"].startswith("text/xml")
        root = ET.fromstring(response.data)
        assert root.tag == "errors" and root.find("error/code").text == "413"


def test_oversize_chunked_body_over_real_http_is_413(small_app):
    """No Content-Length: the limit is hit while the body streams in."""
    import requests

    from tests.feedback.open311_helpers import LiveServer

    server = LiveServer(small_app)

    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="description"\r\n\r\n'
        for _ in range(400):
            yield b"x" * 10_000
        yield b"\r\n--b--\r\n"

    try:
        response = requests.post(
            f"{server.url}/report/{BINYANG}",
            data=body(),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
            timeout=30,
        )
    finally:
        server.stop()
    assert response.status_code == 413
    assert "出错了（413）" in response.text
