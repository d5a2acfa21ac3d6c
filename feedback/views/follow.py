"""Following a unit by e-mail: the form, the confirmation and the one-click unsubscribe."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from feedback import ratelimit
from feedback.directory_file import directory_path
from feedback.extensions import csrf
from feedback.follow import service
from feedback.forms import ConfirmForm, FollowForm
from feedback.services import transaction
from feedback.views import directory
from generator.directory.events import events_path, read_events

bp = Blueprint("follow", __name__, url_prefix="/follow")


@bp.route("/<code>", methods=["GET", "POST"])
def follow(code: str):  # type: ignore[no-untyped-def]
    """Ask to follow a unit; the same answer whether or not the address already follows."""
    unit = directory().unit(code) or abort(404)
    form = FollowForm()
    if request.method == "GET" or not form.validate():
        status = 422 if request.method == "POST" else 200
        return render_template("follow/form.html", form=form, unit=unit), status
    if form.website.data:
        abort(400)
    if ratelimit.take("follow", current_app.config["RATE_LIMIT_FOLLOWS"]) is None:
        return render_template("follow/form.html", form=form, unit=unit, busy=True), 429
    service.ask(unit.code, unit.name, form.email.data)
    transaction.commit()
    return render_template("follow/sent.html", unit=unit, email=form.email.data)


def _follower_or_404(token: str) -> service.Follower:
    follower = service.by_token(token)
    if follower is None or service.expired(follower):
        abort(404)
    return follower


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):  # type: ignore[no-untyped-def]
    """The link in the confirmation mail: a button (mail scanners open links, people click)."""
    follower = _follower_or_404(token)
    unit = directory().unit(follower.unit_code)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        path = events_path(directory_path(current_app.config))
        current = read_events(path, unit=follower.unit_code)
        service.confirm(follower, current)
        transaction.commit()
        return render_template("follow/done.html", unit=unit, confirmed=True, token=token)
    return render_template("follow/confirm.html", unit=unit, form=form, follower=follower)


@bp.route("/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click"; the token is the key
def stop(token: str):  # type: ignore[no-untyped-def]
    """Unfollow: a button on the page, or one click from the mail client."""
    follower = service.by_token(token)
    if follower is None:
        return render_template("follow/done.html", unit=None, confirmed=False, gone=True), 404
    unit = directory().unit(follower.unit_code)
    if request.method == "POST":
        service.stop(follower)
        transaction.commit()
        return render_template("follow/done.html", unit=unit, confirmed=False)
    return render_template("follow/stop.html", unit=unit, token=token)
