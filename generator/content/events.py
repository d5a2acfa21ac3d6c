"""What a unit's page newly shows, as events: the news a follower of the unit is mailed.

Each event has an id that changes exactly when the published fact changes (a new penalty, a
permit's new state, an inspection, a rectification order opened or closed), so whoever keeps
the ids it has seen knows what is new. The build writes them beside the directory file
(generator/directory/events.py); the service mails them to followers (feedback/follow).
Everything here is already public on the unit's page: no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from generator.amounts import yuan
from generator.content.enums import EXPIRING_DAYS, PermitState, RectificationStatus
from generator.content.ledger import LedgerItem
from generator.content.model import Site, Unit


@dataclass(frozen=True, slots=True)
class Event:
    """One published fact about a unit."""

    unit: str
    id: str
    kind: str  # penalty | permit | inspection | rectification | problem
    date: dt.date
    title: str
    #: The part of the unit's page that shows it ("#h-enforcement"), "" for the top.
    anchor: str = ""


def _permit(unit: Unit, today: dt.date) -> list[Event]:
    p = unit.permit
    if p is None:
        return []
    state = p.state(today)
    if state is PermitState.VALID:
        date, text = p.valid_from, f"排污许可证 {p.number} 有效，有效期至 {p.valid_to.isoformat()}"
    elif state is PermitState.EXPIRING:
        date = p.valid_to - dt.timedelta(days=EXPIRING_DAYS)
        text = f"排污许可证 {p.number} 将于 {p.valid_to.isoformat()} 到期"
    elif state is PermitState.EXPIRED:
        date = p.valid_to + dt.timedelta(days=1)
        text = f"排污许可证 {p.number} 已于 {p.valid_to.isoformat()} 到期，未见延续"
    else:
        date = p.status_date or today
        text = f"排污许可证 {p.number}：{state.label}"
    return [Event(unit.code, f"permit:{p.number}:{state.value}", "permit", date, text, "#h-permit")]


def dated_today(unit: Unit, today: dt.date) -> bool:
    """Whether one of the unit's events is dated by ``today`` (a permit revoked or cancelled
    with no date of its own): its events then change with the day, not only with its record
    and permit state."""
    p = unit.permit
    if p is None or p.status_date:
        return False
    return p.state(today) not in (PermitState.VALID, PermitState.EXPIRING, PermitState.EXPIRED)


def _problems(unit: Unit, ledger: Sequence[LedgerItem]) -> list[Event]:
    """A ledger item is news when it is opened and again when it is closed (销号)."""
    found = []
    for item in ledger:
        label = f"问题台账 {item.id}（{item.source_label}）"
        text = f"{label}：{item.title}" + (
            f"，期限 {item.due_on.isoformat()}" if item.due_on else ""
        )
        found.append(
            Event(unit.code, f"problem:{item.id}:open", "problem", item.found_on, text, "#h-ledger")
        )
        if item.state == "closed" and item.closed_on is not None:
            text = f"{label} 已销号：{item.title}"
            key = f"problem:{item.id}:closed"
            found.append(Event(unit.code, key, "problem", item.closed_on, text, "#h-ledger"))
    return found


def unit_events(unit: Unit, today: dt.date, ledger: Sequence[LedgerItem] = ()) -> list[Event]:
    """Every published fact of one unit as an event, oldest first; ``ledger`` its items of the
    problem ledger (new and closed problems, a confirmed monitoring warning among them)."""
    found = _permit(unit, today) + _problems(unit, ledger)
    for p in unit.penalties:
        text = f"行政处罚 {p.decision_number}：{p.violation}，罚款 {yuan(p.amount)}"
        found.append(
            Event(
                unit.code, f"penalty:{p.decision_number}", "penalty", p.date, text, "#h-enforcement"
            )
        )
    for i in unit.inspections:
        result = "发现问题" if i.problems_found else "未发现问题"
        text = f"{i.authority}{i.kind or '检查'}：{result}"
        key = f"inspection:{i.date.isoformat()}:{i.authority}:{i.kind}"
        found.append(Event(unit.code, key, "inspection", i.date, text, "#h-enforcement"))
    for r in unit.rectifications:
        if r.status is RectificationStatus.CLOSED:
            date, text = r.closed or r.due, f"整改 {r.ref} 已完成销号"
        else:
            date, text = r.issued, f"责令整改 {r.ref}：{r.requirement}，期限 {r.due.isoformat()}"
        key = f"rectification:{r.ref}:{r.status.value}"
        found.append(Event(unit.code, key, "rectification", date, text, "#h-enforcement"))
    return sorted(found, key=lambda e: (e.date, e.id))


def site_events(site: Site) -> list[Event]:
    """The events of every unit, by unit in the site's order; permits judged on build day."""
    return [
        e
        for unit in site.units
        for e in unit_events(unit, site.judged_on, site.ledger_of(unit.fixed_source_code))
    ]
