"""After the conclusion: enterprise answers, officer verification, ratings, reopening, rewards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import select

from feedback.actions import ActionError, move, require
from feedback.cases import REPORTER, Actor, mark_mail_queued, notify_enterprise, record
from feedback.extensions import db
from feedback.ledger.checks import LedgerError
from feedback.ledger.from_reports import mirror
from feedback.mail import queue_mail
from feedback.models import Account, Attachment, EnterpriseResponse, Rating, Report, Reward, utcnow
from feedback.photos import CheckedFile
from feedback.services.attachments import put_copies
from feedback.states import RATEABLE, RATINGS, REWARD_STATUSES, State


def enterprise_sees(account: Account, report: Report) -> bool:
    """An enterprise account sees only reports about its own unit."""
    return (
        account.role == "enterprise"
        and bool(account.unit_code)
        and report.unit_code == account.unit_code
    )


def pending_response(report: Report) -> EnterpriseResponse | None:
    """The enterprise answer waiting for an officer, if any."""
    return db.session.scalar(
        select(EnterpriseResponse)
        .where(EnterpriseResponse.report_id == report.id, EnterpriseResponse.status == "submitted")
        .order_by(EnterpriseResponse.id.desc())
    )


def respond(
    report: Report, account: Account, text: str, files: list[CheckedFile]
) -> EnterpriseResponse:
    """The enterprise answers a rectification order with an explanation and evidence."""
    if not enterprise_sees(account, report):
        raise ActionError("无权处理该案件。")
    if report.state != State.RECTIFICATION_ORDERED.value:
        raise ActionError("该案件当前不需要整改反馈。")
    if pending_response(report) is not None:
        raise ActionError("上一份整改材料还在核实中。")
    response = EnterpriseResponse(
        report_id=report.id, account_id=account.id, text=require(text, "请说明整改情况。")
    )
    db.session.add(response)
    db.session.flush()
    stored = [Attachment(response_id=response.id, **put_copies(f)) for f in files]
    db.session.add_all(stored)
    _mirror(report, account, "answer", response.text, stored)
    record(
        report,
        Actor("enterprise", account),
        "respond",
        before=report.state,
        after=report.state,
        text="企业提交了整改材料。",
        public=True,
    )
    return response


def review(report: Report, account: Account, accept: bool, comment: str) -> None:
    """Verify the enterprise's rectification, or send it back with a comment."""
    response = pending_response(report)
    if response is None:
        raise ActionError("企业尚未提交整改材料。")
    response.reviewed_at = utcnow()
    response.officer_comment = comment.strip()
    if accept:
        response.status = "verified"
        text = "整改情况已核实。" + comment.strip()
        move(report, account, "verify", State.RECTIFICATION_VERIFIED, text=text, public=True)
        _mirror(report, account, "verify", text)
        return
    response.status = "sent_back"
    reason = require(comment, "退回时请写明原因，企业会看到。")
    _mirror(report, account, "send_back", reason)
    record(
        report,
        Actor("officer", account),
        "send_back",
        before=report.state,
        after=report.state,
        text=f"整改材料被退回：{reason}",
        public=True,
        reason=reason,
    )
    notify_enterprise(
        report,
        f"整改材料被退回：案件 {report.tracking_number}",
        f"整改材料被退回，请按意见补充后重新提交。\n原因：{reason}",
    )


def _mirror(
    report: Report, account: Account, action: str, text: str, files: Sequence[Attachment] = ()
) -> None:
    """The same step on the order's ledger item; a refusal there refuses the step."""
    try:
        mirror(report, account, action, text, files)
    except LedgerError as exc:
        raise ActionError(str(exc)) from exc


def can_rate(report: Report) -> bool:
    """One rating per conclusion: the first, and one more after the single reopening."""
    return State(report.state) in RATEABLE and len(ratings(report)) <= report.reopened_count


def rate(report: Report, value: str, reason: str = "") -> Rating:
    """The reporter rates the handling; 'not satisfied' reopens the case once for a supervisor."""
    if State(report.state) not in RATEABLE:
        raise ActionError("案件办结后才能评价。")
    if not can_rate(report):
        raise ActionError("您已评价过本次办理结果，谢谢。")
    if value not in RATINGS:
        raise ActionError("请选择评价。")
    if value == "not_satisfied":
        reason = require(reason, "请说明不满意的原因。")
    rating = Rating(report_id=report.id, value=value, reason=reason.strip())
    db.session.add(rating)
    # The reason is the reporter's own words: it is published only once an officer approves it.
    record(
        report,
        REPORTER,
        "rate",
        before=report.state,
        after=report.state,
        text=f"举报人评价：{RATINGS[value]}",
        public=True,
        reason=reason.strip(),
    )
    if value == "not_satisfied" and report.reopened_count == 0:
        before = report.state
        report.reopened_count += 1
        report.state = State.REOPENED.value
        report.assigned_to = None
        record(
            report,
            Actor("system"),
            "reopen",
            before=before,
            after=report.state,
            text="举报人不满意，案件交由科长重新办理。",
            public=True,
            reason=reason,
        )
        _notify_body(report, reason)
    return rating


def _notify_body(report: Report, reason: str) -> None:
    """Tell the handling body's mailbox that a case came back for its supervisor."""
    body = current_app.extensions["yimatong_directory"].bodies.get(report.body_id)
    if body is None or not body.email:
        return
    base = current_app.config["FEEDBACK_URL"].rstrip("/")
    queue_mail(
        body.email,
        f"举报人不满意，案件 {report.tracking_number} 需科长重新办理",
        f"原因：{reason}\n办理：{base}/officer/case/{report.tracking_number}\n",
    )
    mark_mail_queued()


def approved_ratings(report: Report) -> list[Rating]:
    """Ratings whose reason an officer approved for outside eyes."""
    return [r for r in ratings(report) if r.public_reason]


def ratings(report: Report) -> list[Rating]:
    """The reporter's ratings, oldest first."""
    return list(
        db.session.scalars(select(Rating).where(Rating.report_id == report.id).order_by(Rating.id))
    )


def record_reward(
    report: Report, account: Account, amount: str, decided_on: dt.date, status: str, note: str = ""
) -> Reward:
    """Record a reward decision for a substantiated, penalised, real-name report."""
    if report.finding not in ("substantiated", "partly") or not report.penalty_number:
        raise ActionError("只有查证属实并作出处罚决定的举报才能奖励。")
    if not report.real_name:
        raise ActionError("举报人未留下真实姓名和联系方式，无法奖励。")
    if status not in REWARD_STATUSES:
        raise ActionError("请选择奖励状态。")
    reward = Reward(
        report_id=report.id,
        amount=require(amount, "请填写奖励金额。"),
        decided_on=decided_on,
        status=status,
        note=note.strip(),
    )
    db.session.add(reward)
    record(
        report,
        Actor("officer", account),
        "reward",
        before=report.state,
        after=report.state,
        text=f"奖励 {reward.amount} 元（{REWARD_STATUSES[status]}）",
        reason=note,
    )
    return reward


def rewards(report: Report) -> list[Reward]:
    """Reward decisions of a report."""
    return list(
        db.session.scalars(select(Reward).where(Reward.report_id == report.id).order_by(Reward.id))
    )
