"""Segno's own choice of QR data mask, scored with numpy instead of pure Python.

segno 1.6.6 spends most of ``make_qr`` scoring the eight data masks module by module
(``segno.encoder.find_and_apply_best_mask``). Here the code is made once with mask 0, the
unmasked modules are recovered, all eight candidates are scored at once exactly as segno's
``mask_scores`` does (N1-N4, including its scan order for N3 and its scoring *before* the
format and version information are written), and the best mask is applied in place. The result
is the code segno itself would make; tests/generator/test_qr.py checks that against segno.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product

import numpy as np
import segno

# Error correction level bits of the format information (ISO/IEC 18004 table 12).
_EC_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}
_N3_PATTERN = (1, 0, 1, 1, 1, 0, 1)


# Lines are scored as 64-bit words; N3 looks 4 modules past the end: versions 1 to 10 (57²).
MAX_VERSION = 10


@dataclass(frozen=True)
class _Layout:
    """Where a QR code of one version keeps its data, format and version modules."""

    size: int
    masks: np.ndarray  # (8, size, size) uint8: each mask pattern, limited to the data region
    mask_lines: np.ndarray  # (8, 2 * size) uint64: the same as rows then columns of bits
    info: np.ndarray  # (size, size) bool: format, dark and version modules (0 while scoring)
    format_rows: np.ndarray  # row, column and bit number of each format module
    format_cols: np.ndarray
    format_bits: np.ndarray


def qr_version(code: segno.QRCode) -> int:
    """The version (1 to 40) of ``code``; segno types it ``int | str`` for Micro QR's "M1".."M4"."""
    version = code.version
    if isinstance(version, str):
        raise ValueError(f"这里只处理普通二维码，不处理 Micro QR（版本 {version}）")
    return version


def best_mask(code: segno.QRCode) -> segno.QRCode:
    """Give ``code`` (made with ``mask=0``) the mask segno would have chosen; returns it."""
    return apply_mask(code, mask_ranking(code)[0])


def mask_ranking(code: segno.QRCode) -> list[int]:
    """The eight masks of ``code`` (made with ``mask=0``), best penalty score first, as segno."""
    layout = _layout(qr_version(code))
    scoring = np.where(layout.info, np.uint8(0), _unmasked(code, layout))
    scores = mask_penalties(line_words(scoring) ^ layout.mask_lines, layout.size)
    return sorted(range(8), key=lambda k: (scores[k], k))


def apply_mask(code: segno.QRCode, mask: int) -> segno.QRCode:
    """Give ``code`` (made with ``mask=0``) data mask ``mask`` and its format bits; returns it."""
    layout = _layout(qr_version(code))
    final = _unmasked(code, layout) ^ layout.masks[mask]
    info = _format_info(code.error, mask)
    final[layout.format_rows, layout.format_cols] = (info >> layout.format_bits) & 1
    code.matrix = tuple(bytearray(row.tobytes()) for row in final)
    code.mask = mask
    return code


def _unmasked(code: segno.QRCode, layout: _Layout) -> np.ndarray:
    """The modules of ``code`` (made with ``mask=0``) without mask 0."""
    n = layout.size
    made = np.frombuffer(b"".join(code.matrix), dtype=np.uint8).reshape(n, n)
    return made ^ layout.masks[0]


def line_words(matrix: np.ndarray) -> np.ndarray:
    """Rows then columns of a 0/1 ``matrix`` (…, n, n) as words, module j in bit j."""
    lines = np.concatenate([matrix, np.swapaxes(matrix, -1, -2)], axis=-2)
    packed = np.packbits(lines, axis=-1, bitorder="little")
    words = np.zeros(packed.shape[:-1] + (8,), dtype=np.uint8)
    words[..., : packed.shape[-1]] = packed
    return words.view("<u8")[..., 0]


def mask_penalties(lines: np.ndarray, size: int) -> list[int]:
    """segno's penalty score (N1+N2+N3+N4) of each candidate, given as bit-packed lines.

    ``lines[k]`` holds the rows then the columns of candidate k, module j of a line in bit j.
    """
    valid = (1 << size) - 1
    n1 = _runs_score(lines, valid)
    rows = lines[:, :size]
    same = ~(rows ^ (rows >> 1))  # each module equals its right neighbour
    blocks = same[:, :-1] & same[:, 1:] & ~(rows[:, :-1] ^ rows[:, 1:]) & (valid >> 1)
    n2 = 3 * _bits(blocks)
    n3 = 40 * _finder_like_count(lines, valid)
    dark = _bits(rows & valid)
    penalties = []
    for k in range(lines.shape[0]):
        percent = float(dark[k]) / (size**2)
        n4 = 10 * int(abs(percent * 100 - 50) / 5)
        penalties.append(int(n1[k]) + int(n2[k]) + int(n3[k]) + n4)
    return penalties


def _bits(words: np.ndarray) -> np.ndarray:
    """Number of set bits per candidate (summed over its lines)."""
    return np.bitwise_count(words).sum(axis=1, dtype=np.int64)


def _runs_score(lines: np.ndarray, valid: int) -> np.ndarray:
    """N1: each run of 5 + i same-coloured modules in a row or column costs 3 + i."""
    eq = ~(lines ^ (lines >> 1)) & (valid >> 1)  # bit j: modules j and j + 1 alike
    five = eq & (eq >> 1) & (eq >> 2) & (eq >> 3)  # bit j: modules j .. j + 4 alike
    starts = five & ~(eq << 1)
    return _bits(five) + 2 * _bits(starts)


def _finder_like_count(lines: np.ndarray, valid: int) -> np.ndarray:
    """N3 occurrences of dark-light-dark³-light-dark as segno counts them.

    segno counts an occurrence with 4 light modules (or the edge) before or after it, then
    resumes its search 7 modules on, so an overlapping occurrence 4 or 6 modules later is
    skipped; an uncounted one resumes 4 on. An occurrence counts before its neighbour only
    through its light side before it, so the skip rule needs no loop.
    """
    light = ~lines  # modules past the end read as light
    found = np.full_like(lines, valid >> 6)
    for k, bit in enumerate(_N3_PATTERN):
        found &= (lines if bit else light) >> k
    before = after = found
    for k in range(1, 5):
        before = before & ((light << k) | ((1 << k) - 1))  # modules before the start are light
        after = after & (light >> (6 + k))
    # One counted through its light side before hides any occurrence 4 or 6 modules on.
    counted = (before | after) & ~(before << 4) & ~(before << 6)
    return _bits(counted)


def _format_info(error: str, mask: int) -> int:
    """The 15 format bits (BCH-coded error level and mask, XOR 0x5412)."""
    data = (_EC_BITS[error] << 3) | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    return ((data << 10) | (rem & 0x3FF)) ^ 0x5412


@lru_cache(maxsize=64)
def _layout(version: int) -> _Layout:
    n = 4 * version + 17
    function = np.zeros((n, n), dtype=bool)
    function[:9, :9] = function[:9, n - 8 :] = function[n - 8 :, :9] = True  # finders, format
    function[6, :] = function[:, 6] = True  # timing
    for r, c in _alignment_centres(version):
        function[r - 2 : r + 3, c - 2 : c + 3] = True
    info = np.zeros((n, n), dtype=bool)
    rows, cols, bits = _format_modules(n)
    info[rows, cols] = True
    info[n - 8, 8] = True  # dark module
    if version >= 7:
        function[:6, n - 11 : n - 8] = function[n - 11 : n - 8, :6] = True
        info[:6, n - 11 : n - 8] = info[n - 11 : n - 8, :6] = True
    i, j = np.indices((n, n))
    patterns = [
        (i + j) % 2 == 0,
        i % 2 == 0,
        j % 3 == 0,
        (i + j) % 3 == 0,
        (i // 2 + j // 3) % 2 == 0,
        (i * j) % 2 + (i * j) % 3 == 0,
        ((i * j) % 2 + (i * j) % 3) % 2 == 0,
        ((i + j) % 2 + (i * j) % 3) % 2 == 0,
    ]
    masks = (np.stack(patterns) & ~function).astype(np.uint8)
    return _Layout(n, masks, line_words(masks), info, rows, cols, bits)


def _format_modules(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, column and bit number of the format modules, in segno's writing order."""
    cells = []
    for i in range(8):
        skip = int(i >= 6)  # the timing pattern
        cells += [(i + skip, 8, i), (8, i + skip, 14 - i), (8, n - 1 - i, i)]
        if i != 7:  # (n - 8, 8) is the dark module, always dark
            cells.append((n - 1 - i, 8, 14 - i))
    rows, cols, bits = np.array(cells).T
    return rows, cols, bits


def _alignment_centres(version: int) -> list[tuple[int, int]]:
    """Centres of the alignment patterns (ISO/IEC 18004 annex E), none on a finder."""
    if version < 2:
        return []
    count = version // 7 + 2
    n = 4 * version + 17
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    positions = [6] + [n - 7 - k * step for k in reversed(range(count - 1))]
    corners = {(6, 6), (6, n - 7), (n - 7, 6)}
    return [(r, c) for r, c in product(positions, positions) if (r, c) not in corners]
