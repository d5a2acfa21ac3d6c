"""Officer warning pages: the queue of the body, one warning with its evidence; confirm (a
ledger item), dismiss with a reason, accept or reject the enterprise's explanation."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from feedback.auth import officer_required
from feedback.ledger.checks import LedgerError
from feedback.services import transaction
from feedback.views import directory, stored_copy
from feedback.warnings import service
from feedback.warnings.forms import ConfirmForm, DismissForm, ReviewForm
from feedback.warnings.models import MonitoringWarning
from feedback.warnings.states import EXPLANATIONS, STATES, can

bp = Blueprint("officer_warnings", __name__, url_prefix="/officer/warnings")


@bp.before_request
def _audience() -> None:
    g.audience = "officer"


@bp.get("/")
@officer_required
def index():  # type: ignore[no-untyped-def]
    """The warnings of the officer's body and the bodies under it."""
    return render_template(
        "warnings/officer_index.html",
        warnings=service.queue(current_user, directory()),
        states=STATES,
    )


def _in_scope(warning_id: int) -> MonitoringWarning:
    warning = service.get(warning_id) or abort(404)
    if not service.officer_sees(current_user, warning, directory()):
        abort(403)
    return warning


def render_warning(warning: MonitoringWarning, forms: dict | None = None, error: str = "",
                   code: int = 200):  # type: ignore[no-untyped-def]  # fmt: skip
    """The officer's page of one warning, with the forms its state allows."""
    shown = {"confirm": ConfirmForm(prefix="confirm"), "dismiss": DismissForm(prefix="dismiss"),
             "review": ReviewForm(prefix="review")}  # fmt: skip
    shown.update(forms or {})
    return render_template(
        "warnings/officer_item.html", warning=warning, forms=shown, error=error,
        states=STATES, explanations=EXPLANATIONS, can=can,
        evidence=json.loads(warning.evidence_json), limit=json.loads(warning.limit_json),
    ), code  # fmt: skip


@bp.get("/<int:warning_id>")
@officer_required
def item(warning_id: int):  # type: ignore[no-untyped-def]
    """One warning: rule, reason, hours, evidence, the enterprise's explanation, actions."""
    return render_warning(_in_scope(warning_id))


def _done(warning: MonitoringWarning, message: str) -> BaseResponse:
    transaction.commit()
    flash(message)
    return redirect(url_for("officer_warnings.item", warning_id=warning.id))


@bp.post("/<int:warning_id>/confirm")
@officer_required
def confirm(warning_id: int):  # type: ignore[no-untyped-def]
    """Confirm the warning: it becomes an item of the problem ledger."""
    found = _in_scope(warning_id)
    form = ConfirmForm(prefix="confirm")
    if not form.validate():
        return render_warning(found, {"confirm": form}, "请改正下面标出的内容。", 422)
    try:
        number = service.confirm(found, current_user, form.action.data or "",
                                 form.due_on.data, directory())  # type: ignore[arg-type]  # fmt: skip
    except (service.WarningError, LedgerError) as exc:
        transaction.rollback()
        return render_warning(found, {"confirm": form}, str(exc), 422)
    return _done(found, f"已确认，转入问题台账 {number}。")


@bp.post("/<int:warning_id>/dismiss")
@officer_required
def dismiss(warning_id: int):  # type: ignore[no-untyped-def]
    """Dismiss the warning with a reason."""
    found = _in_scope(warning_id)
    form = DismissForm(prefix="dismiss")
    if not form.validate():
        return render_warning(found, {"dismiss": form}, "请改正下面标出的内容。", 422)
    try:
        service.dismiss(found, current_user, form.reason.data or "")
    except service.WarningError as exc:
        transaction.rollback()
        return render_warning(found, {"dismiss": form}, str(exc), 422)
    return _done(found, "已排除。")


@bp.post("/<int:warning_id>/review")
@officer_required
def review(warning_id: int):  # type: ignore[no-untyped-def]
    """Accept or reject the enterprise's explanation."""
    found = _in_scope(warning_id)
    form = ReviewForm(prefix="review")
    if not form.validate():
        return render_warning(found, {"review": form}, "请改正下面标出的内容。", 422)
    accept = form.decision.data == "accept"
    try:
        service.review(found, current_user, accept, form.text.data or "")
    except service.WarningError as exc:
        transaction.rollback()
        return render_warning(found, {"review": form}, str(exc), 422)
    return _done(found, "已采纳企业说明。" if accept else "未采纳，预警退回待核查。")


@bp.get("/file/<int:attachment_id>")
@officer_required
def file(attachment_id: int):  # type: ignore[no-untyped-def]
    """An evidence file of a warning as uploaded, always as a download."""
    attachment, found = service.evidence_file(attachment_id) or abort(404)
    if not service.officer_sees(current_user, found, directory()):
        abort(403)
    return stored_copy(attachment, "evidence", original=True)
