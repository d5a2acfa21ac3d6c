"""Compact QR codes: the text cut into segments, alphanumeric mode wherever it pays.

QR's alphanumeric mode (ISO/IEC 18004 7.4.4: digits, upper-case letters, space and
``$%*+-./:``) takes 5.5 bits a character, byte mode 8. segno chooses one mode for a whole
string, so ``https://YMT.EXAMPLE.CN/E/…`` would go into byte mode because of its lower-case
scheme. Given a list of strings segno encodes each as its own segment in its own mode (the
symbol holds them one after the other, a standard mixed-mode symbol; decoders return the
joined text). Here the text is cut into runs of alphanumeric and of other characters; a run
too short to repay a segment header stays with its neighbour; the smaller of that and the
one-segment code is kept.
"""

from __future__ import annotations

import segno

from generator.qr.mask import qr_version

#: QR's alphanumeric character set.
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
#: A segment header costs 4 + 9..13 bits and splitting a byte run another 4 + 8..16; an
#: alphanumeric run saves 2.5 bits a character, so shorter runs are not worth their header.
MIN_RUN = 12


def segments(text: str) -> list[str]:
    """``text`` cut into runs for segno: alphanumeric runs of at least ``MIN_RUN`` characters
    (shorter at the ends, where only one header is paid) and the rest between them."""
    runs: list[list] = []  # [is_alphanumeric, text]
    for char in text:
        kind = char in ALPHANUMERIC
        if runs and runs[-1][0] == kind:
            runs[-1][1] += char
        else:
            runs.append([kind, char])
    merged: list[list] = []
    for i, (kind, part) in enumerate(runs):
        at_end = i in (0, len(runs) - 1)
        if kind and len(part) < (MIN_RUN // 2 if at_end else MIN_RUN):
            kind = False
        if merged and merged[-1][0] == kind:
            merged[-1][1] += part
        else:
            merged.append([kind, part])
    return [part for _, part in merged]


def make_compact(text: str, error: str, mask: int | None = None) -> segno.QRCode:
    """The smallest QR code for ``text`` at error level ``error`` (boosted where free): cut
    into segments when that gives a smaller version, else one segment as segno chooses."""
    whole = segno.make_qr(text, error=error, boost_error=True, mask=mask)
    parts = segments(text)
    if len(parts) == 1:
        return whole
    # segno's stub says content is int, str or bytes; make_qr also takes a list of segments
    # (segno.encoder.prepare_data iterates it), which is what this module is for.
    cut = segno.make_qr(parts, error=error, boost_error=True, mask=mask)  # type: ignore[arg-type]
    return cut if qr_version(cut) < qr_version(whole) else whole
