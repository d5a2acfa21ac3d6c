"""Filing a report through real form posts."""

from __future__ import annotations

import io
import os
import re

from bs4 import BeautifulSoup
from PIL import Image
from werkzeug.test import EnvironBuilder

from feedback.extensions import db
from feedback.models import Attachment, Report
from tests.feedback.conftest import BINYANG, get_report, jpeg_with_gps, report_data


def _count(app) -> int:
    with app.app_context():
        return db.session.query(Report).count()


def test_form_shows_unit_name(client):
    page = BeautifulSoup(client.get(f"/report/{BINYANG}").data, "html.parser")
    assert "广西宾阳宏达糖业有限公司" in page.select_one(".unit-box").text
    assert page.select_one("input[name=submission_key]")["value"]


def test_unknown_unit_is_404(client):
    assert client.get("/report/91450126MA5L3K2R5Q009P").status_code == 404


def test_valid_report_gets_tracking_number_and_private_link(client, app):
    response = client.post(f"/report/{BINYANG}", data=report_data())
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    number = page.select_one(".tracking-number").text
    assert re.fullmatch(r"GX\d{8}\d{5}", number)
    link = page.select_one(".private-link a")["href"]
    report = get_report(app, number)
    assert report.body_id == "nn-binyang"
    assert report.unit_name == "广西宾阳宏达糖业有限公司"
    token = link.rsplit("/", 1)[1]
    assert token not in report.token_hash
    assert client.get(f"/r/{token}").status_code == 200


def test_errors_are_chinese_beside_fields_and_nothing_is_lost(client, app):
    data = report_data(category=None, agree=None, description="短", seen_time="傍晚")
    data["photos"] = (io.BytesIO(jpeg_with_gps()), "gps.jpg")
    response = client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    errors = [e.text for e in page.select(".field-error .error-message")]
    assert "请选择问题类别。" in errors
    assert any("隐私说明" in e for e in errors)
    assert any("10 到 5000 字" in e for e in errors)
    assert page.select_one("input[name=seen_time]")["value"] == "傍晚"
    assert page.select_one("input[name=reporter_name]")["value"] == "张三"
    assert len(page.select(".photos img")) == 1
    assert _count(app) == 0
    # Fix the errors without re-attaching: the kept photo joins the report.
    fixed = report_data(submission_key=data["submission_key"], draft_token=data["draft_token"])
    response = client.post(f"/report/{BINYANG}", data=fixed)
    number = BeautifulSoup(response.data, "html.parser").select_one(".tracking-number").text
    with app.app_context():
        report = db.session.query(Report).filter_by(tracking_number=number).one()
        assert len(report.attachments) == 1


def test_double_submit_makes_one_report(client, app):
    data = report_data()
    first = client.post(f"/report/{BINYANG}", data=data)
    second = client.post(f"/report/{BINYANG}", data=data)
    assert _count(app) == 1
    one = BeautifulSoup(first.data, "html.parser")
    two = BeautifulSoup(second.data, "html.parser")
    assert one.select_one(".tracking-number").text == two.select_one(".tracking-number").text
    assert one.select_one(".private-link a")["href"] == two.select_one(".private-link a")["href"]
    assert "没有重复登记" in two.text


def test_honeypot_refuses(client, app):
    response = client.post(f"/report/{BINYANG}", data=report_data(website="http://spam.example"))
    assert response.status_code == 400
    assert _count(app) == 0


def test_rate_limit_per_client(make_app):
    app = make_app(RATE_LIMIT_REPORTS=2)
    client = app.test_client()
    codes = [client.post(f"/report/{BINYANG}", data=report_data()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other = app.test_client()
    response = other.post(
        f"/report/{BINYANG}", data=report_data(), environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert response.status_code == 200


def test_form_errors_do_not_count_against_the_limit(make_app):
    app = make_app(RATE_LIMIT_REPORTS=1)
    client = app.test_client()
    for _ in range(3):
        assert client.post(f"/report/{BINYANG}", data=report_data(agree=None)).status_code == 422
    assert client.post(f"/report/{BINYANG}", data=report_data()).status_code == 200


def test_not_an_image_is_refused_by_content(client, app):
    data = report_data()
    data["photos"] = (io.BytesIO(b"GIF89a not really"), "photo.jpg")
    response = client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "只能上传 JPEG、PNG 或 WebP" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_at_most_five_photos(client, app):
    data = report_data()
    data["photos"] = [(io.BytesIO(_jpeg(i)), f"p{i}.jpg") for i in range(6)]
    response = client.post(f"/report/{BINYANG}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "最多上传 5 张照片" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Attachment).count() == 5


def _jpeg(shade: int) -> bytes:
    """A small JPEG of its own colour (the same photo twice in one form is stored once)."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (shade * 40, 90, 30)).save(out, format="JPEG")
    return out.getvalue()


def test_photo_too_big(make_app):
    app = make_app(MAX_PHOTO_MB=1)
    big = io.BytesIO()
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(big, format="PNG")
    data = report_data()
    data["photos"] = (io.BytesIO(big.getvalue()), "big.png")
    # Build the environ ourselves: werkzeug spools a big body to a temp file it does not close.
    environ = EnvironBuilder(path=f"/report/{BINYANG}", method="POST", data=data).get_environ()
    try:
        response = app.test_client().open(environ)
    finally:
        environ["wsgi.input"].close()
    assert response.status_code == 422
    assert "超过 1 MB" in response.get_data(as_text=True)


def test_unlisted_place_needs_county_and_place(client, app):
    response = client.post("/report", data=report_data(category="无证排污", place=""))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "请选择所在县（市、区）。" in text and "请写明具体地点" in text
    response = client.post(
        "/report",
        data=report_data(category="无证排污", county="450126", place="宾阳县某村河边小作坊"),
    )
    number = BeautifulSoup(response.data, "html.parser").select_one(".tracking-number").text
    report = get_report(app, number)
    assert report.unit_code is None and report.body_id == "nn-binyang"


def test_county_without_body_routes_to_city(client, app):
    response = client.post("/report", data=report_data(county="450102", place="兴宁区某路口"))
    number = BeautifulSoup(response.data, "html.parser").select_one(".tracking-number").text
    assert get_report(app, number).body_id == "nn"


def test_tracking_numbers_count_up(make_report):
    first, _ = make_report()
    second, _ = make_report()
    assert int(second[-5:]) == int(first[-5:]) + 1


def test_city_only_routes_to_city_and_mismatch_is_refused(client, app):
    response = client.post(
        "/report", data=report_data(city="450100", county="450222", place="某地")
    )
    assert response.status_code == 422 and "不属于所选城市" in response.get_data(as_text=True)
    response = client.post("/report", data=report_data(city="450200", place="柳州某工业区"))
    number = BeautifulSoup(response.data, "html.parser").select_one(".tracking-number").text
    assert get_report(app, number).body_id == "lz"
    assert response.headers["Cache-Control"] == "no-store"
