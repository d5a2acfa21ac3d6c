"""Parse one JSON Lines record: duplicate keys found at any depth, numbers Python will not
read and too-deep nesting reported instead of raising.

``json.loads`` keeps the last of two equal keys without a word; ``object_pairs_hook`` sees
every pair, and the (rare) objects with a repeated key are then found in the result to name
their path.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any

#: Python refuses to convert longer integers (CVE-2020-10735); such a value is no amount.
_MAX_DIGITS = 4300


#: The JSON decoder's messages, in words a clerk understands (matched by their beginning).
_MESSAGES = (
    ("Expecting value", "此处缺少值（或多了一个逗号）"),
    ("Expecting ',' delimiter", "缺少逗号，或括号没有闭合"),
    ("Expecting ':' delimiter", "字段名后缺少冒号"),
    ("Expecting property name enclosed in double quotes", "字段名应加双引号（或最后多了一个逗号）"),
    ("Unterminated string", "引号没有闭合"),
    ("Extra data", "一行只能有一个 JSON 记录，此处有多余内容"),
    ("Invalid control character", "文字中有控制字符（如未转义的 Tab 或换行）"),
    ("Invalid \\escape", "无效的反斜杠转义；文字中的 \\ 应写成 \\\\"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
)


def syntax_message(error: json.JSONDecodeError) -> str:
    """A JSON syntax error in Chinese, with the column and the decoder's own words."""
    words = next((w for start, w in _MESSAGES if error.msg.startswith(start)), "写法不符合 JSON")
    return f"不是有效的 JSON：第 {error.colno} 列：{words}（原文：{error.msg}）"


#: A \\u escape of a UTF-16 surrogate: paired it is one character, alone it is no text.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def lone_surrogate(text: str, data: Any) -> bool:
    """Whether ``data`` (parsed from ``text``) holds a lone surrogate, which no page or file
    can be written with (\\ud800 without its pair)."""
    if _SURROGATE.search(text) is None:
        return False
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _int(text: str) -> float | int:
    """An integer, or infinity (refused by the number readers) when far too long."""
    return int(text) if len(text.lstrip("-")) < _MAX_DIGITS else math.inf


def loads(text: str) -> tuple[Any, list[tuple[str, str]]]:
    """The value of ``text`` and each (path, key) written twice in one object.

    Raises ``ValueError`` (``json.JSONDecodeError`` among them) or ``RecursionError``.
    """
    flagged: dict[int, tuple[dict, list[str]]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict:
        found = dict(items)
        if len(found) != len(items):
            twice = [k for k, n in Counter(k for k, _ in items).items() if n > 1]
            flagged[id(found)] = (found, twice)
        return found

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer of thousands of digits: read it as infinity instead
        flagged.clear()
        data = json.loads(text, object_pairs_hook=pairs, parse_int=_int)
    return data, _paths(data, flagged) if flagged else []


def _paths(data: Any, flagged: dict[int, tuple[dict, list[str]]]) -> list[tuple[str, str]]:
    """Where each flagged object sits in ``data``, as field paths (permit.permitted[1].)."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if id(value) in flagged:
                found.extend((path, key) for key in flagged[id(value)][1])
            stack.extend((v, f"{path}{k}.") for k, v in value.items())
        elif isinstance(value, list):
            base = path[:-1] if path else ""
            stack.extend((v, f"{base}[{n}].") for n, v in enumerate(value, 1))
    return sorted(found)
