"""Accounts: hashed passwords, login with a failed-login limit, role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from feedback import ratelimit
from feedback.emails import BadAddress, normalize_address
from feedback.extensions import db
from feedback.forms import LoginForm
from feedback.models import Account

ROLES = ("officer", "supervisor", "admin", "enterprise")


def create_account(
    login: str,
    password: str,
    role: str,
    *,
    body_id: str | None = None,
    unit_code: str | None = None,
    name: str = "",
    email: str = "",
) -> Account:
    """Add an account with a hashed password (caller commits)."""
    if role not in ROLES:
        raise ValueError(f"未知角色：{role}")
    if len(password) < 8:
        raise ValueError("密码至少 8 位。")
    try:
        address = normalize_address(email)
    except BadAddress as exc:
        raise BadAddress(f"通知邮箱：{exc}") from None
    account = Account(
        login=login,
        password_hash=generate_password_hash(password),
        role=role,
        body_id=body_id,
        unit_code=unit_code,
        name=name or login,
        email=address,
    )
    db.session.add(account)
    return account


def find_account(login: str) -> Account | None:
    """The account with this login."""
    return db.session.scalar(select(Account).where(Account.login == login))


def login_page(allowed: Callable[[Account], bool], heading: str, home: str):  # type: ignore[no-untyped-def]
    """Handle a login form, titled ``heading``, for accounts that ``allowed`` accepts."""
    form = LoginForm()
    error = ""
    if form.validate_on_submit():
        if ratelimit.over_limit("login", current_app.config["RATE_LIMIT_LOGINS"]):
            abort(429)
        account = find_account(form.login.data)
        if (
            account
            and account.active
            and allowed(account)
            and check_password_hash(account.password_hash, form.password.data)
        ):
            login_user(account)
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for(home)
            return redirect(target)
        ratelimit.hit("login")
        db.session.commit()
        error = "账号或密码不对。"
    return render_template("login.html", heading=heading, form=form, error=error)


def logout():  # type: ignore[no-untyped-def]
    """Log out and go to the start page."""
    logout_user()
    return redirect(url_for("public.index"))


def officer_required(view: Callable) -> Callable:
    """Only logged-in officers; others go to the officer login."""

    @wraps(view)
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated:
            return redirect(url_for("officer.login", next=request.full_path.rstrip("?")))
        if not current_user.is_officer:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def enterprise_required(view: Callable) -> Callable:
    """Only logged-in enterprise accounts."""

    @wraps(view)
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated:
            return redirect(url_for("enterprise.login", next=request.full_path.rstrip("?")))
        if current_user.role != "enterprise":
            abort(403)
        return view(*args, **kwargs)

    return wrapped
