"""QR codes: the fast path makes exactly segno's code, and the PNG and SVG read back."""

import hashlib
import io
import random
from functools import cache
from xml.sax.saxutils import escape

import numpy as np
import pytest
import segno
import zxingcpp
from PIL import Image

from generator import urls
from generator.content.codes import make_uscc
from generator.qr import encode as qr
from generator.qr import mask as qrmask
from generator.qr.mask import MAX_VERSION

BASES = ["https://ymt.example.cn/", "http://127.0.0.1:8000/", "https://ymt.sthjt.gxzf.gov.cn/"]


def sample_urls(count: int = 300) -> list[tuple[str, str]]:
    """Unit and outlet URLs, then odd-length ones crossing every version up to MAX_VERSION."""
    rng = random.Random(2026)
    cases = []
    for n in range(count // 2):
        code = make_uscc(f"914501{rng.randrange(10**11):011d}") + f"{rng.randrange(1, 999):03d}P"
        path = urls.unit_path(code) if n % 3 else urls.outlet_path(code, f"DW{n % 40:03d}")
        cases.append((urls.absolute(BASES[n % 3], path), "qh"[n % 2]))
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789/-_.ABCDEFGHJKMNPQRTUWXY"
    for n in range(count - len(cases)):
        length = 4 + n * 150 // (count // 2)  # 4 .. ~150 characters: versions 1 to 10
        tail = "".join(rng.choice(alphabet) for _ in range(length))
        cases.append((f"https://ymt.example.cn/{tail}"[: max(length, 8)], "qh"[n % 2]))
    return cases


@cache
def reference(url: str, error: str) -> segno.QRCode:
    """The code plain segno makes (and chose its mask for), as before the fast path."""
    return segno.make_qr(url, error=qr.ERROR_LEVELS[error], boost_error=True)


def reference_svg(url: str, error: str, border: int = 4) -> bytes:
    out = io.BytesIO()
    reference(url, error).save(
        out,
        kind="svg",
        border=border,
        scale=4,
        xmldecl=False,
        svgns=True,
        title=url,
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue()


def test_same_mask_and_matrix_as_segno():
    cases = sample_urls()
    seen_versions, seen_masks = set(), set()
    for url, error in cases:
        ours, theirs = qr.make(url, error), reference(url, error)
        assert (ours.version, ours.error, ours.mask) == (
            theirs.version,
            theirs.error,
            theirs.mask,
        ), url
        assert ours.matrix == theirs.matrix, url
        seen_versions.add((theirs.version, theirs.error))
        seen_masks.add((theirs.error, theirs.mask))
    # The sample reaches every version the fast path handles (and a little past), at both
    # levels, and every format word (error level x mask) that they are written with.
    assert {v for v, _ in seen_versions} >= set(range(1, MAX_VERSION + 2))
    assert {e for _, e in seen_versions} == {"Q", "H"}
    assert len(seen_masks) == 16


def test_longer_urls_still_get_segnos_code():
    url = "https://ymt.example.cn/" + "e/3X/91450100MA5K3X7Q3X001P/" * 8
    ours, theirs = qr.make(url, "q"), reference(url, "q")
    assert ours.version > MAX_VERSION
    assert (ours.mask, ours.matrix) == (theirs.mask, theirs.matrix)


@pytest.mark.parametrize("border", [4, 2])
def test_png_reads_back_and_svg_is_segnos(border):
    for url, error in sample_urls()[:: 8 if border == 4 else 40]:
        svg, png = qr.render(url, error, border)
        assert svg == reference_svg(url, error, border)
        assert f"<title>{escape(url)}</title>".encode() in svg
        image = Image.open(io.BytesIO(png))
        image.load()
        size = len(reference(url, error).matrix)
        side = (size + 2 * border) * qr.PNG_SCALE
        assert (image.format, image.mode, image.size) == ("PNG", "1", (side, side))
        modules = expected_pixels(reference(url, error), border)
        assert np.array_equal(np.asarray(image), modules), url
        decoded = zxingcpp.read_barcodes(image.convert("L"))
        assert [(d.format, d.text) for d in decoded] == [(zxingcpp.BarcodeFormat.QRCode, url)]


def expected_pixels(code: segno.QRCode, border: int) -> np.ndarray:
    """White (True) and black pixels of the code at PNG_SCALE, quiet zone included."""
    dark = np.array([list(row) for row in code.matrix], dtype=bool)
    light = np.pad(~dark, border, constant_values=True)
    return light.repeat(qr.PNG_SCALE, axis=0).repeat(qr.PNG_SCALE, axis=1)


def test_cache_keeps_what_render_made(tmp_path):
    url = "https://ymt.example.cn/e/3X/91450100MA5K3X7Q3X001P/DW001/"
    cache = qr.QRCache(tmp_path, "h", 4)
    first = cache.get(url)
    assert first == qr.render(url, "h", 4)
    assert len(list(tmp_path.rglob("*.png"))) == len(list(tmp_path.rglob("*.svg"))) == 1
    assert cache.get(url) == first


def test_cache_ignores_codes_kept_before_the_fast_path(tmp_path):
    url = "https://ymt.example.cn/e/3X/91450100MA5K3X7Q3X001P/"
    old_key = hashlib.sha256(f"q|4|{url}".encode()).hexdigest()  # key without CACHE_FORMAT
    old = tmp_path / old_key[:2] / old_key
    old.parent.mkdir()
    old.with_suffix(".svg").write_bytes(b"old svg")
    old.with_suffix(".png").write_bytes(b"old png")
    assert qr.QRCache(tmp_path, "q", 4).get(url) == qr.render(url, "q", 4)


def test_penalties_match_segnos_scoring():
    # segno's own scorer (an internal of segno.encoder) on random matrices, some with
    # overlapping finder-like runs: any drift in segno's rules shows here first.
    rng = np.random.default_rng(7)
    runs = np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], np.uint8)
    for n in range(21, 4 * MAX_VERSION + 18, 4):
        for density in (0.2, 0.5, 0.8):
            matrices = (rng.random((8, n, n)) < density).astype(np.uint8)
            at = int(rng.integers(0, n - len(runs) + 1))
            matrices[0, n // 2, at : at + len(runs)] = runs
            matrices[1, at : at + len(runs), n // 3] = runs[::-1]
            expected = [
                sum(segno.encoder.mask_scores([bytearray(r) for r in m], n, n)) for m in matrices
            ]
            assert qrmask.mask_penalties(qrmask.line_words(matrices), n) == expected


@pytest.mark.parametrize("content", ["1", "HELLO", "https://ymt.example.cn/"])
def test_qr_version_is_an_int_and_micro_qr_is_refused(content):
    """segno types versions ``int | str``: ours are ints, a Micro QR ("M1".."M4") is refused."""
    code = segno.make_qr(content)
    assert qrmask.qr_version(code) == code.version and isinstance(code.version, int)
    micro = segno.make_micro("1")
    with pytest.raises(ValueError, match=f"Micro QR（版本 {micro.version}）"):
        qrmask.qr_version(micro)


@pytest.mark.parametrize("version", range(1, 41))
def test_alignment_centres_match_segno(version):
    """The alignment centres (typed pairs) are where segno draws the 5×5 patterns."""
    code = segno.make_qr("A", version=version, mask=0, boost_error=False)
    n = 4 * version + 17
    dark = np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(n, n) & 1
    for r, c in qrmask._alignment_centres(version):
        ring = dark[r - 2 : r + 3, c - 2 : c + 3].copy()
        assert ring[2, 2] == 1 and ring[1:4, 1:4].sum() == 1  # dark centre, light ring
        assert ring.sum() == 17  # dark border of 16 plus the centre
