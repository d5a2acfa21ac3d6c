"""The officer console's action forms: one per available action, with its choices filled in."""

from __future__ import annotations

from flask_wtf import FlaskForm

from feedback import actions
from feedback.forms import AssignForm, ModerateForm, ReplyForm, RewardForm, TransferForm, choices
from feedback.models import Account, Report, ResponseTemplate
from feedback.workflow import ACTIONS, postable
from generator import clock


def _current_id() -> int | None:
    from flask_login import current_user

    return current_user.id if current_user.is_authenticated else None


def _fill(form: FlaskForm, report: Report, officers: list[Account], templates: list) -> None:
    """Put the choices (and first values) into one action's form."""
    from feedback.views import directory

    if isinstance(form, AssignForm):
        form.officer.choices = choices((o.id, f"{o.name}（{o.login}）") for o in officers)
        if not form.is_submitted():
            form.officer.data = _current_id()
    if isinstance(form, TransferForm):
        # No body chosen in advance: a transfer is a decision, never the first entry of a list.
        form.body.choices = [("", "请选择接收机构")] + choices(
            (b.id, b.name) for b in directory().bodies.values() if b.id != report.body_id
        )
    if isinstance(form, ReplyForm):
        form.template.choices = choices([(0, "不使用模板")] + [(t.id, t.title) for t in templates])
    if isinstance(form, ModerateForm):
        form.target.choices = choices(actions.moderation_targets(report))
        if not form.is_submitted():
            form.text.data = report.shown_description
    if isinstance(form, RewardForm) and form.decided_on.data is None:
        form.decided_on.data = clock.china_today()


def forms_for(
    report: Report,
    available: list[str],
    officers: list[Account],
    templates: list[ResponseTemplate],
    given: dict | None = None,
) -> dict[str, FlaskForm]:
    """A form per available action (those with a form of their own), with choices filled in."""
    forms: dict[str, FlaskForm] = dict(given or {})
    for action in available:
        form_class = ACTIONS[action].form
        if not postable(action) or form_class is None:
            continue
        form = forms.get(action) or form_class(prefix=action)
        _fill(form, report, officers, templates)
        forms[action] = form
    return forms
