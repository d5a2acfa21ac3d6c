"""``yimatong monitoring``: the automatic-monitoring data commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import settings
from generator.content.problems import ContentError
from generator.content.readers import load_site
from generator.monitoring.importer import import_files, outlets_of, write_rejects
from generator.monitoring.rules_command import warnings_command
from generator.monitoring.store import Store, StoreError


@click.group("monitoring")
def monitoring_group() -> None:
    """自动监控数据 (automatic monitoring data, HJ 212-2017)."""


@monitoring_group.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="内容文件夹，排放口的 mn 字段给出 MN 对应的排放口; default: the content_dir setting.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="监测数据库 (DuckDB file); default: the monitoring_db setting.",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="拒收清单 CSV; default: monitoring-rejects.csv beside the database.",
)
def import_command(
    files: tuple[Path, ...], content_dir: Path | None, db: Path | None, rejects: Path | None
) -> None:
    """导入监测数据：HJ 212 数据帧文件（每行一帧）或 CSV 导出 (import monitoring exports)."""
    try:
        site = load_site(content_dir or Path(settings.get("content_dir")))
    except ContentError as error:
        click.echo(error.report())
        click.echo("内容有误，未导入任何监测数据。")
        sys.exit(1)
    db = db or Path(settings.get("monitoring_db"))
    rejects = rejects or db.with_name("monitoring-rejects.csv")
    try:
        with Store(db) as store:
            summary = import_files(files, store, outlets_of(site))
    except StoreError as error:
        click.echo(str(error))
        sys.exit(1)
    write_rejects(summary.rejects, rejects)
    click.echo(summary.text())
    if summary.rejects:
        click.echo(f"拒收清单（文件、行、原因）：{rejects}")


monitoring_group.add_command(warnings_command)
