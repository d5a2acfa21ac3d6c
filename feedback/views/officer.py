"""Officer console: queue, case page, actions, files, export, on-site unit view, templates."""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from feedback.actions import ActionError, in_scope
from feedback.auth import login_page, logout, officer_required
from feedback.cases import Actor, audit, china_today, find_by_tracking
from feedback.console import arrange
from feedback.followup import pending_response, ratings, rewards
from feedback.forms import TemplateForm
from feedback.inspections import service as inspections
from feedback.ledger import queries as ledger_queries
from feedback.ledger.queries import LedgerFilters
from feedback.models import Attachment, Report
from feedback.queue import Filters, counts, deadline_mark, export_csv, queue
from feedback.services import accounts, attachments, replies, reports, transaction
from feedback.states import CATEGORIES, State
from feedback.views import directory, stored_copy
from feedback.views.officer_actions import forms_for
from feedback.workflow import ACTION_LABELS, ACTIONS, allowed, available, postable

bp = Blueprint("officer", __name__, url_prefix="/officer")


@bp.before_request
def _audience() -> None:
    g.audience = "officer"


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Officer login."""
    return login_page(lambda a: a.is_officer, "执法人员登录", "officer.index")


bp.add_url_rule("/logout", "logout", login_required(logout), methods=["POST"])


def _filters() -> Filters:
    args = request.args
    return Filters(
        state=args.get("state", ""),
        category=args.get("category", ""),
        unit=args.get("unit", "").strip(),
        overdue=args.get("overdue") == "1",
        mine=args.get("mine") == "1",
        sort=args.get("sort", "due"),
    )


@bp.get("/")
@officer_required
def index():  # type: ignore[no-untyped-def]
    """The queue with filters and counts."""
    filters = _filters()
    found = queue(current_user, directory(), filters)
    return render_template(
        "officer/queue.html",
        reports=found,
        filters=filters,
        counts=counts(current_user, directory()),
        states=list(State),
        categories=CATEGORIES,
        mark=deadline_mark,
    )


def _case_or_403(number: str) -> Report:
    report = find_by_tracking(number) or abort(404)
    if not in_scope(current_user, report, directory()):
        abort(403)
    return report


def _render_case(report: Report, forms: dict | None = None, error: str = "", code: int = 200):
    shown = available(current_user, report, directory())
    all_forms = forms_for(
        report, shown, accounts.handling_officers(report.body_id), replies.for_body(report.body_id)
    )
    all_forms.update(forms or {})
    return render_template(
        "officer/case.html",
        report=report,
        available=shown,
        forms=all_forms,
        error=error,
        labels=ACTION_LABELS,
        arranged=arrange(shown),
        posted=list(forms or {}),
        mark=deadline_mark(report),
        given_ratings=ratings(report),
        rewards=rewards(report),
        responses=reports.responses(report),
        pending=pending_response(report),
        related=reports.open_about_same_unit(report),
    ), code


@bp.get("/case/<number>")
@officer_required
def case(number: str):  # type: ignore[no-untyped-def]
    """Case page: the report with reporter details, photos, history and actions."""
    return _render_case(_case_or_403(number))


@bp.post("/case/<number>/<action>")
@officer_required
def act(number: str, action: str):  # type: ignore[no-untyped-def]
    """Take one action on the case."""
    report = _case_or_403(number)
    if not postable(action):
        abort(404)
    if not allowed(current_user, report, action, directory()):
        abort(403)
    rule = ACTIONS[action]
    assert rule.form is not None and rule.run is not None  # postable
    form = rule.form(prefix=action)
    officers = accounts.handling_officers(report.body_id)
    forms_for(report, [action], officers, replies.for_body(report.body_id), {action: form})
    if not form.validate():
        return _render_case(report, {action: form}, "请改正下面标出的内容。", 422)
    try:
        rule.run(report, current_user, form, directory())
    except ActionError as exc:
        transaction.rollback()
        return _render_case(report, {action: form}, str(exc), 422)
    transaction.commit()
    flash(f"已{ACTION_LABELS.get(action, action)}。")
    return redirect(url_for("officer.case", number=report.tracking_number))


def _file_in_scope(attachment_id: int) -> Attachment:
    """An attachment of a case in the officer's scope: 404 if it or its case is missing."""
    found = attachments.with_case(attachment_id) or abort(404)
    attachment, report = found
    if not in_scope(current_user, report, directory()):
        abort(403)
    return attachment


def _kind(attachment: Attachment) -> str:
    return "evidence" if attachment.response_id is not None else "photo"


@bp.get("/file/<int:attachment_id>")
@officer_required
def file(attachment_id: int):  # type: ignore[no-untyped-def]
    """The original upload (with metadata) for the handling officers, always as a download."""
    return _serve(attachment_id, reencoded=False)


@bp.get("/preview/<int:attachment_id>")
@officer_required
def preview(attachment_id: int):  # type: ignore[no-untyped-def]
    """The re-encoded copy of a photo, shown inline on the case page."""
    return _serve(attachment_id, reencoded=True)


def _serve(attachment_id: int, reencoded: bool) -> Response:
    """One stored copy of an attachment in the officer's scope: original or re-encoded."""
    attachment = _file_in_scope(attachment_id)
    return stored_copy(attachment, _kind(attachment), original=not reencoded)


@bp.get("/export.csv")
@officer_required
def export():  # type: ignore[no-untyped-def]
    """CSV of the body's cases (filters apply); no reporter data."""
    found = queue(current_user, directory(), _filters())
    audit(Actor("officer", current_user), "export", f"{len(found)} 件")
    transaction.commit()
    return Response(
        export_csv(found, directory()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=cases.csv"},
    )


@bp.get("/unit/<code>")
@officer_required
def unit(code: str):  # type: ignore[no-untyped-def]
    """On-site view (部门扫码监管): every case about a unit within the officer's scope."""
    entry = directory().unit(code) or abort(404)
    found = queue(current_user, directory(), Filters(unit=code))
    bodies = directory().descendants(current_user.body_id or "")
    return render_template(
        "officer/unit.html",
        unit=entry,
        reports=found,
        mark=deadline_mark,
        rectifying=[r for r in found if r.state == State.RECTIFICATION_ORDERED],
        may_inspect=inspections.may_inspect(current_user, entry, directory()),
        draft=inspections.open_draft(current_user, code),
        inspections=inspections.of_unit(code, bodies),
        start_token=uuid.uuid4().hex,
        ledger=ledger_queries.listing(
            current_user, directory(), LedgerFilters(unit=code), china_today(), limit=50
        ),
        today=china_today(),
    )


@bp.route("/templates", methods=["GET", "POST"])
@officer_required
def templates():  # type: ignore[no-untyped-def]
    """Response templates of the officer's body (supervisors add them)."""
    form = TemplateForm()
    if request.method == "POST":
        if not current_user.is_supervisor:
            abort(403)
        if form.validate():
            replies.add(current_user.body_id, form.title.data, form.text.data)
            audit(Actor("officer", current_user), "template", form.title.data)
            transaction.commit()
            return redirect(url_for("officer.templates"))
    return render_template(
        "officer/templates.html", form=form, items=replies.for_body(current_user.body_id or "")
    )


@bp.get("/audit")
@officer_required
def audit_log():  # type: ignore[no-untyped-def]
    """The audit log of the body's cases (supervisors and admins)."""
    if not current_user.is_supervisor:
        abort(403)
    bodies = directory().descendants(current_user.body_id)
    return render_template("officer/audit.html", entries=reports.audit_entries(bodies))


from feedback.views import accounts as _accounts  # noqa: E402

bp.add_url_rule("/accounts", "accounts", _accounts.accounts, methods=["GET", "POST"])
bp.add_url_rule(
    "/accounts/<int:account_id>/toggle", "toggle_account", _accounts.toggle, methods=["POST"]
)
