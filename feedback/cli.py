"""`yimatong feedback ...`: database, accounts, statistics and the mail outbox."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask

from feedback.app import create_app
from feedback.cli_draws import draws_group
from feedback.cli_ledger import ledger_group
from feedback.cli_open311 import open311_group
from feedback.cli_reminders import reminders_group
from feedback.cli_warnings import warnings_group


def _app() -> Flask:
    return create_app()


@click.group("feedback")
def feedback_group() -> None:
    """Feedback service: reports, officers, enterprises."""


@feedback_group.command("init-db")
def init_db() -> None:
    """Create or upgrade the database (alembic upgrade head)."""
    from feedback.migrate import upgrade

    app = _app()
    upgrade(app)
    click.echo(f"数据库已就绪：{app.config['SQLALCHEMY_DATABASE_URI']}")


def _create(
    role: str,
    login: str,
    password: str,
    *,
    body_id: str | None = None,
    unit_code: str | None = None,
    name: str = "",
    email: str = "",
) -> None:
    from feedback.auth import create_account, find_account
    from feedback.cases import SYSTEM, audit
    from feedback.extensions import db

    app = _app()
    with app.app_context():
        if find_account(login) is not None:
            raise click.ClickException(f"账号 {login} 已存在。")
        try:
            create_account(
                login, password, role, body_id=body_id, unit_code=unit_code, name=name, email=email
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        audit(SYSTEM, "account", f"创建 {role} 账号 {login}")
        db.session.commit()
    click.echo(f"已创建 {role} 账号 {login}")


def _check_body(body: str) -> str:
    directory = _app().extensions["yimatong_directory"]
    if body not in directory.bodies:
        hint = "" if directory.bodies else "；目录文件尚未生成，请先运行 yimatong build"
        raise click.ClickException(f"目录中没有执法机构 {body}（见 bodies.yaml{hint}）。")
    return body


def _checked_email(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """The --email value normalized, or a usage error saying what is wrong with it."""
    from feedback.emails import BadAddress, normalize_address

    try:
        return normalize_address(value)
    except BadAddress as exc:
        raise click.BadParameter(str(exc)) from None


password_option = click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (prompted if omitted).",
)


@feedback_group.command("create-admin")
@click.option("--body", required=True, help="Enforcement body id from bodies.yaml.")
@click.option("--login", required=True)
@click.option("--name", default="")
@password_option
def create_admin(body: str, login: str, name: str, password: str) -> None:
    """Create a body's first admin."""
    _create("admin", login, password, body_id=_check_body(body), name=name)


@feedback_group.command("create-officer")
@click.option("--body", required=True, help="Enforcement body id from bodies.yaml.")
@click.option("--login", required=True)
@click.option("--role", type=click.Choice(["officer", "supervisor", "admin"]), default="officer")
@click.option("--name", default="")
@password_option
def create_officer(body: str, login: str, role: str, name: str, password: str) -> None:
    """Create an officer, supervisor or admin account."""
    _create(role, login, password, body_id=_check_body(body), name=name)


@feedback_group.command("create-enterprise")
@click.option("--unit", "unit_code", required=True, help="Fixed-source code of the unit.")
@click.option("--login", required=True)
@click.option(
    "--email",
    default="",
    callback=_checked_email,
    help="Where rectification notices are sent (optional).",
)
@password_option
def create_enterprise(unit_code: str, login: str, email: str, password: str) -> None:
    """Create the enterprise account of a unit (one per unit)."""
    unit = _app().extensions["yimatong_directory"].unit(unit_code)
    if unit is None:
        raise click.ClickException(f"内容中没有单位 {unit_code}。")
    _create("enterprise", login, password, unit_code=unit_code, name=unit.name, email=email)


@feedback_group.command("stats")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def stats(out: Path) -> None:
    """Write public report statistics JSON (docs/statistics.md) for `yimatong build`."""
    from feedback.stats import build_stats

    app = _app()
    with app.app_context():
        data = build_stats(app.extensions["yimatong_directory"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    click.echo(f"已写入 {out}：{len(data['units'])} 个单位，{len(data['bodies'])} 个机构")


@feedback_group.command("send-mail")
def send_mail() -> None:
    """Send every due message in the outbox; list the ones that stopped being retried.

    Messages sent, or given up, more than MAIL_KEEP_DAYS days ago are deleted (their
    addresses are personal data kept no longer than needed).
    """
    from feedback.mail import given_up, purge, send_pending
    from feedback.models import utcnow

    app = _app()
    if not app.config["MAIL_ENABLED"]:
        raise click.ClickException("邮件未开启：设置 YIMATONG_MAIL_ENABLED=1。")
    with app.app_context():
        sent, failed = send_pending()
        stuck = given_up()
        click.echo(f"已发送 {sent} 封，失败 {failed} 封（稍后重试）")
        if stuck:
            limit = app.config["MAIL_MAX_ATTEMPTS"]
            click.echo(
                f"{len(stuck)} 封已停止重试（失败 {limit} 次或地址无效），请人工处理：", err=True
            )
            for mail in stuck:
                click.echo(f"  #{mail.id} 收件人 {mail.to}：{mail.last_error}", err=True)
        gone = purge(utcnow())
        if gone:
            days = app.config["MAIL_KEEP_DAYS"]
            click.echo(f"已删除 {gone} 封 {days} 天前已发出或已停止重试的邮件（含收件地址）")


@feedback_group.command("set-password")
@click.option("--login", required=True)
@password_option
def set_password(login: str, password: str) -> None:
    """Set an account's password; its existing sessions everywhere stop working."""
    from feedback.auth import find_account
    from feedback.auth import set_password as change
    from feedback.cases import SYSTEM, audit
    from feedback.extensions import db

    with _app().app_context():
        account = find_account(login)
        if account is None:
            raise click.ClickException(f"没有账号 {login}。")
        try:
            change(account, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        audit(SYSTEM, "account", f"重设账号 {login} 的密码")
        db.session.commit()
    click.echo(f"已重设账号 {login} 的密码；它原有的登录全部失效。")


@feedback_group.command("clean-drafts")
def clean_drafts() -> None:
    """Delete photos kept for unfinished report forms older than DRAFT_MAX_HOURS (and old rate-limit hits)."""
    from feedback.drafts import clean_expired
    from feedback.ratelimit import forget_old
    from feedback.storage import StorageError

    app = _app()
    with app.app_context():
        forget_old()
        try:
            done = clean_expired()
        except StorageError as exc:
            raise click.ClickException(f"文件存储不可用，暂存照片没有清理：{exc}") from exc
    hours = app.config["DRAFT_MAX_HOURS"]
    click.echo(f"已删除 {done} 张超过 {hours} 小时的暂存照片")


@feedback_group.command("demo")
def demo() -> None:
    """Create demo accounts and print them."""
    from feedback.demo import ensure_demo

    for role, login, password in ensure_demo(_app()):
        click.echo(f"{role:12} {login:22} {password}")


# Open311 API key commands live with the API: `yimatong feedback open311 ...`.
feedback_group.add_command(open311_group)
# Random draws: `yimatong feedback draws verify|export`.
feedback_group.add_command(draws_group)
feedback_group.add_command(ledger_group)
feedback_group.add_command(warnings_group)
feedback_group.add_command(reminders_group)


@feedback_group.group("follow")
def follow_group() -> None:
    """Followers of units by e-mail: notices, and a person's data on request."""


@follow_group.command("notify")
@click.option(
    "--events",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Events file (default: beside the directory file the service reads).",
)
def follow_notify(events: Path | None) -> None:
    """Mail each follower what the last build newly published about their unit."""
    from feedback.directory_file import directory_path
    from feedback.follow.service import notify
    from feedback.mail import send_pending
    from generator.directory.events import events_path, read_events

    app = _app()
    with app.app_context():
        path = events or events_path(directory_path(app.config))
        if not path.is_file():
            raise click.ClickException(f"找不到事件文件 {path}：请先运行 yimatong build。")
        names = {c: u.name for c, u in app.extensions["yimatong_directory"].units.items()}
        done = notify(read_events(path), names)
        # Sent now: no request of the service may come soon to flush the outbox.
        sent, failed = send_pending() if app.config["MAIL_ENABLED"] and done.mails else (0, 0)
    click.echo(
        f"已排队 {done.mails} 封通知（{done.events} 条新信息），已发出 {sent} 封、"
        f"失败 {failed} 封（留在待发邮件中重试）；删除过期未确认的申请 {done.dropped} 个。"
    )


def _address(email: str) -> str:
    """The address a person gave, normalized, or a clear refusal."""
    from feedback.emails import BadAddress, normalize_address

    try:
        return normalize_address(email)
    except BadAddress as exc:
        raise click.ClickException(str(exc)) from exc


@follow_group.command("export")
@click.option("--email", required=True, help="The address a person asked about.")
def follow_export(email: str) -> None:
    """Print, as JSON, everything kept about an address (a request to see one's data)."""
    from feedback.follow.service import export

    address = _address(email)
    with _app().app_context():
        click.echo(json.dumps(export(address), ensure_ascii=False, indent=1))


@follow_group.command("forget")
@click.option("--email", required=True, help="The address to delete.")
def follow_forget(email: str) -> None:
    """Delete every follow of an address (a request to be forgotten)."""
    from feedback.follow.service import forget

    address = _address(email)
    with _app().app_context():
        click.echo(f"已删除 {forget(address)} 条关注记录。")
