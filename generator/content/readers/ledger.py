"""The ledger export of the feedback service (``ledger_file``): checked item by item, every
problem named by file, item and field (docs/statistics.md, "The problem ledger"); and its
``monthly`` list, each body's public monthly figures (docs/ledger.md, "The public monthly
summary")."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.content.ledger import (
    LEDGER_SOURCE_LABELS,
    LEDGER_STATE_LABELS,
    BodyMonth,
    LedgerItem,
    MonthlyItem,
)
from generator.content.problems import Problem
from generator.content.readers import jsonparse, source

ITEM_KEYS = frozenset(
    "id unit_code outlet source found_on title action due_on state closed_on body".split()
)
TOP_KEYS = frozenset(("as_of", "items", "monthly"))


@dataclass(frozen=True, slots=True)
class Ledger:
    """The ledger file as read: the day it was written and its items, in file order."""

    as_of: dt.date | None = None
    items: tuple[LedgerItem, ...] = ()
    #: The bodies' public monthly figures (the export's ``monthly``), or ().
    monthly: tuple[BodyMonth, ...] = ()


@dataclass
class FieldChecks:
    """The checks of one record's fields (an item of a service export), collecting problems."""

    rel: str
    record: str
    data: dict
    problems: list[Problem] = field(default_factory=list)

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.rel, self.record, key, message))

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if not isinstance(value, str):
            self.fail(key, f"应为文字，实为 {json.dumps(value, ensure_ascii=False)}")
            return ""
        if required and not value.strip():
            self.fail(key, "不能为空")
        return value.strip()

    def day(self, key: str, *, nullable: bool = False) -> dt.date | None:
        value = self.data.get(key)
        if value is None and nullable:
            return None
        found = iso_day(value)
        if found is None:
            allowed = "YYYY-MM-DD 格式的日期或 null" if nullable else "YYYY-MM-DD 格式的日期"
            self.fail(key, f"应为{allowed}，实为 {json.dumps(value, ensure_ascii=False)}")
        return found

    def count(self, key: str) -> int:
        """A whole number of at least 0."""
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, f"应为非负整数，实为 {json.dumps(value, ensure_ascii=False)}")
            return 0
        return value

    def choice(self, key: str, labels: dict[str, str]) -> str:
        value = self.text(key)
        if value and value not in labels:
            allowed = "、".join(f"{code}（{label}）" for code, label in labels.items())
            self.fail(key, f"“{value}” 不是允许的值；可用：{allowed}")
        return value


def iso_day(value: Any) -> dt.date | None:
    """``value`` as a day if it is a text of the form YYYY-MM-DD."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_item(data: Any, rel: str, n: int) -> tuple[LedgerItem | None, list[Problem]]:
    """Item ``n`` (1-based) of the file: the item, or None with its problems."""
    ident = data.get("id") if isinstance(data, dict) else None
    record = f"第{n}项 {ident}" if isinstance(ident, str) and ident else f"第{n}项"
    if not isinstance(data, dict):
        return None, [Problem(rel, record, "", "每个台账事项应为 JSON 对象")]
    r = FieldChecks(rel, record, data)
    for key in sorted(set(data) - ITEM_KEYS):
        r.fail(key, "不认识的字段（可用：" + "、".join(sorted(ITEM_KEYS)) + "）")
    for key in sorted(ITEM_KEYS - set(data)):
        r.fail(key, "缺少此字段")
    if r.problems:
        return None, r.problems
    item = LedgerItem(
        id=r.text("id"),
        unit_code=r.text("unit_code"),
        outlet=r.text("outlet", required=False),
        source=r.choice("source", LEDGER_SOURCE_LABELS),
        found_on=r.day("found_on") or dt.date.min,
        title=r.text("title"),
        action=r.text("action", required=False),
        due_on=r.day("due_on", nullable=True),
        state=r.choice("state", LEDGER_STATE_LABELS),
        closed_on=r.day("closed_on", nullable=True),
        body=r.text("body"),
    )
    _check_dates(r, item)
    return (None if r.problems else item), r.problems


def _check_dates(r: FieldChecks, item: LedgerItem) -> None:
    """A closed item has its closing day, an open one none; no day before the finding."""
    if item.state == "closed" and item.closed_on is None and r.data.get("closed_on") is None:
        r.fail("closed_on", "状态为 closed（已销号）的事项须有销号日期")
    if item.state != "closed" and item.closed_on is not None:
        r.fail("closed_on", f"状态为 {item.state} 的事项不应有销号日期（销号后状态应为 closed）")
    for key, day in (("due_on", item.due_on), ("closed_on", item.closed_on)):
        if day is not None and item.found_on != dt.date.min and day < item.found_on:
            r.fail(key, f"{day} 早于发现日期 {item.found_on}")


def duplicates(items: list[Any], rel: str) -> list[Problem]:
    """Each item number used twice (by good or bad items), named with both positions."""
    first: dict[str | int, int] = {}
    problems = []
    for n, raw in enumerate(items, 1):
        ident = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
            continue
        if ident in first:
            message = f"编号与第{first[ident]}项重复；每个台账事项的编号应唯一"
            problems.append(Problem(rel, f"第{n}项 {ident}", "id", message))
        else:
            first[ident] = n
    return problems


def parse_json(path: Path, rel: str, what: str = "台账文件") -> tuple[Any, list[Problem]]:
    """The JSON of the file, or None with the problem that kept it from being read."""
    text, problems = source.read_text(path, rel)
    if text is None:
        return None, problems
    try:
        data, twice = jsonparse.loads(text)
    except json.JSONDecodeError as error:
        message = what + jsonparse.syntax_message(error)
        return None, [Problem(rel, "", "", message, error.lineno)]
    except (ValueError, RecursionError) as error:
        return None, [Problem(rel, "", "", f"{what}不是有效的 JSON：{error}")]
    problems = [
        Problem(rel, "", p + k, f"字段 {k} 在同一个对象中出现了两次，后一个会覆盖前一个")
        for p, k in twice
    ]
    return data, problems


def read_ledger(path: Path, rel: str) -> tuple[Ledger, list[Problem]]:
    """The ledger file at ``path`` (shown as ``rel``) and every problem found in it."""
    data, problems = parse_json(path, rel)
    if data is None:
        return Ledger(), problems
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        message = '台账文件应为 JSON 对象，含 "as_of"（日期）和 "items"（事项列表）'
        return Ledger(), [*problems, Problem(rel, "", "", message)]
    problems += [Problem(rel, "", k, "不认识的字段") for k in sorted(set(data) - TOP_KEYS)]
    as_of = iso_day(data.get("as_of"))
    if as_of is None:
        shown = json.dumps(data.get("as_of"), ensure_ascii=False)
        problems.append(Problem(rel, "", "as_of", f"应为 YYYY-MM-DD 格式的日期，实为 {shown}"))
    read: list[tuple[int, LedgerItem]] = []
    for n, raw in enumerate(data["items"], 1):
        item, found = read_item(raw, rel, n)
        problems += found
        if item is not None:
            read.append((n, item))
    problems += duplicates(data["items"], rel)
    monthly, found = read_monthly(data.get("monthly"), rel)
    problems += found
    return Ledger(as_of, tuple(item for _, item in read), monthly), problems


def unknown_units(ledger: Ledger, codes: set[str], rel: str) -> list[str]:
    """A notice for each item whose unit is not in the content (it is left out, the build
    goes on: the service may know a unit the content has dropped)."""
    return [
        f"{rel} [{item.id}] unit_code: 内容中没有编码为 {item.unit_code} 的排污单位，"
        "该台账事项未发布"
        for item in ledger.items
        if item.unit_code not in codes
    ]


MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
COUNTS = (
    "inspections units problems ledger_found ledger_closed ledger_overdue reports_received "
    "reports_concluded reports_on_time penalties"
).split()
MONTH_KEYS = frozenset(["month", "body", "body_name", "items", *COUNTS])
MONTH_ITEM_KEYS = frozenset(("title", "found", "on_the_spot", "deadline"))


def _keys(r: FieldChecks, allowed: frozenset[str]) -> None:
    for key in sorted(set(r.data) - allowed):
        r.fail(key, "不认识的字段（可用：" + "、".join(sorted(allowed)) + "）")
    for key in sorted(allowed - set(r.data)):
        r.fail(key, "缺少此字段")


def _items(r: FieldChecks) -> tuple[MonthlyItem, ...]:
    raw = r.data.get("items")
    if not isinstance(raw, list):
        r.fail("items", "应为检查项列表")
        return ()
    found = []
    for n, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            r.fail(f"items[{n}]", "每个检查项应为 JSON 对象")
            continue
        item = FieldChecks(r.rel, r.record, entry)
        _keys(item, MONTH_ITEM_KEYS)
        counts = [item.count(k) for k in ("found", "on_the_spot", "deadline")]
        title = item.text("title")
        r.problems += [
            Problem(p.file, p.record, f"items[{n}].{p.field}", p.message) for p in item.problems
        ]
        if item.problems:
            continue
        if counts[1] + counts[2] > counts[0]:
            r.fail(f"items[{n}]", "立整立改与限期整改之和不应大于发现问题数")
        found.append(MonthlyItem(title, *counts))
    return tuple(found)


def read_month(data: Any, rel: str, n: int) -> tuple[BodyMonth | None, list[Problem]]:
    """Record ``n`` (1-based) of the monthly list: the record, or None with its problems."""
    if not isinstance(data, dict):
        return None, [Problem(rel, f"monthly 第{n}条", "", "每条月度数据应为 JSON 对象")]
    record = f"monthly 第{n}条 {data.get('body', '')} {data.get('month', '')}".rstrip()
    r = FieldChecks(rel, record, data)
    _keys(r, MONTH_KEYS)
    if r.problems:
        return None, r.problems
    month = r.text("month")
    if month and not MONTH.match(month):
        r.fail("month", f"“{month}” 不是 YYYY-MM 格式的月份（如 2026-06）")
    counts = {k: r.count(k) for k in COUNTS}
    found = BodyMonth(
        month=month,
        body=r.text("body"),
        body_name=r.text("body_name"),
        items=_items(r),
        **counts,
    )
    if sum(i.found for i in found.items) != found.problems:
        r.fail("problems", f"应等于各检查项发现问题之和（{sum(i.found for i in found.items)}）")
    return (None if r.problems else found), r.problems


def read_monthly(data: Any, rel: str) -> tuple[tuple[BodyMonth, ...], list[Problem]]:
    """The export's ``monthly`` list (absent: none) and every problem found in it."""
    if data is None:
        return (), []
    if not isinstance(data, list):
        return (), [Problem(rel, "", "monthly", "应为月度数据列表")]
    read: list[BodyMonth] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for n, raw in enumerate(data, 1):
        found, trouble = read_month(raw, rel, n)
        problems += trouble
        if found is None:
            continue
        key = (found.body, found.month)
        if key in seen:
            message = f"与第{seen[key]}条重复：每个机构每月只应有一条"
            problems.append(
                Problem(rel, f"monthly 第{n}条 {found.body} {found.month}", "body", message)
            )
            continue
        seen[key] = n
        read.append(found)
    return tuple(read), problems
