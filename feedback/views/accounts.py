"""Admins manage the accounts of their body and the bodies under it; nothing is deleted."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from feedback.auth import create_account, end_sessions, find_account, officer_required
from feedback.cases import Actor, audit
from feedback.forms import AccountForm, choices
from feedback.services import accounts as account_service
from feedback.services import transaction
from feedback.views import directory


def _scope() -> tuple[set[str], set[str]]:
    """Bodies and unit codes the current admin manages."""
    bodies = directory().descendants(current_user.body_id or "")
    units = {
        code
        for code, unit in directory().units.items()
        if directory().route(unit.county_code).id in bodies
    }
    return bodies, units


def _check(form: AccountForm, bodies: set[str], units: set[str]) -> dict | None:
    if find_account(form.login.data) is not None:
        form.login.errors = [*form.login.errors, "该账号已存在。"]
        return None
    if form.role.data == "enterprise":
        code = (form.unit.data or "").strip()
        if code not in units:
            form.unit.errors = [*form.unit.errors, "请填写本辖区内的排污单位代码。"]
            return None
        if account_service.enterprise_of(code) is not None:
            form.unit.errors = [*form.unit.errors, "该单位已有企业账号（每个单位一个）。"]
            return None
        return {
            "unit_code": code,
            "name": form.name.data or directory().units[code].name,
            "email": form.email.data or "",
        }
    if form.body.data not in bodies:
        form.body.errors = [*form.body.errors, "请选择本机构或下级机构。"]
        return None
    return {"body_id": form.body.data, "name": form.name.data or form.login.data}


@officer_required
def accounts():  # type: ignore[no-untyped-def]
    """List and create accounts (admins only)."""
    if current_user.role != "admin":
        abort(403)
    bodies, units = _scope()
    form = AccountForm()
    form.body.choices = choices((b, directory().body_name(b)) for b in sorted(bodies))
    if request.method == "POST" and form.validate():
        extra = _check(form, bodies, units)
        if extra is not None:
            create_account(form.login.data, form.password.data, form.role.data, **extra)
            audit(
                Actor("officer", current_user),
                "account",
                f"创建 {form.role.data} 账号 {form.login.data}",
            )
            transaction.commit()
            flash(f"已创建账号 {form.login.data}。")
            return redirect(url_for("officer.accounts"))
    return render_template(
        "officer/accounts.html", form=form, items=account_service.managed(bodies, units)
    )


@officer_required
def toggle(account_id: int):  # type: ignore[no-untyped-def]
    """Disable or re-enable an account (accounts are never deleted)."""
    if current_user.role != "admin":
        abort(403)
    bodies, units = _scope()
    account = account_service.get(account_id) or abort(404)
    if (
        account.body_id not in bodies
        and account.unit_code not in units
        or account.id == current_user.id
    ):
        abort(403)
    account.active = not account.active
    if not account.active:
        end_sessions(account)  # re-enabling later must not revive a cookie taken before
    audit(
        Actor("officer", current_user),
        "account",
        f"{'启用' if account.active else '停用'}账号 {account.login}",
    )
    transaction.commit()
    return redirect(url_for("officer.accounts"))
