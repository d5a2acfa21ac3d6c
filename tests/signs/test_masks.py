"""Every printed code reads with every decoder, clean, at 3 to 6 pixels a module (issue 19)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import segno

from generator.content.readers import load_site
from generator.qr import readable as qrread
from generator.qr.mask import apply_mask, mask_ranking
from generator.qr.segments import make_compact, segments
from generator.signs import SignOptions, unit_signs

from .conftest import BASE_URL, PRINTED, rasterise

FIXTURES = Path(__file__).parents[1] / "fixtures" / "content"
# Printed (mixed-mode) codes whose best-scoring mask fails OpenCV at some scale.
HARD_URLS = (
    "https://YIMATONG.STHJT.GXZF.GOV.CN/E/7E/91450210MA35KFX57E001P/",
    "https://YIMATONG.STHJT.GXZF.GOV.CN/E/HK/91450450MA3H7YKDHK001P/DW001/",
)


def _printed_codes(base_url: str) -> list:
    site = load_site(FIXTURES)
    opts = SignOptions(base_url=base_url, printed=PRINTED)
    return [s.qr for u in site.units for s in unit_signs(site, u, opts)]


def _as_segno_matrix(qr) -> tuple:
    return tuple(bytearray(int(v) for v in row) for row in qr.matrix)


class _Matrix:
    """Just enough of a segno code for ``qrread.code_image``."""

    def __init__(self, qr) -> None:
        self.matrix = _as_segno_matrix(qr)


@pytest.mark.parametrize("base_url", [BASE_URL, "https://yimatong.example.cn"])
def test_every_printed_code_reads_with_every_decoder(base_url):
    codes = _printed_codes(base_url)
    assert len(codes) == 8  # 4 gate signs + 4 outlet signs
    for qr in codes:
        assert qrread.failures(_Matrix(qr), qr.url) == [], qr.url


def test_printed_codes_read_at_two_pixels_with_zxing_and_wechat():
    two = {k: qrread.DECODERS[k] for k in ("zxing-cpp", "wechat")}
    for qr in _printed_codes(BASE_URL):
        assert qrread.failures(_Matrix(qr), qr.url, (2,), two) == [], qr.url


@pytest.mark.parametrize("url", HARD_URLS)
def test_best_scoring_mask_is_replaced_when_a_decoder_misses_it(url):
    scored = make_compact(url, "H")
    assert len(scored.matrix) < len(segno.make_qr(url, error="H").matrix)  # mixed mode
    assert qrread.failures(scored, url) != []  # the penalty rule's choice misses somewhere
    chosen = qrread.readable(url, "h")
    assert chosen.mask != scored.mask
    assert qrread.failures(chosen, url) == []
    # Still a standard code: segno makes the same matrix when told to use that mask.
    same = make_compact(url, "H", mask=chosen.mask)
    assert chosen.matrix == same.matrix


def test_ranking_and_masks_agree_with_segno():
    url = segments(HARD_URLS[0])
    ranking = mask_ranking(segno.make_qr(url, error="H", mask=0))
    assert sorted(ranking) == list(range(8))
    assert ranking[0] == segno.make_qr(url, error="H").mask
    for mask in range(8):
        ours = apply_mask(segno.make_qr(url, error="H", mask=0), mask)
        assert ours.matrix == segno.make_qr(url, error="H", mask=mask).matrix


def test_misses_are_noticed():
    """Control: a code for another address counts as missed by every decoder and scale."""
    code = segno.make_qr(HARD_URLS[0] + "x", error="H")
    assert len(qrread.failures(code, HARD_URLS[0])) == 3 * len(qrread.CHECK_SCALES)


@pytest.mark.parametrize("module_px", [3, 4, 6])
@pytest.mark.parametrize("name", ["gate", "DW001"])
def test_rasterised_sign_reads_with_two_decoders(written, name, module_px):
    """The whole print master, rasterised so a module is ``module_px`` pixels."""
    unit = written.site.units[0]
    sign = written.signs[(unit.code, name)]
    dpi = module_px * 25.4 / sign.qr.module_mm
    page = np.asarray(rasterise(written.pdf(unit.code, name), dpi=round(dpi)))
    assert qrread.read_zxing(page) == [sign.url]
    assert qrread.read_wechat(page) == [sign.url]
