"""Public pages: the report form, the receipt, the public case page and the private link."""

from __future__ import annotations

import re
import uuid

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from feedback import drafts, place, ratelimit
from feedback.actions import ActionError
from feedback.cases import (
    NewReport,
    china_today,
    create_report,
    existing_submission,
    find_by_token,
    find_by_tracking,
)
from feedback.deadlines import deadlines
from feedback.directory import UnitEntry
from feedback.followup import approved_ratings, can_rate, rate, ratings, rewards
from feedback.forms import RateForm, ReportForm, choices
from feedback.models import Report
from feedback.photos import CheckedFile, PhotoLimits, check_photo, check_uploads
from feedback.services import attachments, reports, transaction
from feedback.storage import StorageError
from feedback.views import directory, stored_copy

bp = Blueprint("public", __name__)
KEY = re.compile(r"^[0-9a-f]{32}$")
TOO_MANY = "提交太频繁，举报还没有提交。您填写的内容都保留着，请过一段时间再点“提交举报”。"


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """Start page: file a report or look one up."""
    return render_template("public/index.html")


@bp.get("/privacy")
def privacy():  # type: ignore[no-untyped-def]
    """The privacy note the reporter agrees to."""
    return render_template("public/privacy.html")


def _uploads(form: ReportForm, kept: int) -> tuple[list[CheckedFile], list[str]]:
    """Check the photos of this post (bounded decoding); nothing is stored yet."""
    config = current_app.config
    return check_uploads(
        request.files.getlist(form.photos.name),
        check_photo,
        PhotoLimits.from_config(config),
        room=max(0, config["MAX_PHOTOS"] - kept),
    )


def _place_errors(form: ReportForm, unit: object) -> bool:
    """A free place needs a county (or at least a city) and a description; fills county."""
    if unit is not None:
        return True
    divisions = directory().divisions
    city, county = form.city.data or "", form.county.data or ""
    ok = True
    if county and county not in divisions or city and city not in divisions:
        form.county.errors = [*form.county.errors, "请从列表中选择地区。"]
        ok = False
    elif county and city and county[:4] != city[:4]:
        form.county.errors = [*form.county.errors, "所选县（市、区）不属于所选城市，请重新选择。"]
        ok = False
    elif not county and not city:
        form.county.errors = [*form.county.errors, "请选择所在县（市、区）。"]
        ok = False
    form.county.data = county or city
    if not (form.place.data or "").strip():
        form.place.errors = [*form.place.errors, "请写明具体地点，例如乡镇、路名、附近的标志。"]
        ok = False
    return ok


def _choices(form: ReportForm, unit: UnitEntry | None) -> None:
    """The city and county lists of a free place's form (a unit's form has neither)."""
    if unit is not None:
        form.city.choices = form.county.choices = []
        form.place_unit.choices = choices(
            [("", "不选")]
            + [
                (
                    u.code,
                    f"{u.name}（本单位）"
                    if u.code == unit.code
                    else f"{u.name}（约 {km:.1f} 公里）",
                )
                for u, km in place.nearby(directory(), unit)
            ]
        )
        return
    form.place_unit.choices = []
    d = directory()
    form.city.choices = choices([("", "请选择")] + [(c.code, c.name) for c in d.cities()])
    form.county.choices = choices(
        [("", "请选择")]
        + [(c.code, f"{d.division_name(c.parent or '')} {c.name}") for c in d.counties()]
    )


def _receipt(report: Report, token: str, created: bool):  # type: ignore[no-untyped-def]
    # From the configured public address, as in mails: never the request's Host header.
    base = current_app.config["FEEDBACK_URL"].rstrip("/")
    private_url = base + url_for("public.private", token=token)
    page = render_template(
        "public/receipt.html", report=report, private_url=private_url, created=created
    )
    return page, 200, {"Cache-Control": "no-store"}


def _pin_errors(form: ReportForm, unit: UnitEntry | None) -> tuple[place.Pin | None, bool]:
    """The pinned point, or its messages on the fields (form.place_* errors)."""
    pin, errors = place.read_pin(
        form.place_lat.data or "",
        form.place_lon.data or "",
        form.place_source.data or "",
        form.place_unit.data or "",
        directory(),
        unit,
    )
    for name, message in errors.items():
        field = getattr(form, name)
        field.errors = [*field.errors, message]
    return pin, not errors


def _new_report(form: ReportForm, code: str | None, pin: place.Pin | None) -> NewReport:
    return NewReport(
        category=form.category.data,
        description=form.description.data,
        seen_on=form.seen_on.data,
        submission_key=form.submission_key.data,
        unit_code=code,
        county_code=form.county.data or "",
        place=form.place.data or "",
        seen_time=form.seen_time.data or "",
        reporter_name=form.reporter_name.data or "",
        reporter_phone=form.reporter_phone.data or "",
        reporter_email=form.reporter_email.data or "",
        email_link=form.email_link.data,
        draft_token=form.draft_token.data,
        pin=pin,
    )


def _form(form: ReportForm, unit: UnitEntry | None, status: int, **page: object):  # type: ignore[no-untyped-def]
    """The form again with everything typed, the kept photos and the messages."""
    page.setdefault("photo_errors", [])
    return render_template(
        "public/report.html",
        form=form,
        unit=unit,
        drafts=drafts.drafts(form.draft_token.data),
        open_cases=_open_cases(unit),
        **page,
    ), status


def _open_cases(unit: UnitEntry | None) -> tuple[list[Report], int]:
    """Open cases about the unit, shown before the form so a citizen can follow one."""
    return reports.open_about_unit(unit.code) if unit is not None else ([], 0)


def _file(  # type: ignore[no-untyped-def]
    form: ReportForm, unit: UnitEntry | None, photos: list[CheckedFile], pin: place.Pin | None
):
    """Take a slot of the rate limit atomically, store the photos once, file the report.

    Without photos to store, the slot and the report are one transaction (one commit, one
    fsync); photos are stored after the slot's own commit, so no lock waits for the store.
    """
    limit = current_app.config["RATE_LIMIT_REPORTS"]
    slot = ratelimit.take("report", limit, commit=bool(photos))
    if slot is None:
        return _form(form, unit, 429, notice=TOO_MANY)
    try:
        drafts.store_new(form.draft_token.data, photos)
        new = _new_report(form, unit.code if unit else None, pin)
        filed = create_report(new, directory(), looked_up=True)
    except StorageError:
        current_app.logger.exception("report photos not stored")
        transaction.rollback()
        ratelimit.give_back(slot)
        return _form(form, unit, 503, photo_errors=[drafts.STORE_DOWN])
    if not filed.created:
        ratelimit.give_back(slot)
    return _receipt(filed.report, filed.token, filed.created)


@bp.route("/report", methods=["GET", "POST"], defaults={"code": None})
@bp.route("/report/<code>", methods=["GET", "POST"])
def report(code: str | None):  # type: ignore[no-untyped-def]
    """The report form, for a listed unit or a free place."""
    unit = directory().unit(code)
    if code and unit is None:
        abort(404)
    form = ReportForm()
    _choices(form, unit)
    if request.method == "GET" or not KEY.match(form.submission_key.data or ""):
        form.submission_key.data = uuid.uuid4().hex
        form.draft_token.data = uuid.uuid4().hex
        form.seen_on.data = form.seen_on.data or china_today()
        form.place_source.data = "typed"
        return render_template(
            "public/report.html",
            form=form,
            unit=unit,
            drafts=[],
            photo_errors=[],
            open_cases=_open_cases(unit),
        )
    if form.website.data:
        abort(400)
    found = existing_submission(form.submission_key.data)
    if found is not None:
        return _receipt(found, _token_of(form), False)
    if not KEY.match(form.draft_token.data or ""):
        form.draft_token.data = uuid.uuid4().hex
    token = form.draft_token.data
    drafts.clean_some()
    refused = drafts.remove(token, request.form.getlist("remove_photo"))
    photos, photo_errors = _uploads(form, len(drafts.drafts(token)))
    photo_errors = refused + photo_errors
    valid = form.validate()
    pin, pinned = _pin_errors(form, unit)
    if not (_place_errors(form, unit) and valid and pinned) or photo_errors:
        photo_errors += drafts.keep(token, photos)
        return _form(form, unit, 422, photo_errors=photo_errors)
    return _file(form, unit, photos, pin)


def _token_of(form: ReportForm) -> str:
    from feedback.cases import token_for

    return token_for(form.submission_key.data)


@bp.get("/case")
def lookup():  # type: ignore[no-untyped-def]
    """Look a case up by tracking number."""
    number = (request.args.get("number") or "").strip().upper()
    if not number:
        return redirect(url_for("public.index"))
    return redirect(url_for("public.case", number=number))


@bp.get("/case/<number>")
def case(number: str):  # type: ignore[no-untyped-def]
    """The public case page: never the reporter's identity or contact details."""
    report = find_by_tracking(number) or abort(404)
    return render_template(
        "public/case.html",
        report=report,
        private=False,
        deadlines=deadlines(report),
        public_ratings=approved_ratings(report),
    )


@bp.route("/r/<token>", methods=["GET", "POST"])
def private(token: str):  # type: ignore[no-untyped-def]
    """The reporter's private page: their own text and photos, rewards, rating."""
    report = find_by_token(token) or abort(404)
    form = RateForm()
    error = ""
    if request.method == "POST" and form.validate():
        try:
            rate(report, form.value.data, form.reason.data or "")
        except ActionError as exc:
            error = str(exc)
        else:
            transaction.commit()
            return redirect(url_for("public.private", token=token))
    response = render_template(
        "public/case.html",
        report=report,
        private=True,
        token=token,
        form=form,
        error=error,
        given_ratings=ratings(report),
        can_rate=can_rate(report),
        rewards=rewards(report),
        deadlines=deadlines(report),
        public_ratings=approved_ratings(report),
    )
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/r/<token>/photo/<int:attachment_id>")
def private_photo(token: str, attachment_id: int):  # type: ignore[no-untyped-def]
    """A photo of the reporter's own report, metadata stripped."""
    report = find_by_token(token) or abort(404)
    attachment = attachments.of_report(report, attachment_id) or abort(404)
    return stored_copy(attachment, "photo")


@bp.get("/draft/<token>/<int:attachment_id>")
def draft_photo(token: str, attachment_id: int):  # type: ignore[no-untyped-def]
    """A photo kept while the form is being corrected (stripped copy)."""
    attachment = attachments.draft(token, attachment_id) or abort(404)
    return stored_copy(attachment, "photo")
