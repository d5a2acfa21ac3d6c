"""The benchmark's query set: every class, the truth recorded, typos one character away."""

from __future__ import annotations

from bench.search_queries import gate_name, make_cases
from generator.search.names import core, gate, place_forms, places
from generator.search.sound import readings


def test_every_class_with_its_truth(sample_site):
    cases = make_cases(sample_site, 5, seed=3)
    kinds = {c.kind for c in cases}
    assert len(kinds) == 21 and len(cases) == 105
    codes = {u.code for u in sample_site.units}
    for case in cases:
        if case.kind == "泛查询":
            assert not case.truth
        elif case.kind == "违法行为":
            assert case.truth == "violation:" + case.text
        else:
            assert case.truth in codes
        if case.kind.endswith("记得的"):  # the 字号 and what follows, from the name
            assert len(case.text) == int(case.kind[0]) and case.text in gate_name(
                next(u.name for u in sample_site.units if u.code == case.truth)
            )
        if case.kind.endswith("来源城市"):
            assert case.city == case.truth[2:6] + "00"
    assert make_cases(sample_site, 5, seed=3) == cases


def test_typos_are_one_character_away_and_homophones_read_alike(sample_site):
    for case in make_cases(sample_site, 20, seed=4):
        typed, meant = case.text, case.meant
        if case.kind == "同音字":
            assert len(typed) == len(meant)
            diff = [(a, b) for a, b in zip(typed, meant, strict=True) if a != b]
            assert len(diff) == 1 and readings(diff[0][0])[0] in readings(diff[0][1])
        elif case.kind == "少一字":
            assert len(typed) == len(meant) - 1
        elif case.kind == "多一字":
            assert len(typed) == len(meant) + 1
        if case.kind in ("同音字", "少一字", "多一字"):
            assert case.ambiguity >= 1


def test_short_forms_drop_the_company_form_and_the_place(fixture_site):
    prefixes = places(fixture_site)
    assert gate_name("广西宾阳宏达糖业有限公司") == "广西宾阳宏达糖业"
    assert gate("柳城县永丰纸业股份有限公司") == "柳城县永丰纸业"
    assert core("广西宾阳宏达糖业有限公司", prefixes) == "宏达糖业"
    assert core("南宁市宏达糖业有限公司", prefixes) == "宏达糖业"
    assert core("宏达糖业", prefixes) == ""  # nothing to drop
    assert core("广西有限公司", prefixes) == "广西"  # a place is kept when nothing else is
    assert place_forms("融水苗族自治县") == {"融水苗族自治县", "融水"}
    assert place_forms("藤县") == {"藤县"}
