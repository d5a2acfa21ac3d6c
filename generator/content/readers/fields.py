"""Typed access to raw records: every wrong value becomes a Problem, never a traceback."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from enum import Enum
from typing import Any

from generator.content.problems import Problem
from generator.content.readers.yamlparse import OddNumber

_MISSING = object()
#: ISO text -> date. A pure, bounded, value-keyed cache: the same text always names the
#: same day, so it holds no state of any one read and may outlive it (at most 100,000).
_DATE_CACHE: dict[str, dt.date] = {}
_PLAIN_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
#: Stands in for a required date that is missing or wrong: the record then has a problem and
#: is never published, so this day is never shown.
UNREAD_DAY = dt.date.min
#: At most this many distinct values are shared (names and addresses are mostly unique).
SHARED_AT_MOST = 500_000


class Sharing:
    """One object for equal immutable values (texts, small records) across the units of
    one load: ``share(value)`` gives the first equal value met in this load.

    A province repeats the same pollutant names, units, standards, authorities and
    industries tens of thousands of times: shared objects are stored once per load-cache
    shard and restored as one object, which makes a warm load much faster. Each load makes
    its own (``readers.read_units``), so nothing of one read is kept for the next.
    """

    __slots__ = ("_values", "at_most")

    def __init__(self, at_most: int = SHARED_AT_MOST) -> None:
        self._values: dict[Any, Any] = {}
        self.at_most = at_most

    def share(self, value: Any) -> Any:
        """The first value equal to ``value`` met in this load (``value`` itself if new)."""
        found = self._values.get(value)
        if found is not None:
            return found
        if len(self._values) < self.at_most:
            self._values[value] = value
        return value


def as_date(value: Any) -> dt.date | None:
    """A date from a YAML date or an ISO string (2026-11-20); None if not a date.

    A date with a time (``2026-11-20T10:00:00+08:00``) is no date: which day it names
    depends on the time zone, and the records state days."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        cached = _DATE_CACHE.get(value)
        if cached is not None:
            return cached
        text = value.strip()
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            return None
        if not _PLAIN_DAY.match(text):  # 20261120 or 2026-W47-5: ISO, not how dates are written
            return None
        if len(_DATE_CACHE) < 100_000:
            _DATE_CACHE[value] = parsed
        return parsed
    return None


def as_number(value: Any) -> float | None:
    """A finite number from an int or a float (not a bool, not a string); None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return number if math.isfinite(number) else None


_ISO_DAY = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?\Z")


_WITH_TIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}[ T]\d")


def not_a_date(value: Any) -> str:
    """Why ``value`` is no date: naming no real day, with a time, or not one at all."""
    if isinstance(value, str) and _ISO_DAY.match(value) and _day(value) is None:
        return f"应为日期，但 {shown(value)} 这一天不存在（月份或日子超出范围），请核对"
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _WITH_TIME.match(value)):
        return (
            f"应为日期，不写时间（带时间和时区时，日期因时区而不同），如 "
            f"{shown(value)[:10]}，实为 {shown(value)}"
        )
    return f"应为日期，格式如 2026-11-20，实为 {shown(value)}"


def _day(text: str) -> dt.date | None:
    """The day at the start of ``text`` (2026-11-20 08:00 → 2026-11-20), None if none."""
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def not_a_text(value: Any) -> str:
    """Why ``value`` is no text: YAML read a number, a yes/no or a list from it."""
    what = value.meaning() if isinstance(value, OddNumber) else shown(value)
    return f'应为文字，实为 {what}；代码类的值请加引号，如 "450126"'


def not_a_number(value: Any) -> str:
    """Why ``value`` is no usable number: NaN or infinite, too large, or not written as one."""
    if isinstance(value, OddNumber):
        return f"数字应按十进制书写（不用 0x、前导 0、_ 或 :），实为 {value.meaning()}"
    if isinstance(value, float) and math.isnan(value):
        return f"应为有限的数字，不能是 NaN（非数），实为 {shown(value)}"
    if isinstance(value, float) and math.isinf(value):
        return f"数字超出可用范围（无穷大，实为 {shown(value)}），请核对是否多写了数字"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"数字超出可用范围（数字太大：{shown(value)}），请核对是否多写了数字"
    return f"应为数字，实为 {shown(value)}"


#: Words for "not detected" without the detection limit (it then comes from the series).
NOT_DETECTED_WORDS = frozenset({"ND", "nd", "N.D.", "未检出"})
_NUMBER = r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
#: ``<0.5`` (also with a full-width ＜) or ``0.5L`` (the monitoring-report convention).
_BELOW = re.compile(rf"^(?:[<＜]\s*(?P<lt>{_NUMBER})|(?P<l>{_NUMBER})\s*L)$")


def below_detection(text: str) -> tuple[bool, float | None]:
    """Read a result below the detection limit: ``(True, 0.5)`` for ``<0.5`` or ``0.5L``,
    ``(True, None)`` for ``ND`` or ``未检出`` (limit not written), ``(False, None)`` otherwise."""
    text = text.strip()
    if text in NOT_DETECTED_WORDS:
        return True, None
    match = _BELOW.match(text)
    if match is None:
        return False, None
    return True, float(match["lt"] or match["l"])


def invisible_problem(text: str) -> str | None:
    """Name the invisible characters in a text (zero-width, bidi overrides, controls), or None.

    They cannot be seen in an editor or on the page, yet make two equal-looking names or codes
    differ, reorder what a reader sees (U+202E) or break the XML of feeds and signs.
    """
    if text.isprintable():  # fast path: no control, format or separator characters
        return None
    bad = [
        (n, ch)
        for n, ch in enumerate(text, 1)
        if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
    ]
    if not bad:
        return None
    n, ch = bad[0]
    name = unicodedata.name(ch, "控制字符")
    more = f"等 {len(bad)} 个" if len(bad) > 1 else ""
    unseen = {b for _, b in bad}
    cleaned = "".join(c for c in text if c not in unseen).strip()
    return (
        f"含有不可见字符 U+{ord(ch):04X}（{name}，第{n}个字符）{more}，请删除；"
        f"删除后应为 {shown(cleaned)}"
    )


def shown(value: Any) -> str:
    """A raw value as a clerk would recognise it in a message."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


class RecordReader:
    """Collects the problems of one record (a unit file, a JSON line, a body) while reading it."""

    def __init__(
        self, file: str, record: str, line: int | None = None, sharing: Sharing | None = None
    ) -> None:
        self.file = file
        self.record = record
        self.line = line
        self.problems: list[Problem] = []
        #: Equal values of this load as one object (a record read alone shares within itself).
        self.shared = (sharing if sharing is not None else Sharing()).share

    def fail(self, field: str, message: str) -> None:
        """Record one problem in ``field``."""
        self.problems.append(Problem(self.file, self.record, field, message, self.line))

    def _raw(self, data: dict, key: str, path: str, required: bool) -> Any:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required:
                self.fail(path + key, "缺少必填项（不能为空）")
            return _MISSING
        return value

    def text(self, data: dict, key: str, path: str = "", required: bool = True) -> str:
        """A text field; numbers are refused so codes keep their leading zeros."""
        value = self._raw(data, key, path, required)
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.fail(path + key, not_a_text(value))
            return ""
        problem = invisible_problem(value)
        if problem:
            self.fail(path + key, problem)
        value = value.strip()
        if required and not value and not problem:
            self.fail(path + key, "缺少必填项（只有空格，不能为空）")
        return self.shared(value)

    def date(self, data: dict, key: str, path: str = "", required: bool = True) -> dt.date | None:
        """A date field: YAML date or ISO text such as 2026-11-20."""
        value = self._raw(data, key, path, required)
        if value is _MISSING:
            return None
        parsed = as_date(value)
        if parsed is None:
            self.fail(path + key, not_a_date(value))
        return parsed

    def number(self, data: dict, key: str, path: str = "", required: bool = False) -> float | None:
        """A number field (a quoted number is refused)."""
        value = self._raw(data, key, path, required)
        if value is _MISSING:
            return None
        parsed = as_number(value)
        if parsed is None:
            self.fail(path + key, not_a_number(value))
        return parsed

    def flag(self, data: dict, key: str, path: str = "", default: bool = False) -> bool:
        """A yes/no field written as true or false."""
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path + key, f"应为 true（是）或 false（否），实为 {shown(value)}")
            return default
        return value

    def choice(self, data: dict, key: str, enum: type[Enum], path: str = "", default: Any = None):
        """An enum field; the message lists the allowed values."""
        value = self._raw(data, key, path, default is None)
        if value is _MISSING:
            return default
        member = enum._value2member_map_.get(value) if isinstance(value, str) else None
        if member is not None:  # fast path: Enum(value) is slow over millions of records
            return member
        try:
            return enum(value)
        except ValueError:
            allowed = "、".join(_choice_text(m) for m in enum)
            self.fail(path + key, f"“{shown(value)}” 不是允许的值；可用：{allowed}")
            return default

    def mapping(self, data: dict, key: str, path: str = "", required: bool = False) -> dict | None:
        """A nested mapping such as ``industry: {code: ..., name: ...}``."""
        value = self._raw(data, key, path, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.fail(path + key, "应为键值对（如 {code: ..., name: ...}）")
            return None
        return value

    def items(self, data: dict, key: str, path: str = "") -> list[dict]:
        """A list of records; entries that are not records are reported and skipped."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path + key, "应为列表（每项以 - 开头）")
            return []
        good = [v for v in value if isinstance(v, dict)]
        if len(good) != len(value):
            self.fail(path + key, "列表中有的项不是键值对记录")
        return good

    def texts(self, data: dict, key: str, path: str = "") -> tuple[str, ...]:
        """A list of texts such as ``short_names``."""
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(path + key, "应为文字列表，如 [名称一, 名称二]")
            return ()
        for n, v in enumerate(value, 1):
            problem = invisible_problem(v)
            if problem:
                self.fail(f"{path}{key}[{n}]", problem)
        return tuple(self.shared(v.strip()) for v in value)

    def unknown_keys(self, data: dict, known: frozenset[str], path: str = "") -> None:
        """Report keys the schema does not know (usually typing mistakes)."""
        for key in sorted(data.keys() - known, key=str):
            allowed = "、".join(sorted(known))
            hidden = invisible_problem(key) if isinstance(key, str) else None
            why = f"字段名{hidden}" if hidden else "可能拼写错误"
            self.fail(path + str(key), f"未知字段（{why}）；此处可用：{allowed}")


def _choice_text(member: Enum) -> str:
    label = getattr(member, "label", None)
    return f"{member.value}（{label}）" if label else str(member.value)
