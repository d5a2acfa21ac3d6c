"""Enterprise warning pages: the own unit's warnings and the explanation with evidence."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user

from feedback.auth import enterprise_required
from feedback.services import transaction
from feedback.storage import StorageError
from feedback.views import evidence_files, stored_copy
from feedback.views.enterprise import STORE_DOWN
from feedback.warnings import service
from feedback.warnings.forms import ExplainForm
from feedback.warnings.models import MonitoringWarning
from feedback.warnings.states import EXPLANATIONS, STATES, can

bp = Blueprint("enterprise_warnings", __name__, url_prefix="/enterprise/warnings")


@bp.before_request
def _audience() -> None:
    g.audience = "enterprise"


@bp.get("/")
@enterprise_required
def index():  # type: ignore[no-untyped-def]
    """Every warning of the unit: the ones to explain first."""
    return render_template(
        "warnings/enterprise_index.html",
        warnings=service.of_unit(current_user.unit_code),
        states=STATES,
    )


def _own(warning_id: int) -> MonitoringWarning:
    warning = service.get(warning_id) or abort(404)
    if not service.enterprise_sees(current_user, warning):
        abort(403)
    return warning


def _explain(warning: MonitoringWarning, form: ExplainForm) -> str:
    """Store the explanation; the error shown when it was refused ("" when stored)."""
    files, errors = evidence_files(form.files.name)
    if not form.validate() or errors:
        form.files.errors = list(errors)
        return "请改正下面标出的内容（附件需要重新选择）。"
    try:
        service.explain(warning, current_user, form.explanation.data or "",
                        form.from_day.data, form.to_day.data,  # type: ignore[arg-type]
                        form.text.data or "", files)  # fmt: skip
    except service.WarningError as exc:
        transaction.rollback()
        return str(exc)
    except StorageError:
        current_app.logger.exception("warning evidence not stored")
        transaction.rollback()
        return STORE_DOWN
    transaction.commit()
    return ""


@bp.route("/<int:warning_id>", methods=["GET", "POST"])
@enterprise_required
def item(warning_id: int):  # type: ignore[no-untyped-def]
    """One warning: what the rule found, the evidence, the trail and the explanation form."""
    found = _own(warning_id)
    form = ExplainForm()
    error = ""
    if request.method == "POST":
        error = _explain(found, form)
        if not error:
            return redirect(url_for("enterprise_warnings.item", warning_id=warning_id))
    code = 200 if not error else (503 if error == STORE_DOWN else 422)
    return render_template(
        "warnings/enterprise_item.html", warning=found, form=form, error=error,
        can_explain=can("explain", found.state), states=STATES, explanations=EXPLANATIONS,
        evidence=json.loads(found.evidence_json), limit=json.loads(found.limit_json),
    ), code  # fmt: skip


@bp.get("/file/<int:attachment_id>")
@enterprise_required
def file(attachment_id: int):  # type: ignore[no-untyped-def]
    """The stripped copy of an evidence file of one of the unit's warnings."""
    attachment, found = service.evidence_file(attachment_id) or abort(404)
    if not service.enterprise_sees(current_user, found):
        abort(403)
    return stored_copy(attachment, "evidence")
