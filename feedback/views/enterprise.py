"""Enterprise pages: reports about the own unit (no reporter identity) and rectification answers."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from feedback.actions import ActionError
from feedback.auth import enterprise_required, login_page, logout
from feedback.cases import find_by_tracking
from feedback.followup import approved_ratings, enterprise_sees, pending_response, respond
from feedback.forms import RespondForm
from feedback.models import Report
from feedback.services import attachments, reports, transaction
from feedback.states import State
from feedback.storage import StorageError
from feedback.views import directory, evidence_files, stored_copy

bp = Blueprint("enterprise", __name__, url_prefix="/enterprise")
STORE_DOWN = (
    "附件暂时无法保存（文件存储出了故障），整改材料还没有提交。"
    "您填写的说明都保留着，请过几分钟重新选择附件再提交。"
)


@bp.before_request
def _audience() -> None:
    g.audience = "enterprise"


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Enterprise login."""
    return login_page(lambda a: a.role == "enterprise", "企业账号登录", "enterprise.index")


bp.add_url_rule("/logout", "logout", login_required(logout), methods=["POST"])


@bp.get("/")
@enterprise_required
def index():  # type: ignore[no-untyped-def]
    """Reports about the enterprise's unit."""
    return render_template(
        "enterprise/index.html",
        reports=reports.about_unit(current_user.unit_code),
        unit=directory().unit(current_user.unit_code),
    )


def _own(number: str) -> Report:
    report = find_by_tracking(number) or abort(404)
    if not enterprise_sees(current_user, report):
        abort(403)
    return report


@bp.route("/case/<number>", methods=["GET", "POST"])
@enterprise_required
def case(number: str):  # type: ignore[no-untyped-def]
    """A report about the unit, and the rectification answer form."""
    report = _own(number)
    form = RespondForm()
    error = ""
    if request.method == "POST":
        files, errors = evidence_files(form.files.name)
        if form.validate() and not errors:
            try:
                respond(report, current_user, form.text.data, files)
            except ActionError as exc:
                transaction.rollback()
                error = str(exc)
            except StorageError:
                current_app.logger.exception("evidence not stored")
                transaction.rollback()
                error = STORE_DOWN
            else:
                transaction.commit()
                return redirect(url_for("enterprise.case", number=number))
        error = error or "请改正下面标出的内容（附件需要重新选择）。"
        form.files.errors = list(errors)
    can_respond = (
        report.state == State.RECTIFICATION_ORDERED.value and pending_response(report) is None
    )
    return render_template(
        "enterprise/case.html",
        report=report,
        form=form,
        error=error,
        responses=reports.responses(report),
        can_respond=can_respond,
        public_ratings=approved_ratings(report),
    ), _status(error)


def _status(error: str) -> int:
    if not error:
        return 200
    return 503 if error == STORE_DOWN else 422


@bp.get("/file/<int:attachment_id>")
@enterprise_required
def file(attachment_id: int):  # type: ignore[no-untyped-def]
    """A stripped copy of a photo or evidence file about the own unit."""
    attachment, report = attachments.with_case(attachment_id) or abort(404)
    if not enterprise_sees(current_user, report):
        abort(403)
    kind = "evidence" if attachment.response_id is not None else "photo"
    return stored_copy(attachment, kind)
