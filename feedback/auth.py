"""Accounts: hashed passwords, login with a failed-login limit, role checks."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache, wraps

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from feedback import ratelimit
from feedback.emails import BadAddress, normalize_address
from feedback.extensions import db
from feedback.forms import LoginForm
from feedback.models import Account
from feedback.redirects import safe_next

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


@cache
def dummy_hash() -> str:
    """A hash of a random password, checked when the account is unknown (same work, same time)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def verify_login(login: str, password: str, allowed: Callable[[Account], bool]) -> Account | None:
    """The account if the password is right; one password-hash check whether or not it exists."""
    account = find_account(login)
    stored = account.password_hash if account is not None else dummy_hash()
    right = check_password_hash(stored, password)
    if right and account is not None and account.active and allowed(account):
        return account
    return None


def _limits(login: str) -> list[tuple[str, int]]:
    """Failed-login counters: this client on this account, and this client on any account."""
    config = current_app.config
    return [
        (f"login:{login[:80]}", config["RATE_LIMIT_LOGINS"]),
        ("login", config["RATE_LIMIT_LOGINS_CLIENT"]),
    ]


def login_page(allowed: Callable[[Account], bool], heading: str, home: str):  # type: ignore[no-untyped-def]
    """Handle a login form, titled ``heading``, for accounts that ``allowed`` accepts."""
    form = LoginForm()
    error = ""
    if form.validate_on_submit():
        limits = _limits(form.login.data.strip())
        if any(ratelimit.over_limit(action, limit) for action, limit in limits):
            abort(429)
        account = verify_login(form.login.data.strip(), form.password.data, allowed)
        if account is not None:
            login_user(account)
            return redirect(safe_next(request.args.get("next"), url_for(home)))
        for action, _limit in limits:
            ratelimit.hit(action)
        db.session.commit()
        error = "账号或密码不对。"
    return render_template("login.html", heading=heading, form=form, error=error)


def end_sessions(account: Account) -> None:
    """Make every session and remember cookie of ``account`` invalid (caller commits)."""
    account.session_version = (account.session_version or 0) + 1


def set_password(account: Account, password: str) -> None:
    """Give ``account`` a new password and end its sessions everywhere (caller commits)."""
    if len(password) < 8:
        raise ValueError("密码至少 8 位。")
    account.password_hash = generate_password_hash(password)
    end_sessions(account)


def load_session_account(session_id: str) -> Account | None:
    """The active account a cookie's ``id:version`` names, if that version is still current."""
    ident, _, version = session_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    account = db.session.get(Account, int(ident))
    if account is None or not account.active or account.session_version != int(version):
        return None
    return account


def logout():  # type: ignore[no-untyped-def]
    """End this account's sessions (old cookies stop working) and go to the start page."""
    if current_user.is_authenticated:
        end_sessions(db.session.get(Account, current_user.id))
        db.session.commit()
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
