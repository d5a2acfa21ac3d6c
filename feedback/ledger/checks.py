"""Checks of a new ledger item's fields, collecting every problem in plain Chinese."""

from __future__ import annotations

import datetime as dt

from feedback.directory import Directory
from feedback.ledger.states import SOURCES
from feedback.models import Account


class LedgerError(ValueError):
    """A ledger action or a new item was refused; the message says why, in Chinese."""


def _scope_problem(actor: Account | None, body_id: str, directory: Directory) -> str:
    if actor is None:
        return ""
    if not actor.is_officer or not actor.body_id:
        return "只有执法人员可以登记问题。"
    if body_id not in directory.descendants(actor.body_id):
        return f"执法机构 {body_id} 不在您所在机构 {actor.body_id} 的管辖范围内。"
    return ""


def _date_problems(found_on: dt.date, due_on: dt.date | None, today: dt.date) -> list[str]:
    problems = []
    if found_on > today:
        problems.append(f"发现日期 {found_on} 晚于今天 {today}。")
    if due_on is not None and found_on == today and due_on < today:
        problems.append(f"整改期限 {due_on} 已经过去（今天是 {today}）。")
    elif due_on is not None and due_on < found_on:
        problems.append(f"整改期限 {due_on} 早于发现日期 {found_on}。")
    return problems


def new_item_problems(
    fields: dict[str, object], actor: Account | None, directory: Directory, today: dt.date
) -> list[str]:
    """Every problem of a new item's fields (empty when it may be opened)."""
    problems: list[str] = []
    unit_code = str(fields["unit_code"])
    unit = directory.unit(unit_code)
    if unit is None:
        problems.append(f"目录中没有排污单位 {unit_code!r}（单位未公开或代码有误）。")
    elif fields["outlet"] and fields["outlet"] not in unit.outlets:
        problems.append(f"排污单位 {unit_code} 没有排放口 {fields['outlet']!r}。")
    if fields["source"] not in SOURCES:
        problems.append(f"来源 {fields['source']!r} 不在 {'、'.join(SOURCES)} 之中。")
    if not str(fields["source_ref"]).strip():
        problems.append("缺少来源编号（source_ref）。")
    if not str(fields["title"]).strip():
        problems.append("请填写发现的问题（title）。")
    body_id = str(fields["body_id"])
    if body_id not in directory.bodies:
        problems.append(f"目录中没有执法机构 {body_id!r}（见 bodies.yaml）。")
    else:
        problems.append(_scope_problem(actor, body_id, directory))
    found_on, due_on = fields["found_on"], fields["due_on"]
    assert isinstance(found_on, dt.date)
    assert due_on is None or isinstance(due_on, dt.date)
    problems += _date_problems(found_on, due_on, today)
    return [p for p in problems if p]


def refuse(problems: list[str], what: str) -> None:
    """Raise LedgerError listing every problem, when there is any."""
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise LedgerError(f"{what}有 {len(problems)} 处问题：\n{lines}")
