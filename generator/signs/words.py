"""Where a sign's text may break: between words (jieba), never inside a name or a pollutant.

jieba's dictionary knows company and place words (有限公司, 长安镇) but splits pollutant
names (林|格|曼|黑度) and some place names (黎塘|镇); the words below and four rules fix
that: a one-character place suffix joins the word before it, a run of single unknown
characters stays together (思陇乡), a bracketed group
stays whole with the word before it (总磷（以P计）), and punctuation that may not start a line joins the word before it.
"""

from __future__ import annotations

import logging
import re
from functools import cache

import jieba

from generator.content.divisions import province_short_names

#: Pollutant names of the HJ/GB emission standards (and a few company words) kept whole.
KEEP_WHOLE = (
    "林格曼黑度",
    "烟气黑度",
    "化学需氧量",
    "五日生化需氧量",
    "生化需氧量",
    "非甲烷总烃",
    "挥发性有机物",
    "总有机碳",
    "总磷",
    "总氮",
    "总铬",
    "六价铬",
    "总汞",
    "总镉",
    "总铅",
    "总砷",
    "总镍",
    "粪大肠菌群数",
    "动植物油",
    "石油类",
    "阴离子表面活性剂",
    "pH值",
    "有限责任公司",
    "股份有限公司",
)
PLACE_SUFFIXES = frozenset("省市县区镇乡村")
NO_LINE_START = "、，。：；！？）》」』%"
_OPENING, _CLOSING = "（(《「『", "）)》」』"
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Two characters and 镇/乡/村 right after a province (also its short name: 广西, 吉林), city,
#: county, district or town: a town or village name, which jieba does not know (宾阳县|思陇乡|那马村).
_TOWN = re.compile(
    r"(?:(?<=[省市县区镇乡])|"
    + "".join(f"(?<={name})|" for name in province_short_names())
    + r"^)[\u4e00-\u9fff]{2}[镇乡村](?![\u4e00-\u9fff]?[公院场])"
)


@cache
def _tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with our words (the global one is left untouched)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in KEEP_WHOLE:
        tokenizer.add_word(word, freq=10**6)
    return tokenizer


def segments(text: str) -> list[str]:
    """``text`` cut into pieces between which a line may break; joined they give ``text``."""
    pieces: list[str] = []
    depth, run = 0, False  # open brackets; the last piece is a run of unknown characters
    for token in _tokens(text):
        single = len(token) == 1 and bool(_CJK.match(token))
        joins = pieces and (depth > 0 or _joins_previous(token, pieces[-1]) or (single and run))
        if joins:
            pieces[-1] += token
        else:
            pieces.append(token)
        # A run of single characters jieba does not know is most likely one name (思|陇|乡);
        # it ends after a place suffix (思陇乡|那马村).
        run = single and (run or not joins) and token not in PLACE_SUFFIXES
        depth = max(0, depth + sum(token.count(c) for c in _OPENING))
        depth = max(0, depth - sum(token.count(c) for c in _CLOSING))
    return pieces


def _tokens(text: str) -> list[str]:
    """jieba's words of ``text``, with town and village names (``_TOWN``) kept whole."""
    tokens: list[str] = []
    at = 0
    for match in _TOWN.finditer(text):
        tokens += (
            _tokenizer().lcut(text[at : match.start()], HMM=False) if match.start() > at else []
        )
        tokens.append(match[0])
        at = match.end()
    return tokens + (_tokenizer().lcut(text[at:], HMM=False) if at < len(text) else [])


def _joins_previous(token: str, previous: str) -> bool:
    """Punctuation or brackets, what follows an opening, or a place suffix after Chinese."""
    if token[0] in NO_LINE_START or token[0] in _CLOSING or token[0] in _OPENING:
        return True
    if previous[-1] in _OPENING:
        return True
    return token in PLACE_SUFFIXES and bool(_CJK.match(previous[-1]))
