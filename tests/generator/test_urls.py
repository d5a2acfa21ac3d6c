"""The published address scheme: short, stable, and spread over small folders."""

from collections import Counter

from generator import urls
from generator.content.codes import USCC_ALPHABET, make_uscc


def test_unit_and_outlet_paths():
    code = "91450126MA5L3K2R5Q001P"
    assert urls.unit_path(code) == "/e/5Q/91450126MA5L3K2R5Q001P/"
    assert urls.outlet_path(code, "DW001") == "/e/5Q/91450126MA5L3K2R5Q001P/DW001/"
    assert urls.absolute("https://ymt.example.cn/", urls.unit_path(code)).startswith(
        "https://ymt.example.cn/e/5Q/"
    )
    assert urls.unit_page_paths(code, ["DW001", "DA001"]) == [
        urls.unit_path(code),
        urls.outlet_path(code, "DW001"),
        urls.outlet_path(code, "DA001"),
    ]


def test_report_url():
    assert urls.report_url("https://fb.example/", "X") == "https://fb.example/report/X"
    assert urls.report_url("https://fb.example") == "https://fb.example/report"


def test_shard_depends_on_code_only_and_spreads_evenly():
    codes = []
    for n in range(20000):
        body = f"9145010{n:010d}"
        codes.append(make_uscc(body[:17]) + "001P")
    counts = Counter(urls.shard(c) for c in codes)
    assert all(len(s) == 2 and all(ch in USCC_ALPHABET for ch in s) for s in counts)
    # 961 possible shards; none may hold a large share of the units.
    assert max(counts.values()) < 20000 * 0.01
