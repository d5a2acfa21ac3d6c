"""`yimatong feedback ledger ...`: the export to the build, permit items, content's orders.

Beside the service's other commands: it creates the app, which the ledger package must not
import (docs/ledger.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import Flask

from generator import clock


def _app() -> Flask:
    from feedback.app import create_app

    return create_app()


def china_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    """Click callback: a day option's value as a date (default: today, China time)."""
    if not value:
        return clock.china_today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"“{value}”不是 YYYY-MM-DD 格式的日期（应为日期，如 2026-12-01）"
        ) from None


today_option = click.option(
    "--today",
    callback=china_day,
    help="Judge as on this day (YYYY-MM-DD; default: today in China).",
)


@click.group("ledger")
def ledger_group() -> None:
    """The problem ledger (问题台账): export, permit items, content's rectification orders."""


@ledger_group.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@today_option
def export_command(out: Path, today: dt.date) -> None:
    """Write the public ledger JSON the build reads, with every body's public monthly figures
    (docs/ledger.md)."""
    from feedback.inspections.public_monthly import public_months
    from feedback.ledger.export import write

    app = _app()
    with app.app_context():
        figures = public_months(app.extensions["yimatong_directory"], today)
        count = write(out, today, figures)
    click.echo(f"已写入 {out}：{count} 个问题，{len(figures)} 条机构月度数据（截至 {today}）")


def _report(outcome, what: str) -> None:  # type: ignore[no-untyped-def]
    click.echo(f"{what}：新登记 {len(outcome.opened)} 项，已在台账 {len(outcome.existing)} 项")
    if outcome.closed:
        click.echo(f"已延续、自动销号 {len(outcome.closed)} 项：{'、'.join(outcome.closed)}")
    for problem in outcome.refused:
        click.echo(f"  未登记 {problem}", err=True)
    if outcome.refused:
        raise click.ClickException(f"{len(outcome.refused)} 条记录没有登记（见上）。")


def _run(importer, what: str, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    from feedback.extensions import db

    app = _app()
    with app.app_context():
        outcome = importer(app.extensions["yimatong_directory"], today)
        db.session.commit()
    _report(outcome, what)


@ledger_group.command("permits")
@today_option
def permits_command(today: dt.date) -> None:
    """Open an item for each permit expired without renewal or expiring within 60 days; close
    the open permit items of permits now renewed beyond that window."""
    from feedback.ledger.imports import import_permits

    _run(import_permits, f"排污许可证（截至 {today}）", today)


@ledger_group.command("import-rectifications")
@today_option
def rectifications_command(today: dt.date) -> None:
    """Open an inspection item for each open rectification order published in content."""
    from feedback.ledger.imports import import_rectifications

    _run(import_rectifications, "公开的整改要求", today)
