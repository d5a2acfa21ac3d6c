"""Every report action, declared once: from-states, to-state, label, form, who, legal clock.

The officer console's buttons and forms, the allowed-action check, the history and audit
labels, the Open311 update labels and docs/feedback.md's tables all derive from
:data:`ACTIONS`. States themselves (label, kind, running deadline) are declared in
``feedback.states``. To add a state: one entry there, its actions here (see CONTRIBUTING.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm

from feedback import actions, followup
from feedback.actions import ActionError, in_scope, move, require
from feedback.cases import china_today
from feedback.directory import Directory
from feedback.forms import (
    AssignForm,
    ConcludeForm,
    ConfirmForm,
    ExtendForm,
    ModerateForm,
    NotAcceptForm,
    RectifyForm,
    ReplyForm,
    ReviewForm,
    RewardForm,
    TextForm,
    TransferForm,
)
from feedback.models import Account, Report, Update, utcnow
from feedback.services import accounts, replies
from feedback.states import CLOCK_RUNNING, CONCLUSION_CLOCK, RATEABLE, State

#: Runs one action from its submitted form; raises ActionError with a message for the officer.
Handler = Callable[[Report, Account, Any, Directory], object]
#: ``target`` of an action that returns the report to the state it had before (resume).
PREVIOUS = "previous"
#: Who may take an action: officer (any handling officer), supervisor, or nobody in the
#: console because the reporter, the enterprise or the system takes it.
OFFICERS = ("officer", "supervisor")


@dataclass(frozen=True, slots=True)
class Action:
    """One action: where it may start, where it leads, who takes it, with which form."""

    label: str
    #: States it may be taken from; None: from any state, and the state stays.
    sources: frozenset[State] | None = None
    #: The state it leads to; None: the state stays (or the handler decides, as transfer).
    target: State | str | None = None
    who: str = "officer"  # officer | supervisor | reporter | enterprise | system
    #: What it does to the legal clock: start | extend | stop | pause | resume ("" none).
    clock: str = ""
    form: type[FlaskForm] | None = None
    run: Handler | None = None
    #: Whether the console offers it on this case at all (the handler still explains a refusal).
    shown: Callable[[Report], bool] | None = None


def suspend(report: Report, account: Account, reason: str) -> None:
    """Suspend the handling (中止办理): no deadline runs until the case is resumed."""
    reason = require(reason, "请填写中止办理的理由，举报人会看到。")
    text = f"中止办理：{reason}（期间不计入办理期限）"
    move(report, account, "suspend", State.SUSPENDED, text=text, public=True, reason=reason)


def last_suspension(report: Report) -> Update | None:
    """The history entry that suspended the case, if it is suspended."""
    found = [u for u in report.updates if u.action == "suspend"]
    return found[-1] if found else None


def resume(report: Report, account: Account, now: dt.datetime | None = None) -> None:
    """Resume in the state before the suspension; its deadline moves by the paused days."""
    paused = last_suspension(report)
    if paused is None or not paused.state_before:
        raise ActionError("找不到中止办理的记录，无法恢复。")
    previous = State(paused.state_before)
    days = (china_today(now or utcnow()) - china_today(paused.created_at)).days
    field = previous.rule.deadline
    due = getattr(report, field) if field else None
    if due is not None:
        setattr(report, field, due + dt.timedelta(days=days))
    text = f"恢复办理，中止 {days} 天不计入办理期限。"
    move(report, account, "resume", previous, text=text, public=True)


def _reply(report: Report, account: Account, form: ReplyForm, d: Directory) -> None:
    text = (form.text.data or "").strip()
    if not text and form.template.data:
        text = replies.text_for(form.template.data, report.body_id)
    actions.reply(report, account, text)


def _assign(report: Report, account: Account, form: AssignForm, d: Directory) -> None:
    officer = accounts.get(form.officer.data)
    if officer is None:
        raise ActionError("请选择承办人。")
    actions.assign(report, account, officer, d)


def _rewardable(report: Report) -> bool:
    """A reward is for a substantiated, penalised report of a reporter who gave a name."""
    return (
        report.finding in ("substantiated", "partly")
        and bool(report.penalty_number)
        and report.real_name
    )


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


ACTIONS: dict[str, Action] = {
    "accept": Action(
        "受理",
        _states(State.RECEIVED),
        State.ACCEPTED,
        clock="start",
        form=ReplyForm,
        run=lambda r, a, f, d: actions.accept(r, a, f.text.data or ""),
    ),
    "not_accept": Action(
        "不予受理",
        _states(State.RECEIVED),
        State.NOT_ACCEPTED,
        clock="stop",
        form=NotAcceptForm,
        run=lambda r, a, f, d: actions.not_accept(r, a, f.text.data, f.duplicate_of.data or ""),
    ),
    "assign": Action(
        "分派",
        _states(State.ACCEPTED, State.ASSIGNED, State.REOPENED),
        State.ASSIGNED,
        form=AssignForm,
        run=_assign,
    ),
    "investigate": Action(
        "开始调查",
        _states(State.ASSIGNED, State.REOPENED),
        State.INVESTIGATING,
        form=ConfirmForm,
        run=lambda r, a, f, d: actions.investigate(r, a),
    ),
    "conclude": Action(
        "办结",
        _states(State.INVESTIGATING, State.REOPENED),
        State.CONCLUDED,
        clock="stop",
        form=ConcludeForm,
        run=lambda r, a, f, d: actions.conclude(
            r, a, f.finding.data, f.action_taken.data or "", f.text.data, f.penalty.data or ""
        ),
    ),
    "order_rectification": Action(
        "责令整改",
        _states(State.CONCLUDED),
        State.RECTIFICATION_ORDERED,
        form=RectifyForm,
        shown=lambda r: bool(r.unit_code) and r.finding != "not_substantiated",
        run=lambda r, a, f, d: actions.order_rectification(r, a, f.requirement.data, f.due.data),
    ),
    "verify": Action(
        "核实整改",
        _states(State.RECTIFICATION_ORDERED),
        State.RECTIFICATION_VERIFIED,
        form=ReviewForm,
        run=lambda r, a, f, d: followup.review(
            r, a, f.decision.data == "verify", f.text.data or ""
        ),
    ),
    # Taken through the verify form (its "send back" choice): no form of its own.
    "send_back": Action("退回整改材料", _states(State.RECTIFICATION_ORDERED)),
    "close": Action(
        "销号",
        _states(State.CONCLUDED, State.RECTIFICATION_VERIFIED),
        State.CLOSED,
        form=ReplyForm,
        run=lambda r, a, f, d: actions.close(r, a, f.text.data or ""),
    ),
    "extend": Action(
        "延期",
        CONCLUSION_CLOCK,
        clock="extend",
        form=ExtendForm,
        run=lambda r, a, f, d: actions.extend(r, a, f.days.data, f.text.data),
    ),
    "transfer": Action(
        "转办",
        _states(State.RECEIVED, State.ACCEPTED, State.ASSIGNED, State.INVESTIGATING),
        form=TransferForm,
        run=lambda r, a, f, d: actions.transfer(r, a, f.body.data, f.text.data, d),
    ),
    "suspend": Action(
        "中止办理",
        CLOCK_RUNNING,
        State.SUSPENDED,
        who="supervisor",
        clock="pause",
        form=TextForm,
        run=lambda r, a, f, d: suspend(r, a, f.text.data),
    ),
    "resume": Action(
        "恢复办理",
        _states(State.SUSPENDED),
        PREVIOUS,
        who="supervisor",
        clock="resume",
        form=ConfirmForm,
        run=lambda r, a, f, d: resume(r, a),
    ),
    "reopen": Action("重新办理", RATEABLE, State.REOPENED, who="system", clock="start"),
    "reply": Action("公开答复", form=ReplyForm, run=_reply),
    "note": Action(
        "内部备注", form=TextForm, run=lambda r, a, f, d: actions.note(r, a, f.text.data)
    ),
    "moderate": Action(
        "修改公开文字",
        who="supervisor",
        form=ModerateForm,
        run=lambda r, a, f, d: actions.moderate(r, a, f.text.data, f.reason.data, f.target.data),
    ),
    "reward": Action(
        "记录奖励",
        form=RewardForm,
        shown=_rewardable,
        run=lambda r, a, f, d: followup.record_reward(
            r, a, f.amount.data, f.decided_on.data, f.status.data, f.note.data or ""
        ),
    ),
    "rate": Action("评价", who="reporter"),
    "respond": Action("企业整改反馈", _states(State.RECTIFICATION_ORDERED), who="enterprise"),
    "create": Action("提交举报", target=State.RECEIVED, who="reporter", clock="start"),
    "export": Action("导出", who="officer"),
}

#: Chinese label of every action, for history, audit, flash messages and Open311 updates.
ACTION_LABELS = {name: action.label for name, action in ACTIONS.items()}


def can(action: str, state: State | str) -> bool:
    """Whether ``action`` may be taken from ``state`` (roles aside)."""
    sources = ACTIONS[action].sources
    return sources is None or State(state) in sources


def allowed(account: Account, report: Report, action: str, directory: Directory) -> bool:
    """Role, scope and state together: may this officer take this action on the report now?"""
    rule = ACTIONS.get(action)
    if rule is None or rule.run is None and rule.sources is None or rule.who not in OFFICERS:
        return False
    if not in_scope(account, report, directory):
        return False
    if rule.who == "supervisor" and not account.is_supervisor:
        return False
    if rule.sources is None:
        return True
    state = State(report.state)
    if state.rule.supervisors_only and not account.is_supervisor:
        return False
    return state in rule.sources


def available(account: Account, report: Report, directory: Directory) -> list[str]:
    """The actions this officer may take on the report now and that fit it, in table order."""
    return [
        name
        for name, rule in ACTIONS.items()
        if allowed(account, report, name, directory) and (rule.shown is None or rule.shown(report))
    ]


def postable(action: str) -> bool:
    """Whether the console posts this action with a form of its own."""
    rule = ACTIONS.get(action)
    return rule is not None and rule.form is not None and rule.run is not None


def _from(rule: Action) -> str:
    if rule.sources is None:
        return "any" if rule.target is None else "(new report)"
    return " / ".join(s.value for s in State if s in rule.sources)


def _to(rule: Action) -> str:
    if rule.target == PREVIOUS:
        return "the state before"
    return rule.target.value if isinstance(rule.target, State) else "stays"


def markdown() -> str:
    """docs/feedback.md's state and action tables, as the two tables declare them."""
    lines = ["| state | label | kind | deadline running | supervisors only |"]
    lines.append("| --- | --- | --- | --- | --- |")
    for state in State:
        kept = state.rule
        only = "yes" if kept.supervisors_only else "–"
        row = (state.value, kept.label, kept.kind, kept.deadline or "none", only)
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "| action | label | from | to | who | clock |"]
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for name, rule in ACTIONS.items():
        cells = (name, rule.label, _from(rule), _to(rule), rule.who, rule.clock or "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
