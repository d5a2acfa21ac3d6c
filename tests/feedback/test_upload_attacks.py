"""Second round of upload and form attacks, over real HTTP where the parsing matters."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
import requests
from bs4 import BeautifulSoup
from PIL import Image

from feedback.extensions import db
from feedback.models import Attachment, Report
from feedback.open311.keys import create_key
from feedback.photos import DecodeBudget, PhotoLimits, UploadError, check_photo, clean_filename
from tests.feedback.conftest import BINYANG, png_bytes, report_data

LIMITS = PhotoLimits(10_000_000, 50_000_000, 1, 120_000_000, 5)


def _stored(app) -> tuple[int, int]:
    with app.app_context():
        return db.session.query(Report).count(), db.session.query(Attachment).count()


def _post(live, data: dict, files: list | None = None) -> requests.Response:
    return requests.post(f"{live.url}/report/{BINYANG}", data=data, files=files, timeout=30)


def test_a_form_with_hundreds_of_fields_is_413_and_stores_nothing(app, live):
    data = {**report_data(), **{f"extra{i}": "x" * 1000 for i in range(150)}}
    response = _post(live, data, files=[("photos", ("a.png", png_bytes(), "image/png"))])
    assert response.status_code == 413
    assert "出错了（413）" in response.text
    assert _stored(app) == (0, 0)


def test_one_text_field_over_the_field_limit_is_413(app, live):
    response = _post(live, report_data(place="长" * 50_000), files=[("x", ("", b"", ""))])
    assert response.status_code == 413 and _stored(app) == (0, 0)


def test_a_long_but_allowed_description_still_passes_both_ways(app, live):
    text = "排放口流出黑色污水" * 550  # 4950 characters, 9 bytes each once url-encoded
    response = _post(live, report_data(description=text), files=[("x", ("", b"", ""))])
    assert response.status_code == 200 and _stored(app)[0] == 1
    with app.app_context():
        _, key = create_key("长文本", None)
        db.session.commit()
    form = {"api_key": key, "service_code": "wastewater", "address_id": BINYANG}
    api_text = text[:3990]  # Open311 allows 4000
    url = f"{live.url}/open311/v2/requests.json"
    api = requests.post(url, data={**form, "description": api_text}, timeout=10)
    assert api.status_code == 200, api.text


def test_sixty_tiny_files_give_one_message_not_fifty_five(app, live):
    """Sixty files stay under the form's 100 parts; more are refused with a 413 as above."""
    files = [("photos", (f"p{i}.png", png_bytes(), "image/png")) for i in range(60)]
    response = _post(live, report_data(), files=files)
    page = BeautifulSoup(response.text, "html.parser")
    messages = [p.text for p in page.select(".error-message") if "没有保存" in p.text]
    assert messages == ["最多上传 5 张照片，“p5.png”等 55 个文件没有保存。"]
    assert _stored(app)[0] == 0


CONTROLS = "\x00\x01\x08\x0b\x1b\x7f\x85"


def test_control_characters_are_dropped_from_every_field_and_file_name(app, live):
    data = report_data(
        description=f"排放口{CONTROLS}流出黑水，持续一小时",
        place=f"东{CONTROLS}侧",
        seen_time=f"晚{CONTROLS}上",
        reporter_name=f"王{CONTROLS}五",
    )
    name = f"../../etc/照片{CONTROLS}\u202e1.png"
    response = _post(live, data, files=[("photos", (name, png_bytes(), "image/png"))])
    assert response.status_code == 200
    with app.app_context():
        report = db.session.query(Report).one()
        attachment = db.session.query(Attachment).one()
        assert (report.description, report.place) == ("排放口流出黑水，持续一小时", "东侧")
        assert (report.seen_time, report.reporter_name) == ("晚上", "王五")
        assert attachment.filename == "照片1.png"


def test_open311_parameters_lose_nul_and_lone_surrogates(app, live):
    with app.app_context():
        _, key = create_key("控制字符", None)
        db.session.commit()
    fields = {
        "api_key": key,
        "service_code": "wastewater",
        "address_id": BINYANG,
        "description": "\x00排污口流出\ud800黑色污水",
        "attribute[seen_time]": "晚\x00上",
    }
    body = json.dumps(fields)  # \u0000 and a lone \ud800 escaped, as a client may send them
    response = requests.post(
        f"{live.url}/open311/v2/requests.json",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    with app.app_context():
        report = db.session.query(Report).one()
        assert (report.description, report.seen_time) == ("排污口流出黑色污水", "晚上")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd\x00.jpg", "passwd.jpg"),
        ("C:\\Users\\me\\a.jpg", "a.jpg"),
        ("a\u202egpj.exe", "agpj.exe"),
        ("\x00\u200b", "未命名文件"),
        ("  照片.png  ", "照片.png"),
        ("x" * 300 + ".png", "x" * 200),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _png_with(*chunks: bytes) -> bytes:
    plain = png_bytes()
    return plain[:33] + b"".join(chunks) + plain[33:]  # after the signature and IHDR


def test_png_whose_text_or_profile_inflates_to_50_mb_is_refused():
    bomb = zlib.compress(b"A" * 50_000_000, 9)
    for chunk in (_chunk(b"zTXt", b"k\x00\x00" + bomb), _chunk(b"iCCP", b"p\x00\x00" + bomb)):
        with pytest.raises(UploadError, match="bomb.png"):
            check_photo(_png_with(chunk), "bomb.png", DecodeBudget(LIMITS))


def test_png_with_many_text_chunks_is_kept_without_them():
    text = zlib.compress(b"A" * 900_000, 9)
    chunks = [_chunk(b"zTXt", b"k%d\x00\x00" % i + text) for i in range(40)]
    checked = check_photo(_png_with(*chunks), "text.png", DecodeBudget(LIMITS))
    public = Image.open(io.BytesIO(checked.public))
    assert public.size == (10, 10) and not [k for k in public.info if k.startswith("k")]
    assert len(checked.public) < 1000


@pytest.mark.parametrize("fmt", ["TIFF", "GIF", "BMP", "ICO"])
def test_other_formats_renamed_jpg_are_refused_unparsed(fmt):
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, format=fmt)
    with pytest.raises(UploadError, match="renamed.jpg"):
        check_photo(out.getvalue(), "renamed.jpg", DecodeBudget(LIMITS))


def test_empty_file_is_refused_by_name():
    with pytest.raises(UploadError, match="empty.jpg"):
        check_photo(b"", "empty.jpg", DecodeBudget(LIMITS))
