"""Identifier checks: USCC check characters, fixed-source and outlet codes."""

from generator.content.codes import (
    fixed_source_problem,
    make_uscc,
    outlet_kind,
    outlet_problem,
    uscc_check_char,
    uscc_problem,
)


def test_known_valid_usccs():
    for code in ("91130200699229617X", "911302307808371268", "91450126MA5L3K2R5Q"):
        assert uscc_problem(code) is None


def test_check_character_is_named_in_the_message():
    problem = uscc_problem("91450126MA5L3K2R5A")
    assert "校验位" in problem and "Q" in problem


def test_forbidden_letters_and_length():
    assert "18位" in uscc_problem("9145")
    assert "不允许的字符" in uscc_problem("91450126MA5L3K2RSQ")


def test_make_uscc_round_trips():
    code = make_uscc("91450126MA5L3K2R5")
    assert code[-1] == uscc_check_char(code[:17]) and uscc_problem(code) is None


def test_fixed_source_codes():
    assert fixed_source_problem("91450126MA5L3K2R5Q001P") is None
    assert fixed_source_problem("92450324MA5R2W6X1P001W") is None
    assert "22位" in fixed_source_problem("91450126MA5L3K2R5Q01P")
    assert "序号" in fixed_source_problem("91450126MA5L3K2R5Q0A1P")
    assert "不是已知类型" in fixed_source_problem("91450126MA5L3K2R5Q001Q")
    assert "前18位" in fixed_source_problem("91450126MA5L3K2R5A001P")


def test_outlet_codes():
    assert outlet_problem("DA001") is None and outlet_kind("DA001") == "gas"
    assert outlet_problem("DW012") is None and outlet_kind("DW012") == "water"
    assert "DA001" in outlet_problem("DA01")
    assert "不是已知类别" in outlet_problem("DX001")
