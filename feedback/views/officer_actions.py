"""Officer action handlers: one form and one service call per action."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm

from feedback import actions, followup
from feedback.directory import Directory
from feedback.extensions import db
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
    choices,
)
from feedback.models import Account, Report, ResponseTemplate
from generator import clock

Handler = Callable[[Report, Account, FlaskForm, Directory], None]


def _reply(report: Report, account: Account, form: ReplyForm, d: Directory) -> None:
    text = (form.text.data or "").strip()
    if not text and form.template.data:
        template = db.session.get(ResponseTemplate, form.template.data)
        if template is not None and template.body_id == report.body_id:
            text = template.text
    actions.reply(report, account, text)


def _assign(report: Report, account: Account, form: AssignForm, d: Directory) -> None:
    officer = db.session.get(Account, form.officer.data)
    if officer is None:
        raise actions.ActionError("请选择承办人。")
    actions.assign(report, account, officer, d)


HANDLERS: dict[str, tuple[type[FlaskForm], Handler]] = {
    "accept": (ReplyForm, lambda r, a, f, d: actions.accept(r, a, f.text.data or "")),
    "not_accept": (
        NotAcceptForm,
        lambda r, a, f, d: actions.not_accept(r, a, f.text.data, f.duplicate_of.data or ""),
    ),
    "assign": (AssignForm, _assign),
    "investigate": (ConfirmForm, lambda r, a, f, d: actions.investigate(r, a)),
    "conclude": (
        ConcludeForm,
        lambda r, a, f, d: actions.conclude(
            r, a, f.finding.data, f.action_taken.data or "", f.text.data, f.penalty.data or ""
        ),
    ),
    "order_rectification": (
        RectifyForm,
        lambda r, a, f, d: actions.order_rectification(r, a, f.requirement.data, f.due.data),
    ),
    "verify": (
        ReviewForm,
        lambda r, a, f, d: followup.review(r, a, f.decision.data == "verify", f.text.data or ""),
    ),
    "close": (ReplyForm, lambda r, a, f, d: actions.close(r, a, f.text.data or "")),
    "extend": (ExtendForm, lambda r, a, f, d: actions.extend(r, a, f.days.data, f.text.data)),
    "transfer": (
        TransferForm,
        lambda r, a, f, d: actions.transfer(r, a, f.body.data, f.text.data, d),
    ),
    "reply": (ReplyForm, _reply),
    "note": (TextForm, lambda r, a, f, d: actions.note(r, a, f.text.data)),
    "moderate": (
        ModerateForm,
        lambda r, a, f, d: actions.moderate(r, a, f.text.data, f.reason.data, f.target.data),
    ),
    "reward": (
        RewardForm,
        lambda r, a, f, d: followup.record_reward(
            r, a, f.amount.data, f.decided_on.data, f.status.data, f.note.data or ""
        ),
    ),
}


def _current_id() -> int | None:
    from flask_login import current_user

    return current_user.id if current_user.is_authenticated else None


def forms_for(
    report: Report,
    available: list[str],
    officers: list[Account],
    templates: list[ResponseTemplate],
    given: dict | None = None,
) -> dict[str, FlaskForm]:
    """A form per available action, with choices filled in."""
    from feedback.views import directory

    forms: dict[str, FlaskForm] = dict(given or {})
    for action in available:
        if action not in HANDLERS or action == "send_back":
            continue
        form = forms.get(action) or HANDLERS[action][0](prefix=action)
        if isinstance(form, AssignForm):
            form.officer.choices = choices((o.id, f"{o.name}（{o.login}）") for o in officers)
            if not form.is_submitted():
                form.officer.data = _current_id()
        if isinstance(form, TransferForm):
            form.body.choices = choices(
                (b.id, b.name) for b in directory().bodies.values() if b.id != report.body_id
            )
        if isinstance(form, ReplyForm):
            form.template.choices = choices(
                [(0, "不使用模板")] + [(t.id, t.title) for t in templates]
            )
        if isinstance(form, ModerateForm):
            form.target.choices = choices(actions.moderation_targets(report))
            if not form.is_submitted():
                form.text.data = report.shown_description
        if isinstance(form, RewardForm) and form.decided_on.data is None:
            form.decided_on.data = clock.china_today()
        forms[action] = form
    return forms
