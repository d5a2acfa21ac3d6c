"""The officer ledger's CSV: one row per item, for spreadsheets (no internal notes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from feedback.csvsafe import spreadsheet_csv
from feedback.directory import Directory
from feedback.ledger.models import LedgerItem
from feedback.ledger.states import SOURCES, is_overdue

CSV_COLUMNS = (
    "问题编号",
    "单位代码",
    "单位名称",
    "所在地",
    "行业",
    "排放口",
    "来源",
    "发现的问题",
    "整改要求",
    "发现日期",
    "整改期限",
    "状态",
    "是否超期",
    "销号日期",
    "负责机构",
)


def _row(item: LedgerItem, directory: Directory, today: dt.date) -> list[str]:
    unit = directory.unit(item.unit_code)
    return [
        item.number,
        item.unit_code,
        unit.name if unit else "",
        directory.place_name(item.county_code),
        unit.industry_name if unit else "",
        item.outlet,
        SOURCES.get(item.source, item.source),
        item.title,
        item.action,
        item.found_on.isoformat(),
        item.due_on.isoformat() if item.due_on else "当场整改",
        item.state_enum.label,
        "是" if is_overdue(item.state, item.due_on, today) else "否",
        item.closed_on.isoformat() if item.closed_on else "",
        directory.body_name(item.body_id),
    ]


def csv_of(items: Iterable[LedgerItem], directory: Directory, today: dt.date) -> str:
    """The items as CSV: every text cell neutralised (no formulas), no internal notes."""
    return spreadsheet_csv(CSV_COLUMNS, (_row(i, directory, today) for i in items))
