"""Find and mask personal data in any text shown outside the handling body (docs/feedback.md).

The last line of defence after an officer's moderation: mainland mobiles and landlines (also
with +86, spaces, dashes, full-width or Chinese digits), e-mail addresses (also "at"/"dot"
spellings), 居民身份证 numbers (18 digits with X, and 15 digits), bank card numbers, QQ and
WeChat accounts, and a name given after 姓名/联系人/我叫. Phones are also found by
``phonenumbers`` (Google's libphonenumber) for formats the patterns do not foresee.
Masking over-reaches rather than under-reaches: a masked word is better than a leaked phone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

import phonenumbers

#: One character for one character, so positions found in the folded text hold in the original.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x3002: 0x2E, 0x2212: 0x2D, 0x30FC: 0x2D})
_FOLD.update({code: 0x2D for code in range(0x2010, 0x2016)})
_FOLD.update({ord(c): ord(str(i)) for i, c in enumerate("〇一二三四五六七八九")})
_FOLD.update({ord(c): ord(str(i)) for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")})
_FOLD.update({ord("幺"): ord("1"), ord("两"): ord("2")})
#: Circled, parenthesised and dingbat digits (①, ⓪, ❶, ➀, ㊀ ...) as their digit.
_FOLD.update(
    {
        code: ord(str(unicodedata.digit(chr(code))))
        for code in [*range(0x2460, 0x2800), *range(0x3280, 0x3290)]
        if unicodedata.digit(chr(code), None) is not None
    }
)
_FOLD.update({code: ord(str(n)) for n, code in enumerate(range(0x3280, 0x3289), start=1)})

#: Up to three characters between two digits that are neither letters nor digits: blanks,
#: dashes, dots, brackets, any punctuation or symbol (、；~*), keycap and variation marks.
SEP = r"[\W_]{0,3}"


def _digits(count: int) -> str:
    """``count`` digits, any of them separated by spaces, dashes, dots or brackets."""
    return rf"\d(?:{SEP}\d){{{count - 1}}}"


MASKS = {
    "id": "〔证件号已隐去〕",
    "card": "〔卡号已隐去〕",
    "phone": "〔电话已隐去〕",
    "email": "〔邮箱已隐去〕",
    "account": "〔账号已隐去〕",
    "name": "〔姓名已隐去〕",
}

_AT = r"(?:@|\(at\)|\[at\]|\{at\}|<at>|\sat(?:\s+sign)?\s|艾特|#|圈|小老鼠|老鼠)"
_DOT = r"(?:\.|\(dot\)|\[dot\]|\{dot\}|\sdot\s|点|句号)"
#: A spelled dot inside the local part ("zhang dot san at ..."): only with blanks or brackets.
_LOCAL_DOT = r"(?:\s+dot\s+|\(dot\)|\[dot\]|点)"
_PHONE_WORDS = r"(?:电话|手机|联系方式|联系电话|座机|号码|tel|phone|mobile|call|打给我|致电)"

#: Common surnames: after 我是/举报人/本人 a surname and one or two characters standing alone
#: ("我是张三，") is a name, while "我是周边居民" (no break after two or three) is not.
SURNAMES = "|".join(
    ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯"]
    + list(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
        "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
        "顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
        "关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华"
        "喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗"
        "瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    )
)

#: (kind, pattern, group to mask: 0 = the whole match).
PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("id", re.compile(rf"(?<!\d){_digits(17)}{SEP}[\dXx](?![\dA-Za-z])"), 0),
    ("id", re.compile(rf"(?<!\d){_digits(15)}(?!\d)"), 0),
    ("card", re.compile(rf"(?<!\d){_digits(16)}(?:{SEP}\d){{0,3}}(?!\d)"), 0),
    (
        "phone",
        re.compile(
            rf"(?<!\d)(?:\(?(?:(?:\+|00){SEP})?86\)?{SEP})?1{SEP}[3-9](?:{SEP}\d){{9}}(?!\d)"
        ),
        0,
    ),
    (
        "phone",
        re.compile(
            rf"(?<!\d)(?:(?:\+|00){SEP}86{SEP}\(?|\(?0)[1-9]\d{{1,2}}\)?{SEP}[1-9](?:{SEP}\d){{6,7}}"
            r"(?:\s*(?:转|ext\.?|x|-)\s*\d{1,6})?(?!\d)",
            re.IGNORECASE,
        ),
        0,
    ),
    ("phone", re.compile(rf"(?<!\d)[48]00{SEP}{_digits(7)}(?!\d)"), 0),
    (
        "phone",
        re.compile(rf"{_PHONE_WORDS}[^\d\n]{{0,6}}(\d(?:{SEP}\d){{4,}})", re.IGNORECASE),
        1,
    ),
    (
        "email",
        re.compile(
            rf"(?<![\w.%+\-])[\w.%+\-]+(?:{_LOCAL_DOT}[\w%+\-]+)*\s*{_AT}\s*[A-Za-z0-9\-]+(?:\s*{_DOT}\s*[A-Za-z0-9\-]+)*\s*{_DOT}\s*[A-Za-z]{{2,}}",
            re.IGNORECASE | re.ASCII,
        ),
        0,
    ),
    ("phone", re.compile(r"(?:尾号|后四位|末四位|后4位|末4位)\s*[:：是为]?\s*(\d{3,4})"), 1),
    ("email", re.compile(r"(?<![\w.%+\-])[\w.%+\-]+\s*@\s*[\w\-]+(?:\.[\w\-]+)+"), 0),
    ("account", re.compile(r"@[\w\-]{2,30}"), 0),
    (
        "account",
        re.compile(
            r"(?:(?:微|威|薇|维|徽|卫)信号?|wechat|weixin|v信|vx|wx|加\s*v|q\s*q号?|扣扣|企鹅号?)"
            r"\s*(?:号码|号|帐号|账号|id)?\s*[:：是为]?\s*"
            r"([A-Za-z0-9_\-]{5,30})",
            re.IGNORECASE,
        ),
        1,
    ),
    (
        "name",
        re.compile(
            r"(?:姓名|联系人|我叫|本人姓(?!名)|我姓|名叫|署名)\s*[:：是为]?\s*([\u4e00-\u9fff·]{1,4})"
        ),
        1,
    ),
    (
        "name",
        re.compile(
            rf"(?:我是|举报人|反映人|本人|鄙人|在下)\s*(?:是|为|叫)?\s*[:：]?\s*"
            rf"((?:{SURNAMES})(?:(?![的了们者])[\u4e00-\u9fff]){{1,2}})(?![\u4e00-\u9fff])"
        ),
        1,
    ),
)


#: A mobile written in groups with words between them ("138加0013加8000", "138的0013的8000"):
#: groups of two to five digits, the first of three or more starting 13-19, up to four
#: characters between.
_GROUPED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{1,3}(?:[^\d\n]{1,4}\d{2,5}){1,4}")
_GROUP = re.compile(r"\d+")
MOBILE_DIGITS = 11


def _grouped_mobiles(folded: str) -> Iterator[tuple[int, int, str]]:
    """Mobiles split by words: the groups from a 1[3-9] start that add up to eleven digits."""
    for match in _GROUPED_MOBILE.finditer(folded):
        count = 0
        for group in _GROUP.finditer(folded, match.start(), match.end()):
            count += len(group.group())
            if count >= MOBILE_DIGITS:
                if count == MOBILE_DIGITS:
                    yield match.start(), group.end(), "phone"
                break


def fold(text: str) -> str:
    """Full-width, ideographic and Chinese-numeral characters as ASCII, one for one."""
    return text.translate(_FOLD)


#: Letters written for digits to slip past a filter (138OO13800O, l39...).
_LOOKALIKE = str.maketrans("OoIl|", "00111")
NUMBERS = ("id", "card", "phone")


def _pattern_spans(text: str) -> Iterator[tuple[int, int, str]]:
    folded = fold(text)
    lookalike = folded.translate(_LOOKALIKE)
    for kind, pattern, group in PATTERNS:
        # Names are matched in the original: a folded 七 would be a digit.
        texts = [text] if kind == "name" else [folded]
        if kind in NUMBERS:
            texts.append(lookalike)
        for candidate in texts:
            for match in pattern.finditer(candidate):
                start, end = match.span(group)
                if end > start:
                    yield start, end, kind
    for candidate in (folded, lookalike):
        yield from _grouped_mobiles(candidate)


def known_pattern(value: str) -> tuple[str, re.Pattern[str]] | None:
    """(kind, pattern) finding one known value of the reporter in any spacing, or None.

    A phone is matched by its digits with any separators; a name or an e-mail letter by
    letter with optional blanks between. Values of fewer than two letters or five digits
    would mask ordinary words and are skipped.
    """
    folded = "".join(fold(value or "").split())
    digits = re.sub(r"\D", "", folded)
    if digits and not re.search(r"[^\W\d_]", folded):  # no letters: a number
        if len(digits) < 5:
            return None
        body = SEP.join(digits[-11:] if len(digits) > 11 else digits)
        return "phone", re.compile(rf"(?<!\d){body}(?!\d)")
    if len(folded) < 2:
        return None
    kind = "email" if "@" in folded else "name"
    body = r"\s*".join(map(re.escape, folded))
    if folded[0].isascii() and folded[0].isalnum():
        body = r"(?<![A-Za-z0-9])" + body
    if folded[-1].isascii() and folded[-1].isalnum():
        body += r"(?![A-Za-z0-9])"
    return kind, re.compile(body, re.IGNORECASE)


def _known_spans(text: str, known: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    folded = fold(text)
    for value in known:
        found = known_pattern(value)
        if found is not None:
            for match in found[1].finditer(folded):
                yield match.start(), match.end(), found[0]


def _library_spans(text: str) -> Iterator[tuple[int, int, str]]:
    matcher = phonenumbers.PhoneNumberMatcher(text, "CN", leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        yield match.start, match.end, "phone"


def find(text: str, known: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """Spans (start, end, kind) of personal data in ``text``, merged, in order.

    ``known`` are values the reporter gave (name, phone, e-mail): found in any spacing too.
    """
    if not text:
        return []
    order = {kind: n for n, kind in enumerate(MASKS)}
    found = [*_pattern_spans(text), *_library_spans(text), *_known_spans(text, known)]
    spans = sorted(found, key=lambda s: (s[0], -s[1], order[s[2]]))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, kind))
    return merged


def mask(text: str | None, known: Iterable[str] = ()) -> str:
    """``text`` with every phone, e-mail, ID, card number, account and known or named name masked."""
    if not text:
        return text or ""
    out, last = [], 0
    for start, end, kind in find(text, known):
        out.append(text[last:start])
        out.append(MASKS[kind])
        last = end
    out.append(text[last:])
    return "".join(out)


def has_personal_data(text: str | None) -> bool:
    """Whether ``text`` contains anything :func:`mask` would hide."""
    return bool(find(text or ""))
