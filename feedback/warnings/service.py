"""Warnings in the service: the import of the warnings file, reads, and the actions.

No request needed; the caller commits (or rolls back after a WarningError). Which action may
start from which state is declared in ``feedback.warnings.states``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, select

from feedback.directory import Directory
from feedback.extensions import db
from feedback.ledger import service as ledger
from feedback.models import Account, Attachment
from feedback.photos import CheckedFile
from feedback.services.attachments import put_copies
from feedback.warnings.models import MonitoringWarning, WarningEvent, WarningEvidence
from feedback.warnings.states import ACTIONS, EXPLANATIONS, STATES

#: Keys every line of the warnings file must have (docs/monitoring.md, "The warnings file").
REQUIRED = ("id", "rule", "kind", "title", "reason", "unit_code", "outlet", "code",
            "pollutant", "first", "last", "revision", "limit", "evidence")  # fmt: skip


class WarningError(ValueError):
    """An action refused, in plain Chinese."""


@dataclass
class Outcome:
    """What an import did: warnings new, extended, unchanged; lines refused (with why)."""

    added: int = 0
    extended: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def find(key: str) -> MonitoringWarning | None:
    """The warning with this key, if any."""
    return db.session.scalar(select(MonitoringWarning).where(MonitoringWarning.key == key))


def get(warning_id: int) -> MonitoringWarning | None:
    """The warning with this row id, if any."""
    return db.session.get(MonitoringWarning, warning_id)


def _problems(record: object) -> list[str]:
    if not isinstance(record, dict):
        return ["不是一个 JSON 对象"]
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        return [f"缺少字段 {'、'.join(missing)}"]
    problems = [f"字段 {k} 应为文字" for k in REQUIRED[:11] if not isinstance(record[k], str)]
    if not isinstance(record["revision"], int) or record["revision"] < 1:
        problems.append("字段 revision 应为正整数")
    return problems


def import_file(path: Path, directory: Directory) -> Outcome:
    """Import the warnings file: new warnings into the queue of the unit's body; a higher
    revision extends the stored one. The same file twice changes nothing. Every bad line is
    reported (file, line, record, field) and the others are taken."""
    outcome = Outcome()
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name} 第 {number} 行"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            outcome.refused.append(f"{where}：不是有效的 JSON（第 {exc.colno} 列）")
            continue
        problems = _problems(record)
        unit = directory.unit(record.get("unit_code")) if not problems else None
        if not problems and unit is None:
            problems = [f"字段 unit_code：未知的排污单位 {record['unit_code']}"]
        if problems:
            name = record.get("id", "") if isinstance(record, dict) else ""
            outcome.refused.append(f"{where} [{name}]：{'；'.join(problems)}")
            continue
        assert unit is not None
        _take(record, directory.route(unit.county_code).id, outcome)
    return outcome


def _fields(record: dict) -> dict[str, object]:
    names = ("rule", "kind", "title", "reason", "unit_code", "outlet", "code", "pollutant")
    values: dict[str, object] = {n: record[n] for n in names}
    values.update(first=record["first"], last=record["last"], revision=record["revision"])
    values["limit_json"] = json.dumps(record["limit"], ensure_ascii=False, sort_keys=True)
    values["evidence_json"] = json.dumps(record["evidence"], ensure_ascii=False, sort_keys=True)
    return values


#: States an extension with later hours takes back to "open": a dismissal or an accepted
#: explanation judged the hours seen then, not the ones the rules found since. A confirmed
#: warning stays confirmed (its ledger item follows the rectification).
REOPENED = ("dismissed", "accepted")


def _take(record: dict, body_id: str, outcome: Outcome) -> None:
    found = find(record["id"])
    if found is None:
        warning = MonitoringWarning(key=record["id"], body_id=body_id, **_fields(record))
        db.session.add(warning)
        _event(warning, None, "import", "", f"规则 {record['rule']} 发现，{record['first']} 起")
        outcome.added += 1
    elif record["revision"] > found.revision:
        later = record["last"] > found.last
        for name, value in _fields(record).items():
            setattr(found, name, value)
        _event(found, None, "extend", found.state, f"延长至 {record['last']}")
        if later and found.state in REOPENED:
            before, found.state = found.state, "open"
            _event(
                found,
                None,
                "reopen",
                before,
                f"{STATES[before]}后仍在继续（至 {record['last']}），重新待核查",
            )
        outcome.extended += 1
    else:
        outcome.unchanged += 1


def _event(warning: MonitoringWarning, actor: Account | None, kind: str, before: str,
           text: str = "", **extra: object) -> WarningEvent:  # fmt: skip
    role = "system" if actor is None else (
        "enterprise" if actor.role == "enterprise" else "officer")  # fmt: skip
    event = WarningEvent(warning=warning, actor_id=actor.id if actor else None,
                         actor_kind=role, kind=kind, state_before=before,
                         state_after=warning.state, text=text, **extra)  # fmt: skip
    db.session.add(event)
    return event


_OPEN_FIRST = case((MonitoringWarning.state.in_(("open", "explained")), 0), else_=1)


def queue(account: Account, directory: Directory) -> list[MonitoringWarning]:
    """The warnings of the officer's body and the bodies under it: those to handle first."""
    bodies = directory.descendants(account.body_id or "")
    query = select(MonitoringWarning).where(MonitoringWarning.body_id.in_(bodies))
    order = (_OPEN_FIRST, MonitoringWarning.first.desc(), MonitoringWarning.id)
    return list(db.session.scalars(query.order_by(*order)))


def of_unit(unit_code: str) -> list[MonitoringWarning]:
    """Every warning of one unit: those to explain first."""
    query = select(MonitoringWarning).where(MonitoringWarning.unit_code == unit_code)
    order = (_OPEN_FIRST, MonitoringWarning.first.desc(), MonitoringWarning.id)
    return list(db.session.scalars(query.order_by(*order)))


def officer_sees(account: Account | None, warning: MonitoringWarning, directory: Directory) -> bool:
    """An officer sees the warnings of their body and of the bodies under it."""
    if account is None or not account.is_officer or not account.body_id:
        return False
    return warning.body_id in directory.descendants(account.body_id)


def enterprise_sees(account: Account | None, warning: MonitoringWarning) -> bool:
    """An enterprise account sees only its own unit's warnings."""
    return (account is not None and account.role == "enterprise" and bool(account.unit_code)
            and account.unit_code == warning.unit_code)  # fmt: skip


def _move(warning: MonitoringWarning, actor: Account, action: str, text: str,
          **extra: object) -> WarningEvent:  # fmt: skip
    rule = ACTIONS[action]
    if warning.state not in rule.sources:
        raise WarningError(f"预警（{STATES[warning.state]}）不能{rule.label}。")
    before = warning.state
    warning.state = rule.target
    return _event(warning, actor, action, before, text, **extra)


def _required(text: str, what: str) -> str:
    if not text.strip():
        raise WarningError(f"请填写{what}。")
    return text.strip()


def confirm(warning: MonitoringWarning, officer: Account, action: str, due_on: dt.date,
            directory: Directory, today: dt.date | None = None) -> str:  # fmt: skip
    """Confirm: open the ledger item of the warning (source monitoring, the warning's key);
    its public number."""
    item = ledger.open_item(
        unit_code=warning.unit_code, source="monitoring", source_ref=warning.key,
        title=f"自动监控{warning.title}（{warning.pollutant}，{warning.first} 至 {warning.last}）",
        action=_required(action, "整改要求"), due_on=due_on, body_id=warning.body_id,
        actor=officer, outlet=warning.outlet, detail=f"预警 {warning.key}：{warning.reason}",
        directory=directory, today=today,
    )  # fmt: skip
    _move(warning, officer, "confirm", f"转入问题台账 {item.number}")
    warning.ledger_number = item.number
    return item.number


def dismiss(warning: MonitoringWarning, officer: Account, reason: str) -> None:
    """Dismiss with a reason (kept in the trail)."""
    _move(warning, officer, "dismiss", _required(reason, "排除的理由"))


def explain(warning: MonitoringWarning, account: Account, explanation: str, from_day: dt.date,
            to_day: dt.date, text: str, files: Sequence[CheckedFile]) -> None:  # fmt: skip
    """The enterprise explains the hours (停产, 检修, analyser fault) with dates and evidence."""
    if explanation not in EXPLANATIONS:
        raise WarningError("请选择说明的类型。")
    if to_day < from_day:
        raise WarningError(f"结束日期 {to_day} 应不早于开始日期 {from_day}。")
    event = _move(warning, account, "explain", _required(text, "情况说明"),
                  explanation=explanation, from_day=from_day, to_day=to_day)  # fmt: skip
    db.session.flush()
    for checked in files:
        attachment = Attachment(**put_copies(checked))
        db.session.add(attachment)
        db.session.flush()
        db.session.add(WarningEvidence(event_id=event.id, attachment_id=attachment.id))


def review(warning: MonitoringWarning, officer: Account, accept: bool, text: str) -> None:
    """Accept the enterprise's explanation, or reject it with a reason (back to the queue)."""
    if accept:
        _move(warning, officer, "accept", text.strip())
    else:
        _move(warning, officer, "reject", _required(text, "不采纳的理由"))


def evidence_file(attachment_id: int) -> tuple[Attachment, MonitoringWarning] | None:
    """A file given with a warning's step, and its warning."""
    row = db.session.execute(
        select(Attachment, MonitoringWarning)
        .join(WarningEvidence, WarningEvidence.attachment_id == Attachment.id)
        .join(WarningEvent, WarningEvent.id == WarningEvidence.event_id)
        .join(MonitoringWarning, MonitoringWarning.id == WarningEvent.warning_id)
        .where(Attachment.id == attachment_id)
    ).first()
    return (row[0], row[1]) if row else None
