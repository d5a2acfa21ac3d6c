"""What is accepted of a frame or CSV row: known MN, data type, time, pollutant, number, flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.monitoring.codes import DATA_TYPES, FLAGS, NUMBERS, POLLUTANTS
from generator.monitoring.protocol import Reading

_DECIMAL = "0123456789.-+"
_TIME_FORMATS = ("%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True, slots=True)
class Value:
    """One accepted value: a pollutant at an outlet for one period (China time as sent)."""

    mn: str
    cn: str
    start: dt.datetime
    code: str
    unit_code: str
    outlet: str
    avg: float
    min: float | None
    max: float | None
    zs_avg: float | None
    flag: str
    source: str

    @property
    def key(self) -> tuple[str, str, dt.datetime, str]:
        """What names the value: a second value with the same key is the same period."""
        return (self.mn, self.cn, self.start, self.code)


@dataclass(frozen=True, slots=True)
class Reject:
    """Something refused, with where it was read and why (a key of codes.REASONS)."""

    file: str
    line: int
    reason: str
    detail: str
    mn: str = ""
    code: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a frame or row was read, and the MN it names."""

    file: str
    line: int
    mn: str


class Checker:
    """Turns the readings of a frame or row into values, or says why not."""

    def __init__(self, outlets: Mapping[str, tuple[str, str]], now: dt.datetime) -> None:
        self.outlets = outlets
        self.now = now

    def values(
        self, at: Place, cn: str, data_time: str, readings: Iterable[Reading]
    ) -> tuple[list[Value], list[Reject]]:
        """The values of one frame (or CSV row) and what of it is refused."""
        refuse = _Refuser(at)
        target = self.outlets.get(at.mn)
        if target is None:
            return [], [refuse("mn", f"MN {at.mn} 未在任何排放口登记（内容中排放口的 mn 字段）")]
        start, reason, problem = self.period(cn, data_time)
        if start is None:
            return [], [refuse(reason, problem)]
        found: list[Value] = []
        refused: list[Reject] = []
        source = f"{at.file}:{at.line}"
        for reading in readings:
            fields = reading.fields
            if not any(k in fields for k in (*NUMBERS, "Flag")):
                continue  # not a pollutant (e.g. an equipment state)
            value = _value(reading, refuse, cn, start, target, source)
            if isinstance(value, Value):
                found.append(value)
            else:
                refused.append(value)
        if not found and not refused:
            refused.append(refuse("form", "没有任何污染物数值"))
        return found, refused

    def period(self, cn: str, text: str) -> tuple[dt.datetime | None, str, str]:
        """The start of the period ``text`` names, or None with the reason and the words."""
        if cn not in DATA_TYPES:
            kinds = "、".join(DATA_TYPES)
            return None, "type", f"CN={cn} 不导入；只导入 {kinds}"
        name, length = DATA_TYPES[cn]
        start = _time(text)
        if start is None:
            return None, "time", f"DataTime “{text}” 不是 YYYYMMDDhhmmss 形式的时间"
        if start != _aligned(start, length):
            shown = f"{start:%Y-%m-%d %H:%M:%S}"
            return None, "time", f"{name}的 DataTime 应为时段开始（整点或零点），实为 {shown}"
        if start + length > self.now:
            shown, now = f"{start:%Y-%m-%d %H:%M}", f"{self.now:%Y-%m-%d %H:%M}"
            return None, "future", f"{shown} 起的{name}时段尚未结束（现在是 {now}，北京时间）"
        return start, "", ""


class _Refuser:
    """Makes the rejects of one place."""

    def __init__(self, at: Place) -> None:
        self.at = at

    def __call__(self, reason: str, detail: str, code: str = "") -> Reject:
        return Reject(self.at.file, self.at.line, reason, detail, self.at.mn, code)


def _value(
    reading: Reading,
    refuse: _Refuser,
    cn: str,
    start: dt.datetime,
    target: tuple[str, str],
    source: str,
) -> Value | Reject:
    """One pollutant's value, or why it is refused."""
    code, fields = reading.code, reading.fields
    if code not in POLLUTANTS:
        return refuse(
            "code", f"污染物代码 {code} 不在 HJ 212-2017 代码表中（已知：{_known()}）", code
        )
    numbers: dict[str, float | None] = {}
    for name in NUMBERS:
        raw = fields.get(name)
        if raw is None or (raw == "" and name != "Avg"):
            numbers[name] = None
        else:
            number = _number(raw)
            if number is None:
                return refuse("value", f"{code}-{name} 应为数字，实为 “{raw}”", code)
            numbers[name] = number
    avg = numbers["Avg"]
    if avg is None:
        return refuse("value", f"缺少 {code}-Avg（时段均值）", code)
    flag = fields.get("Flag", "")
    if flag not in FLAGS:
        known = "、".join(f"{k} {v}" for k, v in FLAGS.items())
        return refuse("flag", f"{code}-Flag 应为 {known} 之一，实为 “{flag}”", code)
    unit_code, outlet = target
    return Value(
        refuse.at.mn, cn, start, code, unit_code, outlet, avg,
        numbers["Min"], numbers["Max"], numbers["ZsAvg"], flag, source,
    )  # fmt: skip


def _number(raw: str) -> float | None:
    """A plain decimal (``-12.5``, ``.5``, ``3.``), or None: no ``nan``, ``inf``, ``1e5``,
    ``1_000`` or spaces, which float() would take."""
    if raw.strip(_DECIMAL) or not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return None


def _known() -> str:
    return "、".join(POLLUTANTS)


def _time(text: str) -> dt.datetime | None:
    """A time written as HJ 212 writes it (YYYYMMDDhhmmss) or as a CSV export may."""
    if len(text) == 14 and text.isascii() and text.isdigit():
        try:
            mo, d, h, mi, s = (int(text[i : i + 2]) for i in (4, 6, 8, 10, 12))
            return dt.datetime(int(text[0:4]), mo, d, h, mi, s)
        except ValueError:
            return None
    for form in _TIME_FORMATS[1:]:
        try:
            return dt.datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def _aligned(start: dt.datetime, length: dt.timedelta) -> dt.datetime:
    if length >= dt.timedelta(days=1):
        return start.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.replace(minute=0, second=0, microsecond=0)
