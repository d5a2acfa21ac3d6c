"""Check uploaded files by content within set bounds, and make metadata-free copies of photos.

Every bound (bytes, pixels, frames, the request's total pixels) is checked from the file's
header before a single pixel is decoded, so a small file claiming a huge picture costs
nothing (docs/feedback.md, "Photos").
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

#: Pillow format -> (MIME type, extension). MPO is the multi-picture JPEG many phones write:
#: its first picture is the photo.
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
#: The only decoders Pillow may try: any other format is refused unparsed.
OPEN_FORMATS = ("JPEG", "PNG", "WEBP")
PDF_MAGIC = b"%PDF-"
#: What a decoder may raise on a broken or truncated file.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error)
ORIENTATION = 0x0112
#: EXIF orientation -> the turn that makes the picture upright (as ImageOps.exif_transpose).
TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
#: Start-of-scan markers a JPEG picture may have: cameras write 1 (baseline) to about 12
#: (progressive); thousands make the decoder pass over the picture thousands of times.
MAX_JPEG_SCANS = 100
JPEG_SCAN = b"\xff\xda"  # stuffed as FF 00 inside the data, so this is only ever a marker
#: What the public copy keeps of the decoder's info: how to draw it, nothing about anyone.
KEEP_INFO = ("transparency",)


class UploadError(ValueError):
    """A file was refused; the message is shown to the user."""


class NotAPhoto(UploadError):
    """The content is not a JPEG, PNG or WebP at all."""


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    """Bounds for the files of one request (settings MAX_PHOTO*, MAX_UPLOAD_PIXELS)."""

    max_bytes: int
    max_pixels: int
    max_frames: int
    request_pixels: int
    max_files: int

    @classmethod
    def from_config(cls, config: Any) -> PhotoLimits:
        """The limits the settings declare."""
        return cls(
            max_bytes=config["MAX_PHOTO_MB"] * 1_000_000,
            max_pixels=config["MAX_PHOTO_PIXELS"],
            max_frames=config["MAX_PHOTO_FRAMES"],
            request_pixels=config["MAX_UPLOAD_PIXELS"],
            max_files=config["MAX_PHOTOS"],
        )


def pixel_count(pixels: int) -> str:
    """A pixel count as people read it: '5000 万' or '800 '."""
    return f"{pixels // 10_000} 万" if pixels >= 10_000 else f"{pixels} "


class DecodeBudget:
    """Pixels this request may still decode, over all of its images together."""

    def __init__(self, limits: PhotoLimits) -> None:
        self.limits = limits
        self.left = limits.request_pixels

    def spend(self, pixels: int, filename: str) -> None:
        """Take ``pixels`` from the budget or refuse the photo naming it."""
        if pixels > self.left:
            total = pixel_count(self.limits.request_pixels)
            raise UploadError(
                f"照片“{filename}”没有处理：一次提交的照片合计不能超过 {total}像素，"
                "请减少照片或压缩后再传。"
            )
        self.left -= pixels


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An accepted upload: original bytes, a copy safe to show, type and extension."""

    original: bytes
    public: bytes
    content_type: str
    ext: str
    filename: str

    @property
    def digest(self) -> str:
        """SHA-256 of the original bytes."""
        return hashlib.sha256(self.original).hexdigest()

    def keys(self, scope: str | None = None) -> tuple[str, str]:
        """Storage keys for the original and the public copy.

        With a ``scope`` (a form's draft token) the keys follow from the scope and the content,
        so the same file sent twice with one form is stored once, under the same keys.
        """
        if scope:
            name = hashlib.sha256(f"{scope}|{self.digest}".encode()).hexdigest()[:32]
        else:
            name = uuid.uuid4().hex
        return f"original/{name}.{self.ext}", f"public/{name}.{self.ext}"


def _too_many_pixels(filename: str, limits: PhotoLimits) -> UploadError:
    return UploadError(
        f"照片“{filename}”像素太多（每张最多 {pixel_count(limits.max_pixels)}像素），"
        "请缩小或压缩后再传。"
    )


def _check_scans(data: bytes, filename: str, pictures: int) -> None:
    """Refuse a JPEG whose pictures have more scans than any camera writes."""
    scans = data.count(JPEG_SCAN)
    if scans > MAX_JPEG_SCANS * pictures:
        raise UploadError(
            f"照片“{filename}”的编码异常（{scans} 遍扫描），请用手机或相机重新导出后再传。"
        )


def _open(data: bytes, filename: str, limits: PhotoLimits) -> tuple[Image.Image, str]:
    """Open lazily (header only), check format, pixels and frames before decoding; the image
    and its format (a key of ``IMAGE_TYPES``)."""
    try:
        image = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(filename, limits) from exc
    except (UnidentifiedImageError, *DECODE_ERRORS) as exc:
        raise NotAPhoto(
            f"“{filename}”不是可识别的照片，只能上传 JPEG、PNG 或 WebP（按文件内容判断，与扩展名无关）。"
        ) from exc
    found = image.format
    if found is None or found not in IMAGE_TYPES:
        raise NotAPhoto(f"“{filename}”的格式不支持，只能上传 JPEG、PNG 或 WebP。")
    if image.width * image.height > limits.max_pixels:
        raise _too_many_pixels(filename, limits)
    frames = getattr(image, "n_frames", 1)
    if found in ("JPEG", "MPO"):
        _check_scans(data, filename, pictures=frames)
        frames = 1  # an MPO's further pictures are never decoded
    if frames > limits.max_frames:
        raise UploadError(
            f"照片“{filename}”是动图（{frames} 帧），请上传静态照片"
            f"（最多 {limits.max_frames} 帧）。"
        )
    return image, found


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation; 1 (upright) when the EXIF block is missing or broken."""
    try:
        return int(image.getexif().get(ORIENTATION, 1))
    except Exception:  # a broken EXIF block (Pillow warns or raises): take the photo as shot
        return 1


def strip_metadata(image: Image.Image, fmt: str) -> bytes:
    """Turn upright by EXIF orientation, then re-encode pixels only: no EXIF, GPS, XMP, text."""
    turn = TURNS.get(_orientation(image))
    if turn is not None:
        image = image.transpose(turn)
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    # Savers fall back on info for comments, ICC, EXIF, text: keep only how to draw it.
    image.info = {k: v for k, v in image.info.items() if k in KEEP_INFO}
    out = io.BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    image.save(out, format=fmt, **options)
    return out.getvalue()


def check_photo(data: bytes, filename: str, budget: DecodeBudget) -> CheckedFile:
    """Accept a JPEG, PNG or WebP by its content within the limits; raise UploadError."""
    filename = filename[:200]
    limits = budget.limits
    if len(data) > limits.max_bytes:
        raise UploadError(
            f"照片“{filename}”超过 {limits.max_bytes // 1_000_000} MB，请压缩后再传。"
        )
    image, found = _open(data, filename, limits)
    budget.spend(image.width * image.height, filename)
    fmt = "JPEG" if found == "MPO" else found
    try:
        image.load()
        public = strip_metadata(image, fmt)
    except DECODE_ERRORS as exc:
        raise UploadError(
            f"照片“{filename}”已损坏或不完整（可能没有传完），请重新选择这张照片。"
        ) from exc
    content_type, ext = IMAGE_TYPES[found]
    return CheckedFile(data, public, content_type, ext, filename)


def check_evidence(data: bytes, filename: str, budget: DecodeBudget) -> CheckedFile:
    """Accept a photo or a PDF document as rectification evidence."""
    filename = filename[:200]
    if data.startswith(PDF_MAGIC):
        max_bytes = budget.limits.max_bytes
        if len(data) > max_bytes:
            raise UploadError(f"文件“{filename}”超过 {max_bytes // 1_000_000} MB。")
        return CheckedFile(data, data, "application/pdf", "pdf", filename)
    try:
        return check_photo(data, filename, budget)
    except NotAPhoto as exc:
        raise NotAPhoto(f"“{filename}”只能是照片（JPEG、PNG、WebP）或 PDF 文件。") from exc


Checker = Callable[[bytes, str, DecodeBudget], CheckedFile]
#: Longest uploaded file name kept for messages and the handling body's list.
MAX_FILENAME = 200


def clean_filename(raw: str) -> str:
    """The name a browser sent, fit to show and store: last path part, no control characters.

    A NUL (which PostgreSQL text refuses), line breaks, bidi overrides and other invisible
    characters are dropped; folders (``../``, ``C:\\``) are cut off. Never used as a path.
    """
    name = re.split(r"[/\\]", raw)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    return name.strip()[:MAX_FILENAME] or "未命名文件"


def check_uploads(
    uploads: Iterable[Any], check: Checker, limits: PhotoLimits, room: int, unit: str = "张照片"
) -> tuple[list[CheckedFile], list[str]]:
    """Check uploaded files (werkzeug FileStorage) under one decode budget; return files, refusals.

    At most ``room`` files are read; each is read to at most ``max_bytes`` + 1 bytes.
    """
    budget = DecodeBudget(limits)
    files: list[CheckedFile] = []
    errors: list[str] = []
    left_out: list[str] = []
    for upload in uploads:
        if not upload.filename:
            continue
        filename = clean_filename(upload.filename)
        if len(files) >= room:
            left_out.append(filename)
            continue
        try:
            files.append(check(upload.read(limits.max_bytes + 1), filename, budget))
        except UploadError as exc:
            errors.append(str(exc))
    if left_out:  # one message, however many files came: a thousand would flood the page
        others = f"等 {len(left_out)} 个文件" if len(left_out) > 1 else ""
        errors.append(f"最多上传 {limits.max_files} {unit}，“{left_out[0]}”{others}没有保存。")
    return files, errors
