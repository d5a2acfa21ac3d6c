"""QR codes for units and outlets (segno), cached by the URL they encode."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import segno

ERROR_LEVELS = {"q": "Q", "h": "H"}


def make(url: str, error: str = "q") -> segno.QRCode:
    """A QR code for ``url`` with at least the given error correction (never boosted lower)."""
    return segno.make_qr(url, error=ERROR_LEVELS[error.lower()], boost_error=True)


def render(url: str, error: str = "q", border: int = 4) -> tuple[bytes, bytes]:
    """SVG and PNG bytes of the code for ``url``."""
    code = make(url, error)
    svg, png = io.BytesIO(), io.BytesIO()
    code.save(
        svg,
        kind="svg",
        border=border,
        scale=4,
        xmldecl=False,
        svgns=True,
        title=url,
        svgclass=None,
        lineclass=None,
    )
    code.save(png, kind="png", border=border, scale=8)
    return svg.getvalue(), png.getvalue()


class QRCache:
    """Codes depend only on their URL and settings: make each once and keep it on disk."""

    def __init__(self, folder: Path | str, error: str = "q", border: int = 4) -> None:
        self.folder = Path(folder)
        self.error = error
        self.border = border

    def _key(self, url: str) -> str:
        return hashlib.sha256(f"{self.error}|{self.border}|{url}".encode()).hexdigest()

    def get(self, url: str) -> tuple[bytes, bytes]:
        """SVG and PNG bytes for ``url``, from the cache or freshly made."""
        key = self._key(url)
        base = self.folder / key[:2] / key
        svg_path, png_path = base.with_suffix(".svg"), base.with_suffix(".png")
        if svg_path.exists() and png_path.exists():
            return svg_path.read_bytes(), png_path.read_bytes()
        svg, png = render(url, self.error, self.border)
        base.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(svg_path, svg)
        _write_atomic(png_path, png)
        return svg, png


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
