"""Parse YAML content: syntax errors in Chinese at the right line, duplicate keys found at any
depth, impossible dates and numbers left to the field readers instead of raising.

PyYAML keeps the last of two equal keys without a word (a second ``permit:`` block replaces
the first); here the composed node tree is searched for them first, with both lines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Numbers as a clerk writes them: decimal, no leading zeros, no ``_`` and no ``:``.
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")


@dataclass(frozen=True, slots=True)
class OddNumber:
    """A number YAML 1.1 reads from a non-decimal spelling (``0x1F``, ``0313``, ``1_000``,
    ``1:30``): kept as written, so every reader refuses it and shows what the record says."""

    text: str
    value: int | float

    def __str__(self) -> str:
        return self.text

    def meaning(self) -> str:
        """What YAML would have made of it, in words."""
        return f"{self.text}（YAML 会把它读成 {self.value:g}）"


class ContentLoader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, but a date that does not exist (2026-02-30) stays text for the date
    reader to report, an integer too long to convert becomes infinity (not a number), and a
    number not written in plain decimals becomes an ``OddNumber`` for the readers to refuse."""

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        """A date or time; its text when it names no real day."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: ScalarNode) -> Any:
        """An integer; infinity (refused by the number readers) when Python will not read it."""
        try:
            value = super().construct_yaml_int(node)
        except ValueError:
            return math.inf
        return value if _DECIMAL_INT.match(node.value) else OddNumber(node.value, value)

    def construct_yaml_float(self, node: ScalarNode) -> Any:
        """A float; an ``OddNumber`` when written with ``_`` or ``:`` (base 60)."""
        value = super().construct_yaml_float(node)
        text = node.value
        if _DECIMAL_FLOAT.match(text) or _SPECIAL_FLOAT.match(text):
            return value
        return OddNumber(text, value)


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", ContentLoader.construct_yaml_timestamp)
ContentLoader.add_constructor("tag:yaml.org,2002:int", ContentLoader.construct_yaml_int)
ContentLoader.add_constructor("tag:yaml.org,2002:float", ContentLoader.construct_yaml_float)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A key written twice in one mapping: where (``path``), and both lines (1-based)."""

    path: str
    key: str
    first: int
    second: int

    def message(self) -> str:
        """The problem in words."""
        where = f"第 {self.first} 行和第 {self.second} 行"
        if self.first == self.second:
            where += "，同一行里"
        return (
            f"字段 {self.key} 出现了两次（{where}），"
            "后一个会悄悄覆盖前一个；请合并成一个或删去多余的一个"
        )


_MERGE = "tag:yaml.org,2002:merge"


def duplicates(root: Node, offset: int = 0, key_of: Any = None) -> list[Duplicate]:
    """Every key written twice in one mapping anywhere under ``root``, by line. Keys are
    compared as ``key_of`` makes them (the loader's values: ``yes`` and ``true``,
    ``1`` and ``01`` are one key), by their tag and text where it cannot make them."""
    found: list[Duplicate] = []
    seen: set[int] = set()
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # an alias: its node is searched once
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[Any, int] = {}
            for key_node, value in node.value:
                line = key_node.start_mark.line + 1 + offset
                key = _key(key_node, key_of)
                if key in first:
                    found.append(Duplicate(path, key_node.value, first[key], line))
                elif key is not None:
                    first[key] = line
                name = key_node.value if isinstance(key_node, ScalarNode) else None
                stack.append((value, f"{path}{name}."))
        elif isinstance(node, SequenceNode):
            base = path[:-1] if path else ""
            stack.extend((item, f"{base}[{n}].") for n, item in enumerate(node.value, 1))
    return sorted(found, key=lambda d: (d.second, d.path))


def _key(node: Node, key_of: Any) -> Any:
    """A scalar key as the loader makes it (or its tag and text); None for other keys."""
    if not isinstance(node, ScalarNode) or node.tag == _MERGE:
        return None
    if key_of is not None:
        try:
            key = key_of(node)
            key = key.value if isinstance(key, OddNumber) else key  # 01 and 1 are one key
            hash(key)
            return ("value", key)
        except (yaml.YAMLError, TypeError, ValueError):
            pass
    return ("text", node.tag, node.value)


#: PyYAML's problems, in words a clerk understands (matched by their beginning).
_PROBLEMS = (
    ("found unexpected end of stream", "直到文件末尾也没有找到配对的符号"),
    ("found a tab character", "不能用制表符（Tab）缩进，请改用空格"),
    ("found character '\\t'", "不能用制表符（Tab）缩进，请改用空格"),
    ("mapping values are not allowed", "此处不能有冒号；值里有“: ”时请给整个值加引号"),
    ("could not find expected ':'", "缺少冒号（应写成 字段: 值）"),
    ("did not find expected key", "缩进不一致，或缺少“字段:”"),
    ("did not find expected ',' or ']'", "方括号 [ ] 没有闭合，或项之间缺少逗号"),
    ("did not find expected ',' or '}'", "花括号 { } 没有闭合，或项之间缺少逗号"),
    ("did not find expected '-' indicator", "列表项缩进不一致（每项以 - 开头并对齐）"),
    ("expected <block end>", "缩进不一致"),
    ("did not find expected node content", "此处缺少值，或括号、引号没有闭合"),
    ("found undefined alias", "引用了没有定义的锚点（*名称）"),
    ("found duplicate anchor", "锚点（&名称）定义了两次"),
    ("found unknown escape character", "双引号里有不认识的反斜杠转义；含 \\ 的值请用单引号"),
    ("could not determine a constructor", "不支持的 YAML 标签（以 ! 开头的写法）"),
    ("found unhashable key", "字段名不能是列表或键值对"),
    ("expected a single document", "一个文件只能有一个记录（不要用 --- 分隔多个）"),
    ("found character that cannot start any token", "此处的字符不能作为值的开头；请给值加引号"),
    ("found unacceptable character", "文件中有不可见的控制字符"),
    ("control characters are not allowed", "文件中有不可见的控制字符"),
    ("exceeded maximum nesting depth", "嵌套层数太多，无法读取"),
    ("found invalid Unicode character escape", "无效的 Unicode 转义（\\u 后面不是有效的字符代码）"),
)
#: What PyYAML was reading when it failed (its context), in words.
_CONTEXTS = {
    "while scanning a quoted scalar": "引号",
    "while parsing a flow sequence": "方括号 [",
    "while parsing a flow mapping": "花括号 {",
    "while parsing a block mapping": "键值对",
    "while parsing a block collection": "列表",
    "while scanning a simple key": "字段",
    "while scanning a plain scalar": "值",
}
#: Contexts that open something which must be closed: the line to look at is where it opened.
_OPENERS = frozenset(list(_CONTEXTS)[:3])


def _words(problem: str) -> str:
    for start, words in _PROBLEMS:
        if problem.startswith(start):
            return words
    return "写法不符合 YAML 格式（检查缩进、冒号和引号）"


def _long_quote(text: str, before: int) -> tuple[int, int] | None:
    """The last quoted value that runs over several lines before line ``before`` (0-based),
    as (first, last) 0-based lines: where a missing closing quote usually is."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line >= before:
                break
            style = getattr(token, "style", None)
            if style in ("'", '"') and token.end_mark.line > token.start_mark.line:
                found = (token.start_mark.line, token.end_mark.line)
    except yaml.YAMLError:
        pass
    return found


#: Characters YAML takes as line breaks that editors do not show as one: every line number
#: after them would be off by one, so they are reported before parsing.
_HIDDEN_BREAKS = re.compile("[\x85\u2028\u2029]")


def hidden_break(text: str, offset: int = 0) -> tuple[str, int] | None:
    """The first U+0085, U+2028 or U+2029 in ``text`` as a message and its line, or None."""
    found = _HIDDEN_BREAKS.search(text)
    if found is None:
        return None
    ch = found.group()
    line = text.count("\n", 0, found.start()) + 1 + offset
    more = len(_HIDDEN_BREAKS.findall(text))
    return (
        f"YAML 格式错误：第 {line} 行有看不见的换行符 U+{ord(ch):04X}"
        f"（{unicodedata.name(ch, 'NEXT LINE')}）{f'，全文共 {more} 个' if more > 1 else ''}；"
        "YAML 把它当作换行，请删除",
        line,
    )


def _reader_message(error: yaml.reader.ReaderError, text: str, offset: int) -> tuple[str, int]:
    """A character YAML does not accept at all (a control character) and its line."""
    code = error.character if isinstance(error.character, int) else ord(error.character)
    position = text.find(chr(code))  # the reader stops at its first occurrence
    line = text.count("\n", 0, max(position, 0)) + 1 + offset
    return f"YAML 格式错误：第 {line} 行有不可见的控制字符 U+{code:04X}，请删除", line


def _row(text: str, line: int | None) -> str:
    """Line ``line`` (1-based) of ``text``, or "" if there is none."""
    lines = text.split("\n") if line else []
    return lines[line - 1] if line and 0 < line <= len(lines) else ""


def _colon_hint(text: str, line: int | None) -> str:
    """Why a ``key: value`` line was not read as one: a full-width colon or no space."""
    row = _row(text, line)
    if "：" in row:
        return "（这一行用了全角冒号“：”，应为半角冒号加空格“: ”）"
    if re.match(r"\s*[\w.-]+:\S", row):
        return "（冒号后面要有一个空格）"
    return ""


def syntax_message(error: yaml.YAMLError, text: str, offset: int = 0) -> tuple[str, int | None]:
    """A YAML error as a Chinese sentence and the line to look at: an unclosed quote or
    bracket is shown where it opened (PyYAML's context mark), not where reading failed, and a
    quoted value running over several lines before the error is named as the likely cause."""
    if isinstance(error, yaml.reader.ReaderError):
        return _reader_message(error, text, offset)
    problem = str(getattr(error, "problem", None) or error).strip()
    context = str(getattr(error, "context", None) or "")
    if context.startswith("found duplicate anchor"):
        problem = context
    mark, opened = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    where = opened.line + 1 if opened is not None else None
    words, what = _words(problem), _CONTEXTS.get(context)
    if problem.startswith("found character that cannot start") and "\t" in _row(text, line):
        words = _words("found a tab character")
    quote = _long_quote(text, mark.line) if mark is not None and context not in _OPENERS else None
    if context in _OPENERS and where is not None:
        opened_at = f"第 {where + offset} 行开始的"
        closed = "没有闭合" in words
        words = opened_at + words if closed else f"{opened_at}{what}没有闭合（{words}）"
        line, where = where, (None if problem.startswith("found unexpected end") else line)
    elif quote is not None:
        words = (
            f"第 {quote[0] + 1 + offset} 行开始的引号到第 {quote[1] + 1 + offset} 行才闭合，"
            f"可能少了一个引号（{words}）"
        )
        line, where = quote[0] + 1, line
    elif problem.startswith("could not find expected ':'") and where is not None:
        words += _colon_hint(text, where) or f"（第 {where + offset} 行开始的{what}）"
        line = where
    elif what and where is not None and where != line:
        words += f"（第 {where + offset} 行开始的{what}）"
    if where is not None and where != line and (context in _OPENERS or quote is not None):
        words += f"；读到第 {where + offset} 行出错"
    return f"YAML 格式错误：{words}（原文：{problem}）", line + offset if line else None


def parse(text: str, offset: int = 0) -> tuple[Any, list[Duplicate], tuple[str, int | None] | None]:
    """The data of one YAML document, its duplicate keys, and its syntax error (message and
    line) or None. ``offset`` is added to lines (front matter below the first line)."""
    broken = hidden_break(text, offset)
    if broken is not None:
        return None, [], broken
    loader = ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [], None
        found = duplicates(node, offset, loader.construct_object)
        return loader.construct_document(node), found, None
    except yaml.YAMLError as error:
        return None, [], syntax_message(error, text, offset)
    except RecursionError:
        return None, [], ("YAML 嵌套层数太多，无法读取", None)
    finally:
        loader.dispose()
