"""``yimatong monitoring warnings``: run the early-warning rules, write the warnings file."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator import settings
from generator.content.problems import ContentError
from generator.content.readers import load_site
from generator.monitoring.rules import limits_of
from generator.monitoring.rules_run import run_rules, warnings, write_warnings
from generator.monitoring.store import Store, StoreError


@click.command("warnings")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="检查从这一天起的数据（数据时间）; default: the day of the last run's newest hour.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="预警文件 (JSON lines); default: the warnings_file setting.",
)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="内容文件夹（限值、应自动监测的排放口）; default: the content_dir setting.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="监测数据库 (DuckDB file); default: the monitoring_db setting.",
)
def warnings_command(
    since: dt.datetime | None, out: Path | None, content_dir: Path | None, db: Path | None
) -> None:
    """运行预警规则，写出预警文件 (run the early-warning rules over new data)."""
    try:
        site = load_site(content_dir or Path(settings.get("content_dir")))
    except ContentError as error:
        click.echo(error.report())
        click.echo("内容有误，未运行预警规则。")
        sys.exit(1)
    out = out or Path(settings.get("warnings_file"))
    try:
        with Store(db or Path(settings.get("monitoring_db"))) as store:
            run = run_rules(store, limits_of(site), since=since.date() if since else None)
            count = write_warnings(warnings(store), out)
    except StoreError as error:
        click.echo(str(error))
        sys.exit(1)
    click.echo(run.text())
    click.echo(f"预警文件：{out}（共 {count} 条预警）")
