"""Sign codes hold the printed address: alphanumeric after a lower-case scheme, smaller codes.

Issue 19: ``https://HOST/E/<shard>/<code>/`` instead of ``https://host/e/…``, encoded as a
byte segment (``https``) and an alphanumeric one, read back exactly by every decoder.
"""

from __future__ import annotations

import datetime as dt
import random
import string

import pytest
import segno

from generator import urls
from generator.content.readers import load_site
from generator.qr import readable as qrread
from generator.qr.segments import ALPHANUMERIC, make_compact, segments
from generator.signs import SignOptions, unit_signs

from .test_masks import FIXTURES, _Matrix

PROD = "https://yimatong.sthjt.gxzf.gov.cn"
CODE = "91450126MA5L3K2R5Q001P"
PRINTED = dt.date(2026, 3, 17)
#: Sign types and the options that make them (landscape, square, both warning sizes).
SIGN_TYPES = {
    "outlet 480x300": {},
    "outlet 420x420": {"outlet_mm": (420.0, 420.0)},
    "warning 420": {"style": "warning", "warning_mm": 420.0},
    "warning 560": {"style": "warning", "warning_mm": 560.0},
}


@pytest.mark.parametrize(
    ("base_url", "path", "expected"),
    [
        (PROD, urls.unit_path(CODE), f"https://YIMATONG.STHJT.GXZF.GOV.CN/E/5Q/{CODE}/"),
        (
            PROD + "/",
            urls.outlet_path(CODE, "DW001"),
            f"https://YIMATONG.STHJT.GXZF.GOV.CN/E/5Q/{CODE}/DW001/",
        ),
        ("HTTPS://Ymt.Example.CN", urls.unit_path(CODE), f"https://YMT.EXAMPLE.CN/E/5Q/{CODE}/"),
        ("http://localhost:8000", urls.unit_path(CODE), f"http://LOCALHOST:8000/E/5Q/{CODE}/"),
        (
            "https://www.example.cn/ymt/",
            urls.unit_path(CODE),
            f"https://WWW.EXAMPLE.CN/ymt/E/5Q/{CODE}/",
        ),
    ],
)
def test_printed_address_spells_host_and_prefix_in_upper_case(base_url, path, expected):
    assert urls.printed(base_url, path) == expected


@pytest.mark.parametrize(
    ("base_url", "path"),
    [(PROD, "/area/450100/"), (PROD, "/"), ("yimatong.example.cn", urls.unit_path(CODE))],
)
def test_printed_refuses_other_pages_and_addresses_without_scheme(base_url, path):
    with pytest.raises(ValueError, match="地址"):
        urls.printed(base_url, path)


def test_segments_keep_long_alphanumeric_runs_apart():
    address = f"https://YMT.EXAMPLE.CN/E/5Q/{CODE}/"
    assert segments(address) == ["https", address[5:]]
    assert segments(f"https://YMT.EXAMPLE.CN/ymt/E/5Q/{CODE}/") == [
        "https",
        "://YMT.EXAMPLE.CN/",
        "ymt",
        f"/E/5Q/{CODE}/",
    ]
    # Short alphanumeric runs are not worth a segment header: one segment.
    assert segments("https://ymt.example.cn/e/") == ["https://ymt.example.cn/e/"]
    assert "".join(segments("a1B2c3D4" * 5)) == "a1B2c3D4" * 5


def _random_addresses(count: int) -> list[str]:
    rng = random.Random(19)
    found = []
    for n in range(count):
        host = ".".join(
            "".join(rng.choices(string.ascii_letters + string.digits + "-", k=rng.randint(2, 12)))
            for _ in range(rng.randint(2, 4))
        )
        path = rng.choice(["", "/ymt", "/Site-A", "/a/b"])
        code = "".join(rng.choices(string.ascii_uppercase + string.digits, k=22))
        outlet = rng.choice(["", "DW001/", "DA012/"])
        base = f"{rng.choice(['https', 'http'])}://{host}{path}"
        found.append(urls.printed(base, f"/e/{code[16:18]}/{code}/{outlet}") if n % 2 else base)
    return found


@pytest.mark.parametrize("error", ["H", "Q"])
def test_compact_code_is_never_larger_and_reads_back_exactly(error):
    for text in _random_addresses(60):
        compact = make_compact(text, error)
        assert compact.version <= segno.make_qr(text, error=error, boost_error=True).version
        assert qrread.read_zxing(qrread.code_image(compact, 4)) == [text], text


def _signs(base_url: str, **options) -> list:
    site = load_site(FIXTURES)
    opts = SignOptions(base_url=base_url, printed=PRINTED, **options)
    return [s for u in site.units for s in unit_signs(site, u, opts)]


def _page_path(sign) -> str:
    if sign.kind == "gate":
        return urls.unit_path(sign.unit_code)
    return urls.outlet_path(sign.unit_code, sign.name)


def _byte_mode_version(base_url: str, sign) -> int:
    """The version the page's own address needs in one byte segment (before issue 19)."""
    before = urls.absolute(base_url, _page_path(sign))
    return segno.make_qr(before, error="H", boost_error=True).version


@pytest.mark.parametrize("kind", SIGN_TYPES)
@pytest.mark.parametrize("base_url", [PROD, "https://yimatong.example.cn"])
def test_every_sign_type_holds_a_smaller_alphanumeric_code(kind, base_url):
    signs = _signs(base_url, **SIGN_TYPES[kind])
    for sign in signs:
        address = sign.qr.url
        assert address.startswith("https://") and set(address[len("https") :]) <= ALPHANUMERIC
        assert sign.qr.error == "H"
        assert sign.qr.version < _byte_mode_version(base_url, sign), address


def test_production_address_versions():
    """The numbers docs/signs.md gives: gate 7 → 6, outlet 8 → 6 at level H."""
    versions = {(s.kind, s.qr.version) for s in _signs(PROD)}
    assert versions == {("gate", 6), ("outlet", 6)}


@pytest.mark.parametrize("kind", SIGN_TYPES)
def test_every_new_code_reads_exactly_with_every_decoder(kind):
    """zxing-cpp, OpenCV and the WeChat engine, clean, at 3 to 6 pixels a module; the mask
    chosen per code keeps working on the mixed-mode codes."""
    for sign in _signs(PROD, **SIGN_TYPES[kind]):
        expected = urls.printed(PROD, _page_path(sign))
        assert sign.qr.url == expected
        assert qrread.failures(_Matrix(sign.qr), expected) == [], expected
