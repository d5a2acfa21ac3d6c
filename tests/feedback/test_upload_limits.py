"""Photos are checked from their headers before decoding: pixels, frames, formats, the request.

Crafted files (a PNG whose IHDR claims 20000x20000 built with zlib, APNG/WebP/GIF with many
frames, truncated JPEGs, lying extensions); memory is measured in a subprocess.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from feedback.extensions import db
from feedback.models import Attachment, Report
from feedback.photos import (
    DecodeBudget,
    PhotoLimits,
    UploadError,
    check_evidence,
    check_photo,
)
from tests.feedback import crafted
from tests.feedback.conftest import BINYANG, report_data

ROOT = Path(__file__).resolve().parents[2]
LIMITS = PhotoLimits(
    max_bytes=10_000_000,
    max_pixels=50_000_000,
    max_frames=1,
    request_pixels=120_000_000,
    max_files=5,
)


def _budget(**changes: int) -> DecodeBudget:
    values = {name: getattr(LIMITS, name) for name in LIMITS.__slots__}
    return DecodeBudget(PhotoLimits(**{**values, **changes}))


def _post(app, *photos: tuple[bytes, str], **fields):
    data = report_data(**fields)
    data["photos"] = [(io.BytesIO(body), name) for body, name in photos]
    return app.test_client().post(
        f"/report/{BINYANG}", data=data, content_type="multipart/form-data"
    )


def _rows(app) -> list[Attachment]:
    with app.app_context():
        rows = db.session.query(Attachment).order_by(Attachment.id).all()
        db.session.expunge_all()
        return rows


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (10900, 10900), (50001, 1000)])
def test_too_many_pixels_refused_from_the_header(width, height):
    data = crafted.png_of_zeros(width, height, rows=2)
    with pytest.raises(UploadError, match="照片“wall.png”像素太多（每张最多 5000 万像素）"):
        check_photo(data, "wall.png", _budget())


def test_huge_png_costs_no_memory(tmp_path):
    """A 10900x10900 PNG of real (zero) pixels: refused before Pillow allocates its pixels."""
    path = tmp_path / "huge.png"
    path.write_bytes(crafted.png_of_zeros(10900, 10900))
    assert path.stat().st_size < 400_000
    script = (
        "import json, resource, sys\n"
        "from feedback.photos import DecodeBudget, PhotoLimits, UploadError, check_photo\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "limits = PhotoLimits(10_000_000, 50_000_000, 1, 120_000_000, 5)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    check_photo(data, 'huge.png', DecodeBudget(limits))\n"
        "    outcome = 'accepted'\n"
        "except UploadError as exc:\n"
        "    outcome = str(exc)\n"
        "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print(json.dumps({'outcome': outcome, 'grown_kib': grown}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout)
    assert "像素太多" in result["outcome"]
    assert result["grown_kib"] < 20_000  # the decoded picture alone would be 116 MB


def test_bomb_in_the_form_is_refused_by_name_and_nothing_kept(make_app):
    app = make_app()
    response = _post(app, (crafted.png_of_zeros(20000, 20000, rows=1), "bomb.png"))
    assert response.status_code == 422
    assert "照片“bomb.png”像素太多" in response.get_data(as_text=True)
    assert _rows(app) == []


def test_request_pixel_budget_counts_all_photos(make_app):
    app = make_app(MAX_UPLOAD_PIXELS=2_500_000)
    photos = [(crafted.plain("PNG", (1000, 1000), shade=i), f"p{i}.png") for i in range(3)]
    response = _post(app, *photos)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "照片“p2.png”没有处理：一次提交的照片合计不能超过 250 万像素" in text
    assert [row.filename for row in _rows(app)] == ["p0.png", "p1.png"]
    with app.app_context():
        assert db.session.query(Report).count() == 0


def test_budget_is_per_request_not_per_photo():
    budget = _budget(request_pixels=1000)
    check_photo(crafted.plain("PNG", (20, 20)), "a.png", budget)
    check_photo(crafted.plain("PNG", (20, 20), shade=3), "b.png", budget)
    with pytest.raises(UploadError, match="“c.png”没有处理"):
        check_photo(crafted.plain("PNG", (20, 20), shade=5), "c.png", budget)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_animated_images_refused_by_frame_count(fmt):
    with pytest.raises(UploadError, match=r"照片“anim.x”是动图（300 帧），请上传静态照片"):
        check_photo(crafted.animated(fmt, 300), "anim.x", _budget())


def test_frames_allowed_by_setting_keep_only_the_first(make_app):
    photo = check_photo(crafted.animated("PNG", 3), "anim.png", _budget(max_frames=3))
    public = Image.open(io.BytesIO(photo.public))
    assert getattr(public, "n_frames", 1) == 1
    assert public.getpixel((0, 0)) == (0, 0, 0)


def test_gif_with_many_frames_and_a_jpeg_name_is_refused_unparsed():
    with pytest.raises(
        UploadError, match="“party.jpg”不是可识别的照片，只能上传 JPEG、PNG 或 WebP"
    ):
        check_photo(crafted.animated("GIF", 500), "party.jpg", _budget())


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("JPEG", "照片“cut.img”已损坏或不完整"),
        ("PNG", "照片“cut.img”已损坏或不完整"),
        ("WEBP", "“cut.img”不是可识别的照片"),  # libwebp reads the whole file when opening
    ],
)
def test_truncated_files_are_refused(fmt, message):
    whole = crafted.noise(fmt, (300, 300))
    with pytest.raises(UploadError, match=message):
        check_photo(whole[: len(whole) * 6 // 10], "cut.img", _budget())


def test_truncated_jpeg_in_the_form(make_app):
    app = make_app()
    whole = crafted.noise("JPEG", (400, 300))
    response = _post(app, (whole[: len(whole) // 2], "half.jpg"))
    assert response.status_code == 422
    assert "照片“half.jpg”已损坏或不完整" in response.get_data(as_text=True)
    assert _rows(app) == []


def test_extension_lies_content_decides(make_app):
    app = make_app()
    png = crafted.plain("PNG", (30, 20))
    response = _post(app, (png, "really-a-png.jpg"))
    assert response.status_code == 200
    (row,) = _rows(app)
    assert row.content_type == "image/png"
    assert row.original_key.endswith(".png") and row.public_key.endswith(".png")
    html = b"<html><script>alert(1)</script></html>"
    response = _post(app, (html, "photo.jpg"), submission_key=None)
    assert response.status_code == 200  # a post without a form key is a fresh form
    response = _post(app, (html, "photo.jpg"))
    assert response.status_code == 422
    assert "“photo.jpg”不是可识别的照片" in response.get_data(as_text=True)
    pdf = b"%PDF-1.4\n%fake\n"
    assert "不是可识别的照片" in _post(app, (pdf, "scan.jpg")).get_data(as_text=True)


def test_orientation_applied_and_metadata_stripped():
    photo = check_photo(crafted.jpeg_rotated_with_secrets(), "rot.jpg", _budget())
    public = Image.open(io.BytesIO(photo.public))
    assert public.size == (48, 64)
    assert dict(public.getexif()) == {}
    assert not {"exif", "comment", "xmp"} & set(public.info)
    assert b"SecretCam" not in photo.public and b"home of the reporter" not in photo.public
    assert b"SecretCam" in photo.original  # officers keep the original


def test_png_text_and_exif_stripped():
    photo = check_photo(crafted.png_with_secrets(), "p.png", _budget())
    public = Image.open(io.BytesIO(photo.public))
    assert dict(public.getexif()) == {}
    assert not {"Location", "Author", "exif"} & set(public.info)
    assert b"22.8N" not in photo.public


def test_phone_multi_picture_jpeg_is_accepted_as_jpeg():
    photo = check_photo(crafted.mpo(), "phone.jpg", _budget())
    assert (photo.content_type, photo.ext) == ("image/jpeg", "jpg")
    public = Image.open(io.BytesIO(photo.public))
    assert public.format == "JPEG" and getattr(public, "n_frames", 1) == 1


def test_evidence_keeps_the_precise_reason():
    with pytest.raises(UploadError, match="像素太多"):
        check_evidence(crafted.png_of_zeros(20000, 20000, rows=1), "e.png", _budget())
    with pytest.raises(UploadError, match="只能是照片（JPEG、PNG、WebP）或 PDF"):
        check_evidence(b"PK\x03\x04 zip", "e.docx", _budget())
    assert check_evidence(b"%PDF-1.7\n", "e.pdf", _budget()).content_type == "application/pdf"


def test_limits_are_settings(make_app):
    app = make_app(MAX_PHOTO_PIXELS=1000)
    response = _post(app, (crafted.plain("JPEG", (40, 30)), "small.jpg"))
    assert response.status_code == 422
    assert "照片“small.jpg”像素太多（每张最多 1000 像素）" in response.get_data(as_text=True)


def test_jpeg_with_thousands_of_scans_is_refused_before_decoding():
    whole = crafted.plain("JPEG", (64, 48))
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 16
    data = whole[:-2] + scan * 2000 + whole[-2:]
    with pytest.raises(UploadError, match=r"照片“scans.jpg”的编码异常（2001 遍扫描）"):
        check_photo(data, "scans.jpg", _budget())


def test_progressive_jpeg_from_a_camera_is_fine():
    data = crafted.noise("JPEG", (200, 150), progressive=True)
    assert data.count(b"\xff\xda") > 1
    assert check_photo(data, "prog.jpg", _budget()).content_type == "image/jpeg"


def test_public_copy_keeps_transparency_only():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.putpixel((5, 5), 1)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=0, optimize=False)
    source = Image.open(io.BytesIO(out.getvalue())).convert("RGBA")
    assert source.getpixel((0, 0))[3] == 0  # the test picture really is transparent
    photo = check_photo(out.getvalue(), "t.png", _budget())
    public = Image.open(io.BytesIO(photo.public)).convert("RGBA")
    assert public.getpixel((0, 0))[3] == 0 and public.getpixel((5, 5)) == (0, 0, 255, 255)


@pytest.mark.parametrize(
    "payload",
    [
        b"Exif\x00\x00garbage-not-tiff",
        b"Exif\x00\x00II\x2a\x00\xff\xff\xff\x7f",  # first directory far past the end
        b"Exif\x00\x00II\x2a\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x09\x00",
        b"Exif\x00\x00II\x2a\x00\x08\x00\x00\x00\x01\x00\x12\x01\x02\x00\x05\x00\x00\x00\x40\x00",
    ],
)
@pytest.mark.filterwarnings(
    "ignore:Corrupt EXIF data:UserWarning"
)  # Pillow warns, as in production
@pytest.mark.filterwarnings("ignore:Truncated File Read:UserWarning")
def test_broken_or_odd_exif_is_taken_as_upright(payload):
    photo = check_photo(crafted.jpeg_with_app1(payload), "odd.jpg", _budget())
    public = Image.open(io.BytesIO(photo.public))
    assert public.size == (64, 48) and dict(public.getexif()) == {}


@pytest.mark.parametrize(("orientation", "size"), [(1, (64, 48)), (3, (64, 48)), (8, (48, 64))])
def test_every_orientation_turns_upright(orientation, size):
    exif = Image.Exif()
    exif[0x0112] = orientation
    photo = check_photo(crafted.plain("JPEG", (64, 48), exif=exif), "o.jpg", _budget())
    assert Image.open(io.BytesIO(photo.public)).size == size
