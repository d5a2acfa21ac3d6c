"""What a citizen typed, checked and split into fragments; bad input gets a plain-Chinese reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.search.text import runs

MAX_LENGTH = 100
#: Query-language characters people paste from other search engines; we match them as nothing.
SYNTAX = set("*?~^:()[]{}+!&|\\/<>=")
QUOTES = {'"': '"', "“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
#: Operators and field prefixes (name:, AND) of query languages, dropped before matching.
OPERATORS = re.compile(r"\b(?:AND|OR|NOT)\b|\b[A-Za-z_]+:")
CODE_LIKE = re.compile(r"^[0-9A-Z]{4,27}$")
#: A USCC, a fixed-source code, or an outlet identifier (fixed-source code + outlet code).
FULL_CODE = re.compile(r"^[0-9A-Z]{18}([0-9]{3}[A-Z](D[A-Z][0-9]{3})?)?$")

EMPTY = "请输入要查找的内容：单位名称或简称中的几个字、地址、统一社会信用代码或许可证编号。"
TOO_LONG = f"查询内容太长（最多 {MAX_LENGTH} 个字）。请只输入名称、地址或编码中的一段。"
NO_TEXT = "没有可查找的文字。请输入汉字、字母或数字，标点符号不参与查找。"
TOO_SHORT = "一个字母或数字太短，请至少输入两个字母或数字，或者一个汉字。"
UNPAIRED = "引号不成对，已按普通文字查找。"
SYNTAX_IGNORED = "本站不支持 * ? : ( ) 等查询语法，这些符号已忽略，按普通文字查找。"


class QueryError(ValueError):
    """A query we cannot search, with the sentence shown to the citizen."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Fragment:
    """One run of letters, digits or Chinese characters from the query."""

    text: str  # folded (lower case, half-width)
    code: str = ""  # upper-case form when it looks like a code, else ""

    @property
    def single_char(self) -> bool:
        """True for one Chinese character, matched by prefix."""
        return len(self.text) == 1


@dataclass(frozen=True, slots=True)
class Query:
    """A checked query: its fragments, the whole as one key, and notices to show."""

    raw: str
    fragments: tuple[Fragment, ...]
    notices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The whole query folded into one key, for exact name and code matches."""
        return "".join(f.text for f in self.fragments)

    @property
    def full_code(self) -> str:
        """The query as a complete USCC, fixed-source code or outlet identifier, or ""."""
        key = self.key.upper()
        return key if len(self.fragments) == 1 and FULL_CODE.match(key) else ""


def _unpaired(raw: str) -> bool:
    for opening, closing in QUOTES.items():
        if opening == closing and raw.count(opening) % 2:
            return True
        if opening != closing and raw.count(opening) != raw.count(closing):
            return True
    return raw.count("'") % 2 == 1


def _notices(raw: str) -> list[str]:
    notices = [UNPAIRED] if _unpaired(raw) else []
    if any(char in SYNTAX for char in raw) or OPERATORS.search(raw):
        notices.append(SYNTAX_IGNORED)
    return notices


def _fragments(words: list[str]) -> list[Fragment]:
    fragments = []
    for word in words:
        if len(word) == 1 and word.isascii():
            continue  # one letter or digit matches almost everything
        upper = word.upper()
        fragments.append(Fragment(word, upper if CODE_LIKE.match(upper) else ""))
    return fragments


def parse(raw: str | None) -> Query:
    """Check ``raw`` and split it into fragments; raise QueryError with a reason.

    Operators are dropped before matching, unless nothing searchable would be left: then the
    words are taken as they stand (a search for 「AND」 or 「ph:」 finds and, ph).
    """
    raw = (raw or "").strip()
    if not raw:
        raise QueryError("empty", EMPTY)
    if len(raw) > MAX_LENGTH:
        raise QueryError("too_long", TOO_LONG)
    notices = _notices(raw)
    fragments = _fragments(runs(OPERATORS.sub(" ", raw))) or _fragments(runs(raw))
    if not fragments:
        raise QueryError("too_short", TOO_SHORT) if runs(raw) else QueryError("no_text", NO_TEXT)
    return Query(raw, tuple(fragments), tuple(notices))
