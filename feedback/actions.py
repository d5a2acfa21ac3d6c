"""Officer actions on a case (the handlers of feedback.workflow's table); each is audited.

No request needed; the caller commits. Which action may be taken from which state, and by
whom, is declared once in ``feedback.workflow``.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from feedback.cases import Actor, china_today, find_by_tracking, notify_enterprise, record
from feedback.directory import Directory
from feedback.extensions import db
from feedback.ledger.checks import LedgerError
from feedback.ledger.from_reports import open_for_report
from feedback.models import Account, Rating, Report, utcnow
from feedback.states import FINDINGS, OPEN, State


class ActionError(ValueError):
    """An action was refused; the message is shown to the officer."""


def in_scope(account: Account, report: Report, directory: Directory) -> bool:
    """Whether the account's body (or a body above) handles the report."""
    if not account.is_officer or not account.body_id:
        return False
    return report.body_id in directory.descendants(account.body_id)


def _officer(account: Account) -> Actor:
    return Actor("officer", account)


def move(report: Report, account: Account, action: str, new: State, **kw: str | bool) -> None:
    """Put the report in a new state and record the step (history entry and audit line)."""
    before = report.state
    report.state = new.value
    record(report, _officer(account), action, before=before, after=new.value, **kw)  # type: ignore[arg-type]


def require(text: str, message: str) -> str:
    """The stripped text, or ActionError with ``message`` when it is empty."""
    text = (text or "").strip()
    if not text:
        raise ActionError(message)
    return text


def accept(report: Report, account: Account, reply: str = "") -> None:
    """Accept the report; the conclusion clock starts."""
    now = utcnow()
    report.accepted_at = now
    days = current_app.config["CONCLUDE_DAYS"]
    report.conclude_due = china_today(now) + dt.timedelta(days=days)
    text = reply.strip() or f"您的举报已受理，我们将在 {days} 日内办结。"
    move(report, account, "accept", State.ACCEPTED, text=text, public=True)


def not_accept(report: Report, account: Account, reason: str, duplicate_of: str = "") -> None:
    """Refuse the report with a reason the reporter reads; link a duplicate if named."""
    reason = require(reason, "请填写不予受理的理由，举报人会看到。")
    if duplicate_of.strip():
        other = find_by_tracking(duplicate_of)
        if other is None or other.id == report.id:
            raise ActionError("找不到该受理编号的案件。")
        if State(other.state) not in OPEN:
            raise ActionError("重复举报只能关联到仍在办理的案件。")
        report.duplicate_of = other
        reason += f"（与 {other.tracking_number} 为同一问题，请关注该案件进展）"
    report.not_accepted_reason = reason
    report.closed_at = utcnow()
    move(report, account, "not_accept", State.NOT_ACCEPTED, text=reason, public=True)


def assign(report: Report, account: Account, officer: Account, directory: Directory) -> None:
    """Give the case to an officer of the handling body."""
    if not officer.is_officer or officer.body_id != report.body_id:
        raise ActionError("只能分派给承办机构的执法人员。")
    if officer.id != account.id and not account.is_supervisor:
        raise ActionError("执法人员只能认领给自己，分派给他人需要科长（supervisor）权限。")
    report.assigned_to = officer
    move(report, account, "assign", State.ASSIGNED, text=f"分派给 {officer.name or officer.login}")


def investigate(report: Report, account: Account) -> None:
    """Start the investigation."""
    move(report, account, "investigate", State.INVESTIGATING, text="正在调查核实。", public=True)


def conclude(
    report: Report, account: Account, finding: str, action_taken: str, reply: str, penalty: str = ""
) -> None:
    """Record the finding, action taken and the public reply."""
    if finding not in FINDINGS:
        raise ActionError("请选择调查结论。")
    reply = require(reply, "请填写给举报人的答复。")
    now = utcnow()
    report.finding = finding
    report.action_taken = action_taken.strip()
    report.penalty_number = penalty.strip()
    report.concluded_at = now
    if report.conclude_due is not None:
        report.concluded_on_time = china_today(now) <= report.conclude_due
    text = f"调查结论：{FINDINGS[finding]}。{reply}"
    move(report, account, "conclude", State.CONCLUDED, text=text, public=True)


def order_rectification(report: Report, account: Account, requirement: str, due: dt.date) -> None:
    """Order the enterprise to rectify by a date."""
    if report.finding == "not_substantiated":
        raise ActionError("结论为不属实的案件不能责令整改。")
    if not report.unit_code:
        raise ActionError("未关联排污单位的案件无法在线责令整改。")
    report.rectification_requirement = require(requirement, "请填写整改要求。")
    report.rectification_due = due
    _open_ledger_item(report, account)
    text = f"已责令企业整改，期限至 {due:%Y-%m-%d}。"
    move(
        report, account, "order_rectification", State.RECTIFICATION_ORDERED, text=text, public=True
    )
    notify_enterprise(
        report,
        f"整改通知：案件 {report.tracking_number}",
        f"{text}\n整改要求：{report.rectification_requirement}",
    )


def _open_ledger_item(report: Report, account: Account) -> None:
    """The order becomes a ledger item (source report); a refusal refuses the order."""
    try:
        open_for_report(report, account)
    except LedgerError as exc:
        raise ActionError(str(exc)) from exc


def close(report: Report, account: Account, reply: str = "") -> None:
    """Close the case out (销号)."""
    report.closed_at = utcnow()
    move(report, account, "close", State.CLOSED, text=reply.strip() or "案件已销号。", public=True)


def extend(report: Report, account: Account, days: int, reason: str) -> None:
    """Extend the conclusion deadline once, by at most the configured days, with a reason."""
    limit = current_app.config["EXTENSION_MAX_DAYS"]
    if report.extension_days:
        raise ActionError("办理期限只能延长一次。")
    if not 1 <= days <= limit:
        raise ActionError(f"延长天数须在 1 至 {limit} 天之间。")
    reason = require(reason, "请填写延期理由。")
    report.extension_days = days
    report.extension_reason = reason
    if report.conclude_due is not None:
        report.conclude_due += dt.timedelta(days=days)
    text = f"办理期限延长 {days} 天：{reason}"
    record(
        report,
        _officer(account),
        "extend",
        before=report.state,
        after=report.state,
        text=text,
        public=True,
        reason=reason,
    )


def transfer(
    report: Report, account: Account, body_id: str, reason: str, directory: Directory
) -> None:
    """Hand the case to another body (转办); the hop is kept in the history."""
    if body_id not in directory.bodies:
        raise ActionError("请选择接收的执法机构。")
    if body_id == report.body_id:
        raise ActionError("案件已在该机构。")
    reason = require(reason, "请填写转办理由。")
    before, source = report.state, report.body_id
    report.body_id = body_id
    report.assigned_to = None
    if report.state in (State.ASSIGNED.value, State.INVESTIGATING.value):
        report.state = State.ACCEPTED.value
    text = f"转交{directory.body_name(body_id)}办理：{reason}"
    record(
        report,
        _officer(account),
        "transfer",
        before=before,
        after=report.state,
        text=text,
        public=True,
        reason=reason,
        body_from=source,
        body_to=body_id,
    )


def reply(report: Report, account: Account, text: str) -> None:
    """A public reply: the reporter and the public case page see it."""
    text = require(text, "答复内容不能为空。")
    record(
        report,
        _officer(account),
        "reply",
        before=report.state,
        after=report.state,
        text=text,
        public=True,
    )


def note(report: Report, account: Account, text: str) -> None:
    """An internal note: never shown outside the handling bodies."""
    text = require(text, "备注内容不能为空。")
    record(report, _officer(account), "note", before=report.state, after=report.state, text=text)


#: What a reporter typed that an officer may approve for outside eyes, by form value.
MODERATED = {"description": "举报内容", "place": "地点"}


def moderation_targets(report: Report) -> list[tuple[str, str]]:
    """(form value, label) of every reporter text of the case an officer may approve."""
    targets = [(key, label) for key, label in MODERATED.items() if key != "place" or report.place]
    query = select(Rating).where(Rating.report_id == report.id).order_by(Rating.id)
    for n, rating in enumerate(db.session.scalars(query), 1):
        if rating.reason:
            targets.append((f"rating-{rating.id}", f"第 {n} 次评价的理由"))
    return targets


def moderate(
    report: Report, account: Account, text: str, reason: str, target: str = "description"
) -> None:
    """Approve (possibly edited) one reporter text for outside eyes; the original stays stored."""
    reason = require(reason, "请填写审核理由，记入审计日志。")
    labels = dict(moderation_targets(report))
    if target not in labels:
        raise ActionError("请选择要审核的文字。")
    text = (text or "").strip()
    if target == "description":
        report.public_description = text
    elif target == "place":
        report.public_place = text
    else:
        rating = db.session.get(Rating, int(target.removeprefix("rating-")))
        if rating is None or rating.report_id != report.id:
            raise ActionError("请选择要审核的文字。")
        rating.public_reason = text
    record(
        report,
        _officer(account),
        "moderate",
        before=report.state,
        after=report.state,
        text=f"审核并公开了{labels[target]}：{text or '（不公开）'}",
        reason=f"{labels[target]}：{reason}",
    )
