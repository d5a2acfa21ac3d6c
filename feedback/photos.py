"""Check uploaded files by content and make metadata-free copies of photos."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

#: Pillow format -> (MIME type, extension).
IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
PDF_MAGIC = b"%PDF-"
Image.MAX_IMAGE_PIXELS = 60_000_000


class UploadError(ValueError):
    """A file was refused; the message is shown to the user."""


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An accepted upload: original bytes, a copy safe to show, type and extension."""

    original: bytes
    public: bytes
    content_type: str
    ext: str
    filename: str

    def keys(self) -> tuple[str, str]:
        """Storage keys for the original and the public copy."""
        name = f"{uuid.uuid4().hex}.{self.ext}"
        return f"original/{name}", f"public/{name}"


def strip_metadata(image: Image.Image, fmt: str) -> bytes:
    """Re-encode pixels only: EXIF (GPS, camera), XMP and text chunks are dropped."""
    image = ImageOps.exif_transpose(image)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, format=fmt, **options)
    return out.getvalue()


def check_photo(data: bytes, filename: str, max_bytes: int) -> CheckedFile:
    """Accept a JPEG, PNG or WebP by its content; raise UploadError otherwise."""
    if len(data) > max_bytes:
        raise UploadError(f"照片“{filename}”超过 {max_bytes // 1_000_000} MB，请压缩后再传。")
    try:
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UploadError(f"“{filename}”不是可识别的照片，只能上传 JPEG、PNG 或 WebP。") from exc
    if fmt not in IMAGE_TYPES:
        raise UploadError(f"“{filename}”的格式不支持，只能上传 JPEG、PNG 或 WebP。")
    content_type, ext = IMAGE_TYPES[fmt]
    return CheckedFile(data, strip_metadata(image, fmt), content_type, ext, filename[:200])


def check_evidence(data: bytes, filename: str, max_bytes: int) -> CheckedFile:
    """Accept a photo or a PDF document as rectification evidence."""
    if data.startswith(PDF_MAGIC):
        if len(data) > max_bytes:
            raise UploadError(f"文件“{filename}”超过 {max_bytes // 1_000_000} MB。")
        return CheckedFile(data, data, "application/pdf", "pdf", filename[:200])
    try:
        return check_photo(data, filename, max_bytes)
    except UploadError as exc:
        raise UploadError(f"“{filename}”只能是照片（JPEG、PNG、WebP）或 PDF 文件。") from exc
