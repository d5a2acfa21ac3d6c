"""Identifier rules: USCC (GB 32100), fixed-source codes and outlet codes (HJ 608)."""

from __future__ import annotations

import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: Meaning of the 22nd character of a fixed-source code. Only ``P`` is confirmed
#: (HJ 608-2017); the registration letter is believed to be ``W`` (unconfirmed).
FIXED_SOURCE_LETTERS = {
    "P": "排污许可证",
    "W": "排污登记",
}

#: Outlet element letter (HJ 608): the second character of an outlet code.
OUTLET_ELEMENTS = {"A": "gas", "W": "water"}
OUTLET_ELEMENT_LABELS = {"gas": "废气", "water": "废水"}

_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_FIXED_RE = re.compile(r"^(?P<uscc>.{18})(?P<site>\d{3})(?P<letter>[A-Z])$")
_OUTLET_RE = re.compile(r"^D(?P<element>[A-Z])(?P<number>\d{3})$")


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Explain in plain Chinese what is wrong with a USCC, or return None if it is valid."""
    if not isinstance(code, str) or len(code) != 18:
        return "统一社会信用代码应为18位"
    if not _USCC_RE.match(code):
        return "统一社会信用代码含有不允许的字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为 {expected}，实为 {code[17]}"
    return None


def fixed_source_problem(code: str) -> str | None:
    """Explain what is wrong with a 22-character fixed-source code, or return None."""
    if not isinstance(code, str) or len(code) != 22:
        return "排污单位编码（固定污染源编码）应为22位：18位统一社会信用代码 + 3位序号 + 1位字母"
    match = _FIXED_RE.match(code)
    if not match:
        return "排污单位编码第19–21位应为3位数字序号，第22位应为大写字母"
    problem = uscc_problem(match["uscc"])
    if problem:
        return f"排污单位编码的前18位有误：{problem}"
    if match["letter"] not in FIXED_SOURCE_LETTERS:
        known = "、".join(FIXED_SOURCE_LETTERS)
        return f"排污单位编码第22位 {match['letter']} 不是已知类型（可用：{known}）"
    return None


def outlet_problem(code: str) -> str | None:
    """Explain what is wrong with an outlet code such as DA001 or DW001, or return None."""
    match = _OUTLET_RE.match(code) if isinstance(code, str) else None
    if not match:
        return "排放口编号应为 D + 类别字母 + 3位数字，如 DA001（废气）、DW001（废水）"
    if match["element"] not in OUTLET_ELEMENTS:
        return f"排放口编号第2位 {match['element']} 不是已知类别（A 废气、W 废水）"
    return None


def outlet_kind(code: str) -> str:
    """Return 'gas' or 'water' for a valid outlet code."""
    return OUTLET_ELEMENTS[code[1]]


def make_uscc(first17: str) -> str:
    """Complete 17 characters into a valid USCC by appending its check character."""
    return first17 + uscc_check_char(first17)
