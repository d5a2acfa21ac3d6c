"""Officer ledger pages: one item with its trail and evidence; verify, send back, close."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from feedback.auth import officer_required
from feedback.ledger import reads, service
from feedback.ledger.forms import CloseForm, ReviewForm
from feedback.ledger.from_reports import report_of
from feedback.ledger.models import LedgerItem
from feedback.ledger.states import can
from feedback.services import transaction
from feedback.views import directory, stored_copy
from generator.clock import china_today

bp = Blueprint("officer_ledger", __name__, url_prefix="/officer/ledger")
ON_THE_CASE = "该问题来自举报案件：请在案件页面核实、退回或销号，台账随之更新。"


@bp.before_request
def _audience() -> None:
    g.audience = "officer"


def _in_scope(number: str) -> LedgerItem:
    item = service.by_number(number) or abort(404)
    if not service.officer_sees(current_user, item, directory()):
        abort(403)
    return item


def render_item(item: LedgerItem, forms: dict | None = None, error: str = "", code: int = 200):
    """The officer's page of one item, with the forms its state allows."""
    shown = {"review": ReviewForm(prefix="review"), "close": CloseForm(prefix="close")}
    shown.update(forms or {})
    case = report_of(item)
    return render_template(
        "ledger/officer_item.html",
        item=item,
        forms=shown,
        error=error,
        case=case,
        can_review=can("verify", item.state) and case is None,
        can_close=can("close", item.state) and case is None,
        today=china_today(),
    ), code


@bp.get("/item/<number>")
@officer_required
def item(number: str):  # type: ignore[no-untyped-def]
    """One item: facts, internal detail, trail with evidence, and the actions."""
    return render_item(_in_scope(number))


def _done(item: LedgerItem, message: str) -> BaseResponse:
    transaction.commit()
    flash(message)
    return redirect(url_for("officer_ledger.item", number=item.number))


@bp.post("/item/<number>/review")
@officer_required
def review(number: str):  # type: ignore[no-untyped-def]
    """Verify the enterprise's answer, or send it back with a reason."""
    found = _in_scope(number)
    form = ReviewForm(prefix="review")
    if report_of(found) is not None:
        return render_item(found, {"review": form}, ON_THE_CASE, 422)
    if not form.validate():
        return render_item(found, {"review": form}, "请改正下面标出的内容。", 422)
    try:
        if form.decision.data == "verify":
            service.verify(found, current_user, form.text.data or "", directory())
        else:
            service.send_back(found, current_user, form.text.data or "", directory())
    except service.LedgerError as exc:
        transaction.rollback()
        return render_item(found, {"review": form}, str(exc), 422)
    return _done(found, "已核实。" if form.decision.data == "verify" else "已退回企业重新整改。")


@bp.post("/item/<number>/close")
@officer_required
def close(number: str):  # type: ignore[no-untyped-def]
    """Close (销号) a verified item."""
    found = _in_scope(number)
    form = CloseForm(prefix="close")
    if report_of(found) is not None:
        return render_item(found, {"close": form}, ON_THE_CASE, 422)
    if not form.validate():
        return render_item(found, {"close": form}, "请改正下面标出的内容。", 422)
    try:
        service.close(found, current_user, form.text.data or "", directory())
    except service.LedgerError as exc:
        transaction.rollback()
        return render_item(found, {"close": form}, str(exc), 422)
    return _done(found, "已销号。")


@bp.get("/file/<int:attachment_id>")
@officer_required
def file(attachment_id: int):  # type: ignore[no-untyped-def]
    """An evidence file as uploaded (with its metadata), always as a download."""
    return _serve(attachment_id, reencoded=False)


@bp.get("/preview/<int:attachment_id>")
@officer_required
def preview(attachment_id: int):  # type: ignore[no-untyped-def]
    """The re-encoded copy of an evidence photo, shown inline."""
    return _serve(attachment_id, reencoded=True)


def _serve(attachment_id: int, reencoded: bool) -> Response:
    attachment, found = reads.with_item(attachment_id) or abort(404)
    if not service.officer_sees(current_user, found, directory()):
        abort(403)
    return stored_copy(attachment, "evidence", original=not reencoded)


from feedback.views import ledger_lists as _lists  # noqa: E402

bp.add_url_rule("/", "index", _lists.index)
bp.add_url_rule("/export.csv", "export", _lists.export)
bp.add_url_rule("/clearing", "clearing", _lists.clearing)
bp.add_url_rule("/new", "new", _lists.new, methods=["GET", "POST"])
