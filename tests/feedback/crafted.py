"""Crafted upload files for the upload tests: built byte by byte or by Pillow, never mocked."""

from __future__ import annotations

import io
import os
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_zeros(width: int, height: int, rows: int | None = None) -> bytes:
    """A greyscale PNG whose IHDR says width x height; ``rows`` rows of zeros (all by default).

    The pixel data is compressed row by row with zlib, so even a huge picture is a small file.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + one byte per pixel
    parts = [packer.compress(row) for _ in range(height if rows is None else rows)]
    idat = b"".join(parts) + packer.flush()
    return PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def frames(count: int, size: tuple[int, int] = (16, 16)) -> list[Image.Image]:
    """Frames of different colours (Pillow merges identical neighbours)."""
    return [Image.new("RGB", size, (i % 256, (i * 7) % 256, (i * 13) % 256)) for i in range(count)]


def animated(fmt: str, count: int) -> bytes:
    """An animated PNG (APNG), WebP or GIF with ``count`` frames."""
    images = frames(count)
    out = io.BytesIO()
    images[0].save(out, format=fmt, save_all=True, append_images=images[1:], duration=40)
    return out.getvalue()


def noise(fmt: str, size: tuple[int, int] = (300, 300), **options: object) -> bytes:
    """Random pixels (incompressible), saved in ``fmt``."""
    width, height = size
    image = Image.frombytes("RGB", size, os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def plain(fmt: str, size: tuple[int, int], shade: int = 0, **options: object) -> bytes:
    """A flat picture of one colour."""
    out = io.BytesIO()
    Image.new("RGB", size, (shade % 256, 90, 30)).save(out, format=fmt, **options)
    return out.getvalue()


def jpeg_rotated_with_secrets() -> bytes:
    """A 64x48 JPEG with EXIF Orientation 6 (turn 90 degrees), GPS, camera make and a comment."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "SecretCam"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (22.0, 48.0, 30.0), "E", (108.0, 22.0, 10.0)
    return plain("JPEG", (64, 48), exif=exif, comment=b"home of the reporter")


def png_with_secrets() -> bytes:
    """A PNG carrying text chunks and an eXIf chunk with GPS."""
    info = PngInfo()
    info.add_text("Location", "22.8N 108.3E")
    info.add_itxt("Author", "张三")
    exif = Image.Exif()
    exif.get_ifd(0x8825)[1] = "N"
    return plain("PNG", (20, 10), pnginfo=info, exif=exif)


def mpo() -> bytes:
    """A multi-picture JPEG (MPO) as many phones write: a photo and a second picture."""
    first, second = Image.new("RGB", (40, 30), (200, 0, 0)), Image.new("RGB", (40, 30), (0, 0, 200))
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


def jpeg_with_app1(payload: bytes) -> bytes:
    """A small JPEG with ``payload`` as its APP1 (EXIF) segment, however broken."""
    base = plain("JPEG", (64, 48))
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return base[:2] + segment + base[2:]
