"""`yimatong feedback reminders ...`: the monthly permit reminders (beside the service's other
commands: it creates the app)."""

from __future__ import annotations

import datetime as dt

import click

from feedback.cli_ledger import china_day


@click.group("reminders")
def reminders_group() -> None:
    """Reminders sent through the mail outbox (monthly, from cron)."""


@reminders_group.command("permits")
@click.option("--on", "day", callback=china_day, default=None, help="Day to judge on (YYYY-MM-DD).")
def permits_command(day: dt.date) -> None:
    """Queue this month's reminders of permits expiring within 60 days or expired; once a month."""
    from feedback.app import create_app
    from feedback.extensions import db
    from feedback.reminders import remind_permits

    app = create_app()
    with app.app_context():
        sent = remind_permits(app.extensions["yimatong_directory"], day)
        db.session.commit()
    click.echo(
        f"{day:%Y-%m}：已排入 {sent.mails} 封提醒邮件（{sent.bodies} 个执法机构，{sent.units} 家企业）；"
        "由 yimatong feedback send-mail 发送"
    )
