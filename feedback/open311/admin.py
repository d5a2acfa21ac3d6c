"""Admins of the top body manage Open311 API keys in the officer console (audited)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from feedback.auth import officer_required
from feedback.cases import Actor, audit
from feedback.extensions import db
from feedback.open311.keys import all_keys, create_key, limit_of, revoke_key
from feedback.plaintext import CleanForm
from feedback.views import directory

bp = Blueprint("api_keys", __name__, url_prefix="/officer/api-keys")


@bp.before_request
def _audience() -> None:
    g.audience = "officer"


class KeyForm(CleanForm):
    """A new API key for a client system."""

    name = StringField(
        "客户端名称（如 12345 热线平台）",
        validators=[DataRequired("请填写客户端名称。"), Length(max=120)],
    )
    rate_limit = IntegerField(
        "每小时最多提交（留空用默认值）",
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message="请填写 1 到 100000 之间的整数。"),
        ],
    )


class RevokeForm(CleanForm):
    """Why a key is revoked."""

    reason = StringField("吊销原因", validators=[DataRequired("请填写吊销原因。"), Length(max=500)])


def can_manage_keys() -> bool:
    """API keys serve the whole province: only admins of a top body (no parent) manage them."""
    if not current_user.is_authenticated or current_user.role != "admin":
        return False
    body = directory().bodies.get(current_user.body_id or "")
    return body is not None and body.parent is None


@bp.app_context_processor
def _nav() -> dict:
    return {"can_manage_keys": can_manage_keys}


def _require_manager() -> None:
    if not can_manage_keys():
        abort(403)


@bp.route("/", methods=["GET", "POST"])
@officer_required
def index():  # type: ignore[no-untyped-def]
    """List keys and create one; the new key is shown once, only its hash is stored."""
    _require_manager()
    form, plain = KeyForm(), None
    if form.validate_on_submit():
        key, plain = create_key(form.name.data, form.rate_limit.data)
        audit(
            Actor("officer", current_user), "api_key", f"创建 Open311 密钥 {key.id}（{key.name}）"
        )
        db.session.commit()
        form = KeyForm(formdata=None)
    return render_template(
        "officer/api_keys.html",
        form=form,
        plain=plain,
        keys=all_keys(),
        limit_of=limit_of,
        revoke_form=RevokeForm(formdata=None),
    )


@bp.post("/<int:key_id>/revoke")
@officer_required
def revoke(key_id: int):  # type: ignore[no-untyped-def]
    """Revoke a key at once, with a reason for the audit log."""
    _require_manager()
    form = RevokeForm()
    if not form.validate_on_submit():
        flash("吊销密钥需要填写原因。")
        return redirect(url_for("api_keys.index"))
    key = revoke_key(key_id) or abort(404)
    audit(
        Actor("officer", current_user),
        "api_key",
        f"吊销 Open311 密钥 {key.id}（{key.name}）：{form.reason.data}",
    )
    db.session.commit()
    flash(f"已吊销密钥 {key.id}（{key.name}）。")
    return redirect(url_for("api_keys.index"))
