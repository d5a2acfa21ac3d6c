"""The positive list (正面清单) of a body: units drawn at a lower rate, with reasons and dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from feedback.cases import Actor, audit
from feedback.directory import Directory
from feedback.draws.models import PositiveListEntry
from feedback.draws.service import DrawError, library
from feedback.extensions import db
from feedback.models import Account


def _day(text: str, label: str, problems: list[str], *, required: bool) -> dt.date | None:
    """``text`` as a day (YYYY-MM-DD), or None with a problem when it is not one."""
    text = (text or "").strip()
    if not text:
        if required:
            problems.append(f"{label}不能为空（YYYY-MM-DD）")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.append(f"{label}“{text}”不是 YYYY-MM-DD 格式的日期")
        return None


def add_entry(
    account: Account,
    directory: Directory,
    unit_code: str,
    reason: str,
    from_text: str,
    until_text: str = "",
) -> PositiveListEntry:
    """Put a unit of the account's body's area on its positive list; DrawError lists every problem."""
    body, problems = account.body_id or "", []
    code = (unit_code or "").strip()
    if code not in set(library(directory, body)):
        problems.append(f"{code or '（空）'} 不是本机构辖区内的排污单位")
    if not (reason or "").strip():
        problems.append("列入正面清单须写明理由")
    start = _day(from_text, "起始日期", problems, required=True)
    end = _day(until_text, "截止日期", problems, required=False)
    if start and end and end < start:
        problems.append(f"截止日期 {end} 早于起始日期 {start}")
    if problems or start is None:
        raise DrawError(problems)
    entry = PositiveListEntry(
        body_id=body, unit_code=code, reason=reason.strip(), from_on=start, until_on=end,
        added_by=account.login,
    )  # fmt: skip
    db.session.add(entry)
    audit(Actor("officer", account), "positive-add", f"{body} {code} {start}–{end or ''}：{reason}")
    return entry


def end_entry(entry: PositiveListEntry, account: Account, day: dt.date, reason: str) -> None:
    """End an entry on ``day`` (the day before it starts if it has not started), with a reason."""
    if not (reason or "").strip():
        raise DrawError(["移出正面清单须写明理由"])
    if entry.until_on is not None and entry.until_on < day:
        raise DrawError([f"该条目已于 {entry.until_on} 到期"])
    entry.until_on = max(day, entry.from_on)
    audit(
        Actor("officer", account),
        "positive-end",
        f"{entry.body_id} {entry.unit_code} 至 {entry.until_on}：{reason.strip()}",
    )


def entries_of(body_id: str) -> list[PositiveListEntry]:
    """The body's entries, newest first."""
    query = select(PositiveListEntry).where(PositiveListEntry.body_id == body_id)
    return list(db.session.scalars(query.order_by(PositiveListEntry.id.desc())))


def get_entry(entry_id: int) -> PositiveListEntry | None:
    """The entry with this id."""
    return db.session.get(PositiveListEntry, entry_id)
