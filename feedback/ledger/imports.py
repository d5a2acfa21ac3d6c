"""Items the ledger opens from what the build publishes: content's open rectification orders
(source inspection) and permits expired without renewal or expiring soon (source permit).

Both are idempotent (the same record gives the same item) and report every record they could
not open, going on with the others. A permit item closes itself once the published permit is
renewed beyond the 60-day window (an audit-trail entry by the system says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from feedback.directory import Body, Directory, UnitEntry
from feedback.extensions import db
from feedback.ledger import service
from feedback.ledger.checks import LedgerError
from feedback.ledger.models import LedgerEvent, LedgerItem
from feedback.ledger.states import LedgerState
from feedback.models import utcnow

#: Renewal is applied for 60 days before the permit expires (排污许可管理条例 第十四条); the
#: same figure as generator.content.enums.EXPIRING_DAYS (a test holds them equal).
EXPIRING_DAYS = 60
#: Days an enterprise is given to renew a permit that already expired.
EXPIRED_DAYS = 30
RENEW = "在许可证有效期届满 60 日前向审批部门提出延续申请（排污许可管理条例第十四条）"


@dataclass
class Outcome:
    """What an import did: items opened now, items that existed, records refused, and items
    closed because their problem is gone (a permit renewed)."""

    opened: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)


def _body(unit: UnitEntry, directory: Directory, authority: str = "") -> Body:
    named = next((b for b in directory.bodies.values() if b.name == authority), None)
    return named or directory.route(unit.county_code)


def _open(outcome: Outcome, what: str, **fields: object) -> None:
    existed = service.find(str(fields["source"]), str(fields["source_ref"])) is not None
    try:
        item = service.open_item(**fields)  # type: ignore[arg-type]
    except LedgerError as exc:
        outcome.refused.append(f"{what}：{exc}")
        return
    (outcome.existing if existed else outcome.opened).append(item.number)


def import_rectifications(directory: Directory, today: dt.date) -> Outcome:
    """Open an inspection item for each open rectification order published in content."""
    outcome = Outcome()
    for unit in directory.units.values():
        for order in unit.open_rectifications:
            _open(
                outcome,
                f"排污单位 {unit.code} 的整改要求 {order.ref}",
                unit_code=unit.code,
                source="inspection",
                source_ref=f"content:{unit.code}:{order.ref}",
                title=f"{order.authority or '执法机构'}责令整改（{order.ref}）",
                action=order.requirement,
                due_on=order.due,
                found_on=order.issued,
                body_id=_body(unit, directory, order.authority).id,
                actor=None,
                directory=directory,
                today=today,
            )
    return outcome


def permit_problem(valid_until: dt.date, today: dt.date) -> tuple[str, dt.date] | None:
    """(title, due day) when a permit valid until that day needs renewing now; else None."""
    if valid_until < today:
        title = f"排污许可证已于 {valid_until} 到期，未见延续"
        return title, today + dt.timedelta(days=EXPIRED_DAYS)
    days = (valid_until - today).days
    if days <= EXPIRING_DAYS:
        return f"排污许可证将于 {valid_until} 到期（还有 {days} 天），尚未延续", valid_until
    return None


def _open_permit_items() -> dict[str, list[LedgerItem]]:
    """The permit items not closed yet, by unit."""
    query = select(LedgerItem).where(
        LedgerItem.source == "permit", LedgerItem.state != LedgerState.CLOSED.value
    )
    found: dict[str, list[LedgerItem]] = {}
    for item in db.session.scalars(query.order_by(LedgerItem.id)):
        found.setdefault(item.unit_code, []).append(item)
    return found


def close_renewed(item: LedgerItem, valid_until: dt.date, today: dt.date) -> None:
    """Close a permit item whose permit is now valid beyond the window (system, audited)."""
    before = item.state
    item.state = LedgerState.CLOSED.value
    item.closed_on = max(today, item.found_on)  # never before it was found (a past --today)
    item.updated_at = utcnow()
    text = (
        f"系统：{today} 公开的许可信息显示排污许可证已延续，有效期至 {valid_until}"
        f"（超过 {EXPIRING_DAYS} 日），本项自动销号。"
    )
    db.session.add(
        LedgerEvent(
            item=item,
            actor_kind="system",
            kind="renewed",
            state_before=before,
            state_after=item.state,
            text=text,
        )
    )


def _close_renewed(
    outcome: Outcome, items: dict[str, list[LedgerItem]], unit: UnitEntry, today: dt.date
) -> None:
    """Close the unit's open permit items when its permit is now valid beyond the window."""
    if unit.valid_until is None or permit_problem(unit.valid_until, today) is not None:
        return
    for item in items.get(unit.code, []):
        close_renewed(item, unit.valid_until, today)
        outcome.closed.append(item.number)


def import_permits(directory: Directory, today: dt.date) -> Outcome:
    """Open a permit item for each unit whose permit expired or expires within 60 days, and
    close the open permit items of units whose permit is now renewed beyond that window."""
    outcome = Outcome()
    still_open = _open_permit_items()
    for unit in directory.units.values():
        _close_renewed(outcome, still_open, unit, today)
        found = permit_problem(unit.valid_until, today) if unit.valid_until else None
        if found is None:
            continue
        title, due = found
        _open(
            outcome,
            f"排污单位 {unit.code} 的排污许可证",
            unit_code=unit.code,
            source="permit",
            source_ref=f"{unit.code}:{unit.valid_until}",
            title=title,
            action=RENEW,
            due_on=due,
            body_id=_body(unit, directory).id,
            actor=None,
            found_on=today,
            directory=directory,
            today=today,
        )
    return outcome
