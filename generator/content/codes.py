"""Identifier rules: USCC (GB 32100), fixed-source codes and outlet codes (HJ 608)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

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

_DIVISION_RE = re.compile(r"^\d{6}$")
_INDUSTRY_RE = re.compile(r"^\d{4}$")
_BODY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: How many wrong characters a message lists before it says "…".
_SHOWN_AT_MOST = 4
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_FIXED_RE = re.compile(r"^(?P<uscc>.{18})(?P<site>\d{3})(?P<letter>[A-Z])$")
_OUTLET_RE = re.compile(r"^D(?P<element>[A-Z])(?P<number>\d{3})$")


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _character_fault(ch: str) -> str | None:
    """Why one character may not be in a code, or None if it may (ASCII digit or capital)."""
    if ch.isascii() and (ch.isdigit() or ch.isupper()):
        return None
    if ch.isascii() and ch.islower():
        return "小写字母"
    if ch.isspace():
        return "空格"
    if unicodedata.category(ch) in ("Cf", "Cc"):
        return f"不可见字符 U+{ord(ch):04X}"
    if unicodedata.east_asian_width(ch) == "F":
        return "全角字符"
    if ch.isascii():
        return "符号"
    name = unicodedata.name(ch, "")
    return f"非英文字符（U+{ord(ch):04X} {name}，可能是形似的其他文字）".replace(" ，", "，")


def _fault_text(n: int, ch: str, fault: str) -> str:
    return f"第{n}位是{fault}" if fault.startswith("不可见") else f"第{n}位“{ch}”是{fault}"


def suggested_code(code: str) -> str:
    """The code as it was probably meant: half-width, capitals, without spaces or invisibles."""
    text = unicodedata.normalize("NFKC", code)
    kept = (ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))
    return "".join(kept).upper()


def characters_problem(code: str, what: str) -> str | None:
    """Explain which characters of ``code`` are not half-width digits or capitals, or None.

    Codes become addresses and QR codes, so nothing is silently corrected: full-width
    characters, look-alike letters of other scripts, lower case, spaces and zero-width
    characters are refused, and the message shows the probable correct form.
    """
    if not isinstance(code, str):
        return f"{what}应为文字"
    if code.isascii() and code.isalnum() and code == code.upper():
        return None  # fast path: every valid code, in C
    faults = [(n, ch, f) for n, ch in enumerate(code, 1) if (f := _character_fault(ch))]
    if not faults:
        return None
    shown = "、".join(_fault_text(n, ch, fault) for n, ch, fault in faults[:_SHOWN_AT_MOST])
    more = f"等 {len(faults)} 处" if len(faults) > _SHOWN_AT_MOST else ""
    message = f"{what}只能用半角数字和大写英文字母：{shown}{more}"
    fixed = suggested_code(code)
    if fixed != code and fixed.isascii() and fixed.isalnum():
        message += f"；应为 {fixed}"
    return message


def uscc_problem(code: str) -> str | None:
    """Explain in plain Chinese what is wrong with a USCC, or return None if it is valid."""
    problem = characters_problem(code, "统一社会信用代码")
    if problem:
        return problem
    if len(code) != 18:
        return "统一社会信用代码应为18位"
    if not _USCC_RE.match(code):
        return "统一社会信用代码含有不允许的字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为 {expected}，实为 {code[17]}"
    return None


def fixed_source_problem(code: str) -> str | None:
    """Explain what is wrong with a 22-character fixed-source code, or return None."""
    problem = characters_problem(code, "排污单位编码")
    if problem:
        return problem
    if len(code) != 22:
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
    problem = characters_problem(code, "排放口编号")
    if problem:
        return problem
    match = _OUTLET_RE.match(code)
    if not match:
        return "排放口编号应为 D + 类别字母 + 3位数字，如 DA001（废气）、DW001（废水）"
    if match["element"] not in OUTLET_ELEMENTS:
        return f"排放口编号第2位 {match['element']} 不是已知类别（A 废气、W 废水）"
    return None


#: An MN (数采仪编号, HJ 212-2017): 14 to 24 Latin letters and digits.
MN_LENGTH = (14, 24)
_MN_RE = re.compile(r"[0-9A-Z]+")


def mn_problem(mn: str) -> str | None:
    """Explain what is wrong with a data logger's MN (HJ 212), or return None."""
    problem = characters_problem(mn, "数采仪编号（MN）")
    if problem:
        return problem
    low, high = MN_LENGTH
    if not _MN_RE.fullmatch(mn):
        return f"数采仪编号（MN）只能由大写英文字母和数字组成，实为 {mn}"
    if not low <= len(mn) <= high:
        return f"数采仪编号（MN）应为 {low}–{high} 位，实为 {len(mn)} 位：{mn}"
    return None


def division_problem(code: str) -> str | None:
    """Explain what is wrong with the form of a GB/T 2260 division code, or return None."""
    problem = characters_problem(code, "行政区划代码")
    if problem:
        return problem
    if not _DIVISION_RE.match(code):
        return f"行政区划代码应为6位数字（GB/T 2260，如 450126），实为 {code}"
    return None


def industry_problem(code: str) -> str | None:
    """Explain what is wrong with a GB/T 4754 industry code (4 digits), or return None."""
    problem = characters_problem(code, "行业代码")
    if problem:
        return problem
    if not _INDUSTRY_RE.match(code):
        return f"行业代码应为4位数字（GB/T 4754 小类，如 1340），实为 {code}"
    return None


def body_id_problem(ident: str) -> str | None:
    """Explain what is wrong with an enforcement body id such as nn-binyang, or return None."""
    if not isinstance(ident, str) or not _BODY_ID_RE.match(ident):
        return "执法机构编号只能用小写英文字母、数字和连字符，如 nn-binyang"
    return None


def web_address(text: str) -> bool:
    """True for an absolute http(s) address with a host, without spaces, control characters,
    backslashes or a user part (``https://gov.cn@evil.example/`` goes to evil.example)."""
    if "\\" in text:
        return False
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc


def outlet_kind(code: str) -> str:
    """Return 'gas' or 'water' for a valid outlet code."""
    return OUTLET_ELEMENTS[code[1]]


def make_uscc(first17: str) -> str:
    """Complete 17 characters into a valid USCC by appending its check character."""
    return first17 + uscc_check_char(first17)
