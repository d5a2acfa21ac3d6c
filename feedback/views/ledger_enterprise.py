"""Enterprise ledger pages: every item of the own unit, whatever its source, and the answer."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user

from feedback.auth import enterprise_required
from feedback.ledger import reads, service
from feedback.ledger.forms import AnswerForm
from feedback.ledger.from_reports import report_of
from feedback.ledger.models import LedgerItem
from feedback.ledger.states import SOURCES, LedgerState, can, is_overdue
from feedback.services import transaction
from feedback.storage import StorageError
from feedback.views import evidence_files, stored_copy
from feedback.views.enterprise import STORE_DOWN
from generator.clock import china_today

bp = Blueprint("enterprise_ledger", __name__, url_prefix="/enterprise/ledger")


@bp.before_request
def _audience() -> None:
    g.audience = "enterprise"


@bp.record_once
def _ledger_globals(state: BlueprintSetupState) -> None:
    """Source names and the overdue rule for every ledger template (macros included)."""
    state.app.jinja_env.globals.update(ledger_sources=SOURCES, ledger_overdue=is_overdue)


@bp.app_template_filter("ledger_state")
def _state_label(value: str) -> str:
    try:
        return LedgerState(value).label
    except ValueError:
        return value


@bp.get("/")
@enterprise_required
def index():  # type: ignore[no-untyped-def]
    """Every item of the unit: the ones to rectify first."""
    return render_template(
        "ledger/enterprise_index.html",
        items=reads.of_unit(current_user.unit_code),
        today=china_today(),
    )


def _own(number: str) -> LedgerItem:
    item = service.by_number(number) or abort(404)
    if not service.enterprise_sees(current_user, item):
        abort(403)
    return item


def _answer(item: LedgerItem, form: AnswerForm) -> str:
    """Store the answer; the error shown when it was refused ("" when it was stored)."""
    files, errors = evidence_files(form.files.name)
    if not form.validate() or errors:
        form.files.errors = list(errors)
        return "请改正下面标出的内容（附件需要重新选择）。"
    try:
        service.answer(item, current_user, form.text.data or "", files)
    except service.LedgerError as exc:
        transaction.rollback()
        return str(exc)
    except StorageError:
        current_app.logger.exception("ledger evidence not stored")
        transaction.rollback()
        return STORE_DOWN
    transaction.commit()
    return ""


@bp.route("/<number>", methods=["GET", "POST"])
@enterprise_required
def item(number: str):  # type: ignore[no-untyped-def]
    """One item: what was found, the deadline, the trail, and the answer form."""
    found = _own(number)
    form = AnswerForm()
    error = ""
    case = report_of(found)
    if request.method == "POST" and case is not None:
        error = f"该问题来自举报案件 {case.tracking_number}：请在案件页面提交整改反馈。"
    elif request.method == "POST":
        error = _answer(found, form)
        if not error:
            return redirect(url_for("enterprise_ledger.item", number=number))
    code = 200 if not error else (503 if error == STORE_DOWN else 422)
    return render_template(
        "ledger/enterprise_item.html",
        item=found,
        form=form,
        error=error,
        can_answer=can("answer", found.state) and case is None,
        case=case,
        today=china_today(),
        states=LedgerState,
    ), code


@bp.get("/file/<int:attachment_id>")
@enterprise_required
def file(attachment_id: int):  # type: ignore[no-untyped-def]
    """The stripped copy of an evidence file of one of the unit's items."""
    attachment, found = reads.with_item(attachment_id) or abort(404)
    if not service.enterprise_sees(current_user, found):
        abort(403)
    return stored_copy(attachment, "evidence")
