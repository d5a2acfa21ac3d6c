"""Sign text breaks between words, values are never smaller than labels (issue 19)."""

from __future__ import annotations

import csv
import random

import pytest

from generator.content.model import Outlet, OutletPollutant
from generator.signs import SignOptions
from generator.signs.fonts import text_width, wrap
from generator.signs.layout import Text
from generator.signs.signboards import outlet_sign
from generator.signs.words import KEEP_WHOLE, segments

from .conftest import BASE_URL, PRINTED
from .factories import LONG_NAME, make_site, make_unit

PLACES = ("长安镇", "黎塘镇", "宾阳县", "南宁市", "东莞市", "青秀区", "那马村", "思陇乡")
COMPANY = ("有限公司", "有限责任公司", "股份有限公司", "分公司")
TRADES = ("宏达", "糖业", "热电", "造纸", "水泥", "化工", "循环经济", "产业园", "第二")
POLLUTANTS = (
    "林格曼黑度",
    "化学需氧量",
    "五日生化需氧量",
    "非甲烷总烃",
    "挥发性有机物",
    "二氧化硫",
    "氮氧化物",
    "颗粒物",
    "氨氮",
    "总磷（以P计）",
    "pH值",
    "悬浮物",
    "石油类",
)
_WORDS = (*KEEP_WHOLE, *PLACES, *COMPANY, "总磷（以P计）", "SO2", "NH3-N")
#: Words that must stay whole, leaving out those inside a longer one (生化需氧量).
WHOLE = tuple(w for w in _WORDS if not any(w != o and w in o for o in _WORDS))


def _names(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    names = []
    for _ in range(count):
        parts = [rng.choice(PLACES) for _ in range(rng.randint(1, 3))]
        parts += [rng.choice(TRADES) for _ in range(rng.randint(1, 4))]
        names.append("广西" + "".join(parts) + rng.choice(COMPANY))
        names.append("、".join(rng.sample(POLLUTANTS, rng.randint(3, 9))))
    return names


def _broken_words(text: str, lines: list[str], width: float = 1e9) -> list[str]:
    """Protected words of ``text`` no wider than ``width`` that a line break falls inside."""
    cuts, at = set(), 0
    for line in lines[:-1]:
        at = text.index(line, at) + len(line)
        cuts.add(at)
    broken = []
    # A word wider than the line (with the 、 after it) must break somewhere.
    for word in (w for w in WHOLE if text_width(w + "、", 10) <= width):
        start = text.find(word)
        while start >= 0:
            if any(start < cut < start + len(word) for cut in cuts):
                broken.append(word)
            start = text.find(word, start + 1)
    return broken


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_segments_put_the_text_back_together(seed):
    for text in _names(seed, 40):
        assert "".join(segments(text)) == text


@pytest.mark.parametrize("word", ["林格曼黑度", "有限公司", "长安镇", "黎塘镇", "总磷（以P计）"])
def test_examples_from_the_field_stay_whole(word):
    assert any(piece.startswith(word) for piece in segments(f"东莞市{word}、化学需氧量"))


@pytest.mark.parametrize("seed", [11, 12])
def test_lines_never_break_inside_a_word(seed):
    for text in _names(seed, 30):
        full = text_width(text, 10)
        for share in (0.22, 0.31, 0.4, 0.5, 0.63, 0.77):
            lines = wrap(text, 10, full * share)
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")
            assert _broken_words(text, lines, full * share) == [], (text, lines)


def _many_pollutants_sign():
    pollutants = tuple(OutletPollutant(name, "mg/L", 10) for name in POLLUTANTS)
    outlet = Outlet("DW001", "废水总排放口", "main", pollutants=pollutants)
    unit = make_unit(name=LONG_NAME, outlets=(outlet,))
    return outlet_sign(make_site(unit), unit, outlet, SignOptions(BASE_URL, printed=PRINTED))


def test_values_are_never_smaller_than_their_labels():
    sign = _many_pollutants_sign()
    texts = [s for s in sign.shapes if isinstance(s, Text)]
    rows = 0
    for i, label in enumerate(texts):
        if not label.text.endswith("："):
            continue
        rows += 1
        value = texts[i + 1]
        assert value.size >= label.size - 1e-9, (label.text, label.size, value.size)
    assert rows == 4


def test_long_pollutant_list_breaks_between_names():
    sign = _many_pollutants_sign()
    texts = [s for s in sign.shapes if isinstance(s, Text)]
    start = next(i for i, t in enumerate(texts) if t.text == "污染物种类：") + 1
    lines = [t.text for t in texts[start:] if t.size == texts[start].size and t.x == texts[start].x]
    joined = "、".join(POLLUTANTS)
    assert "".join(lines) == joined
    assert _broken_words(joined, lines) == []


def test_manifest_reports_the_smallest_text(written):
    rows = list(csv.DictReader((written.out / "manifest.csv").read_text("utf-8-sig").splitlines()))
    assert rows
    by_key = {(r["unit"], r["outlet"] or "gate"): r for r in rows}
    for key, sign in written.signs.items():
        texts = [s for s in sign.shapes if isinstance(s, Text) and sign.sign_id not in s.text]
        smallest = min(t.size for t in texts)
        assert by_key[key]["min_text_mm"] == f"{smallest:.1f}"
        assert float(by_key[key]["min_text_mm"]) >= 7
