"""On-site inspection from the scan (部门扫码监管): start, fill in on a phone, submit, print."""

from __future__ import annotations

import re
import uuid

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from feedback.auth import officer_required
from feedback.inspections import pdf, service
from feedback.inspections.form import (
    InspectionInput,
    draft_problems,
    read,
    saved,
    submit_problems,
)
from feedback.inspections.models import ANSWERS, DRAFT, RESOLUTIONS, Inspection
from feedback.ledger.checks import LedgerError
from feedback.photos import CheckedFile, DecodeBudget, PhotoLimits, check_photo, check_uploads
from feedback.services import transaction
from feedback.storage import StorageError
from feedback.views import directory, refusal, stored_copy

bp = Blueprint("inspections", __name__, url_prefix="/officer")
TOKEN = re.compile(r"^[0-9a-f]{32}$")
NOT_PUBLISHED = "单位 {code} 不在已发布的单位目录中（还没有发布或已经撤下），不能开始现场检查。"
OTHER_BODY = "{name}不归您所在的执法机构（{body}）管辖，不能开始或查看这次现场检查。"
STORE_DOWN = "照片暂时无法保存（文件存储出了故障）；填写的文字已经暂存。请过几分钟再选择照片。"
KINDS = (("photos", "finding"), ("evidence_photos", "evidence"))


@bp.before_request
def _audience() -> None:
    g.audience = "officer"


@bp.post("/unit/<code>/inspection")
@officer_required
def start(code: str):  # type: ignore[no-untyped-def]
    """Start an inspection of the unit, or resume the officer's draft of it."""
    unit = directory().unit(code)
    if unit is None:
        return refusal(404, NOT_PUBLISHED.format(code=code))
    if not service.may_inspect(current_user, unit, directory()):
        return refusal(403, _other_body(unit.name))
    token = request.form.get("token", "")
    if not TOKEN.match(token):
        token = uuid.uuid4().hex
    inspection = service.start(current_user, unit, directory(), token)
    return redirect(url_for("inspections.edit", inspection_id=inspection.id), 303)


def _other_body(name: str) -> str:
    return OTHER_BODY.format(name=name, body=directory().body_name(current_user.body_id or ""))


def _inspection_or_refuse(inspection_id: int) -> Inspection:
    inspection = service.find(inspection_id) or abort(404)
    if not service.in_scope(current_user, inspection, directory()):
        abort(refusal(403, _other_body(inspection.unit_name)))
    return inspection


def _own_draft(inspection: Inspection) -> None:
    if inspection.state == DRAFT and inspection.created_by_id != current_user.id:
        name = inspection.created_by.name or inspection.created_by.login
        abort(refusal(403, f"这份检查草稿由{name}填写，只有填写人可以继续填写。"))


def _page(  # type: ignore[no-untyped-def]
    inspection: Inspection,
    data: InspectionInput | None = None,
    errors: dict[str, list[str]] | None = None,
    code: int = 200,
    just_saved: bool = False,
):
    """The draft's form (with what was typed in ``data``, else what was saved) or the record."""
    unit = directory().unit(inspection.unit_code)
    template = "officer/inspection.html" if inspection.state == DRAFT else "officer/record.html"
    return render_template(
        template,
        inspection=inspection,
        unit=unit,
        data=data,
        saved_values=saved(inspection) if inspection.state == DRAFT and data is None else None,
        errors=errors or {},
        saved=just_saved,
        answers=ANSWERS,
        resolutions=RESOLUTIONS,
        body_name=directory().body_name(inspection.body_id),
        guidance={i.code: i.guidance for i in service.checklist()},
        ledger={} if inspection.state == DRAFT else service.ledger_items(inspection),
    ), code


@bp.get("/inspection/<int:inspection_id>")
@officer_required
def edit(inspection_id: int):  # type: ignore[no-untyped-def]
    """The draft's form with what was saved, or the submitted record."""
    inspection = _inspection_or_refuse(inspection_id)
    _own_draft(inspection)
    return _page(inspection)


def _uploads(inspection: Inspection) -> tuple[dict[tuple[str, str], list[CheckedFile]], list[str]]:
    """Check every item's photos of this post under one decode budget; nothing stored yet."""
    limits = PhotoLimits.from_config(current_app.config)
    budget = DecodeBudget(limits)
    found: dict[tuple[str, str], list[CheckedFile]] = {}
    errors: list[str] = []
    for answer in inspection.answers:
        for field, kind in KINDS:
            kept = sum(1 for p in answer.photos if p.kind == kind)
            files, refused = check_uploads(
                request.files.getlist(f"{answer.item}-{field}"),
                lambda data, name, _budget: check_photo(data, name, budget),
                limits,
                room=max(0, limits.max_files - kept),
            )
            found[(answer.item, kind)] = files
            errors += [f"{answer.title}：{e}" for e in refused]
    return found, errors


def _store(inspection: Inspection) -> list[str]:
    """Remove the ticked photos and keep the new ones; the refusals."""
    files, errors = _uploads(inspection)
    try:
        service.remove_photos(inspection, request.form.getlist("remove_photo"))
        for (item, kind), checked in files.items():
            service.add_photos(inspection, item, kind, checked)
    except StorageError:
        current_app.logger.exception("inspection photos not stored")
        transaction.rollback()
        errors.append(STORE_DOWN)
    return errors


@bp.post("/inspection/<int:inspection_id>")
@officer_required
def save(inspection_id: int):  # type: ignore[no-untyped-def]
    """Save the draft (暂存) or submit it; what was typed is saved first in either case."""
    inspection = _inspection_or_refuse(inspection_id)
    if inspection.state != DRAFT:  # submitted twice: the first post made the inspection
        return redirect(url_for("inspections.edit", inspection_id=inspection.id), 303)
    _own_draft(inspection)
    unit = directory().unit(inspection.unit_code)
    outlets = unit.outlets if unit else ()
    data = read(request.form, request.form.getlist("outlets"), [a.item for a in inspection.answers])
    if not service.save(inspection, data, outlets):  # a racing post submitted it meanwhile
        return redirect(url_for("inspections.edit", inspection_id=inspection.id), 303)
    photo_errors = _store(inspection)
    submitting = request.form.get("op") == "submit"
    if submitting:
        errors = submit_problems(data, outlets, {a.item: a.title for a in inspection.answers})
        if unit is None:
            errors["unit"] = [NOT_PUBLISHED.format(code=inspection.unit_code)]
    else:
        errors = draft_problems(data, outlets)
    if photo_errors:
        errors["photos"] = photo_errors
    if errors:
        return _page(inspection, data, errors, 422)
    if not submitting:
        return _page(inspection, just_saved=True)
    try:
        service.submit(inspection, current_user, directory())
    except LedgerError as exc:
        return _page(
            inspection, data, {"ledger": [f"问题没有登记到台账，检查没有提交：{exc}"]}, 422
        )
    return redirect(url_for("inspections.edit", inspection_id=inspection.id), 303)


@bp.get("/inspection/<int:inspection_id>/photo/<int:photo_id>")
@officer_required
def photo(inspection_id: int, photo_id: int):  # type: ignore[no-untyped-def]
    """The re-encoded copy of an inspection photo (no metadata), inline."""
    inspection = _inspection_or_refuse(inspection_id)
    found = service.photo(inspection, photo_id) or abort(404)
    return stored_copy(found, "inspection")


@bp.get("/inspection/<int:inspection_id>/record.pdf")
@officer_required
def record_pdf(inspection_id: int) -> Response:
    """The printable inspection record (检查笔录) with signature lines, as PDF."""
    inspection = _inspection_or_refuse(inspection_id)
    if inspection.state == DRAFT:
        abort(refusal(409, "检查还没有提交：提交后才能打印检查笔录。"))
    try:
        data = pdf.record(inspection, directory().body_name(inspection.body_id))
    except pdf.FontMissing as exc:
        current_app.logger.error("inspection record not printed: %s", exc)
        return refusal(503, str(exc))
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="inspection-{inspection.id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
