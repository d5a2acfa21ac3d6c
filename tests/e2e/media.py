"""Real files a citizen's phone would produce or read: QR images and photos."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import zxingcpp
from PIL import Image, ImageDraw


def decode_qr(png: Path) -> str:
    """Text of the one QR code in ``png``, read with the zxing-cpp decoder."""
    found = zxingcpp.read_barcodes(Image.open(png).convert("L"))
    texts = [b.text for b in found if b.valid]
    assert len(texts) == 1, f"{png} 里应有且只有一个二维码，读到 {texts}"
    return texts[0]


def on_host(url: str, base: str) -> str:
    """``url`` with its scheme and host replaced by those of ``base`` (the loopback server)."""
    parts, host = urlsplit(url), urlsplit(base)
    return urlunsplit((host.scheme, host.netloc, parts.path, parts.query, parts.fragment))


def make_photo(path: Path, width: int = 800, height: int = 600) -> Path:
    """A JPEG like a phone photo of a discharge outlet (with a little drawing, so it is not blank)."""
    image = Image.new("RGB", (width, height), (90, 120, 140))
    draw = ImageDraw.Draw(image)
    draw.rectangle((300, 200, 500, 600), fill=(70, 70, 60))
    draw.ellipse((330, 100, 470, 240), fill=(180, 180, 170))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path
