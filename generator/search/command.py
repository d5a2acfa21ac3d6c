"""``yimatong search``: the PostgreSQL engine's tables, loaded from the content (pgload.py).

``yimatong search load-pg [--content DIR] [--url URL] [--full]`` reads the content as a build
does and brings the search tables at ``--url`` (else the search_database_url setting) up to
date: an update of the units that changed since the last load, else a full load swapped in.
A build whose search_engine setting is postgresql does the same in its search step
(generator/search/index.py). See docs/search.md ("Two engines").
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from generator import settings
from generator.content.problems import ContentError
from generator.content.readers import load_site
from generator.search.pgload import load_postgres
from generator.search.pgstore import safe_url


@click.group("search")
def search_group() -> None:
    """搜索引擎的数据 (the search engines' data)."""


@search_group.command("load-pg")
@click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="内容文件夹 (content folder); default: the content_dir setting.",
)
@click.option("--url", default="", help="PostgreSQL URL; default: the search_database_url setting.")
@click.option("--full", is_flag=True, help="Load every document again (not only changed units).")
def load_pg_command(content_dir: Path | None, url: str, full: bool) -> None:
    """把搜索数据装入 PostgreSQL (load the search tables of the PostgreSQL engine)."""
    url = url or settings.get("search_database_url")
    if not url:
        raise click.UsageError("没有 PostgreSQL 地址：请给出 --url 或设置 search_database_url。")
    folder = content_dir or Path(settings.get("content_dir"))
    try:
        site = load_site(folder)
    except ContentError as error:
        click.echo(error.report())
        sys.exit(1)
    with tqdm(total=len(site.units), desc="搜索数据", unit="个单位") as progress:
        done = load_postgres(site, url, full=full, bar=progress)
    kind = "全部重新装入" if done.kind == "full" else "更新"
    click.echo(
        f"{safe_url(url)}：{kind}，第 {done.generation} 版，{done.documents} 条记录，"
        f"{done.units_changed} 个单位，用时 {done.seconds:.1f} 秒。"
    )
