"""QR codes for units and outlets (segno), cached by the URL they encode."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import segno

from generator.qr.mask import MAX_VERSION, best_mask, qr_version

ERROR_LEVELS = {"q": "Q", "h": "H"}
PNG_SCALE = 8
#: Part of every cache key: bump it when render() gives other bytes for the same URL.
CACHE_FORMAT = 2


def make(url: str, error: str = "q") -> segno.QRCode:
    """A QR code for ``url`` with at least the given error correction (never boosted lower)."""
    level = ERROR_LEVELS[error.lower()]
    # Made with mask 0, then given the mask segno would choose: the same code, scored with numpy.
    code = segno.make_qr(url, error=level, boost_error=True, mask=0)
    if qr_version(code) > MAX_VERSION:  # longer than our URLs: let segno choose, slowly
        return segno.make_qr(url, error=level, boost_error=True)
    return best_mask(code)


def render(url: str, error: str = "q", border: int = 4) -> tuple[bytes, bytes]:
    """SVG and PNG bytes of the code for ``url``."""
    code = make(url, error)
    svg = io.BytesIO()
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
    return svg.getvalue(), png_bytes(code, border, PNG_SCALE)


def png_bytes(code: segno.QRCode, border: int = 4, scale: int = PNG_SCALE) -> bytes:
    """The code as a 1-bit greyscale PNG, black on white, ``scale`` pixels a module."""
    size = len(code.matrix)
    dark = np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(size, size)
    light = np.pad(dark == 0, border, constant_values=True)
    rows = np.packbits(light.repeat(scale, axis=1), axis=1)
    # Each module row is one plain scanline followed by scale-1 "Up" scanlines (all zero).
    lines = np.zeros((rows.shape[0], scale, rows.shape[1] + 1), dtype=np.uint8)
    lines[:, 0, 1:] = rows
    lines[:, 1:, 0] = 2
    side = light.shape[0] * scale
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(lines.tobytes(), 6)),
            _png_chunk(b"IEND", b""),
        )
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class QRCache:
    """Codes depend only on their URL and settings: make each once and keep it on disk."""

    def __init__(self, folder: Path | str, error: str = "q", border: int = 4) -> None:
        self.folder = Path(folder)
        self.error = error
        self.border = border

    def _key(self, url: str) -> str:
        key = f"{CACHE_FORMAT}|{self.error}|{self.border}|{url}"
        return hashlib.sha256(key.encode()).hexdigest()

    def get(self, url: str) -> tuple[bytes, bytes]:
        """SVG and PNG bytes for ``url``, from the cache or freshly made."""
        svg_path, png_path = self.paths(url)
        return svg_path.read_bytes(), png_path.read_bytes()

    def paths(self, url: str) -> tuple[Path, Path]:
        """The cached SVG and PNG files of ``url``, made first when missing. Each is written
        once, by a rename, and never changed in place: a build may link to them."""
        key = self._key(url)
        base = self.folder / key[:2] / key
        svg_path, png_path = base.with_suffix(".svg"), base.with_suffix(".png")
        if svg_path.exists() and png_path.exists():
            return svg_path, png_path
        svg, png = render(url, self.error, self.border)
        base.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(svg_path, svg)
        _write_atomic(png_path, png)
        return svg_path, png_path


def place(source: Path, target: Path) -> None:
    """Put the file ``source`` at ``target`` as a hard link (no new inode, no bytes written),
    or as a copy where a link is impossible (another file system, too many links)."""
    try:
        os.link(source, target)
    except OSError:
        target.write_bytes(source.read_bytes())


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
