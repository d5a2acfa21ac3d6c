"""The ``yimatong check`` command: read and validate ``content/``, list every problem at once.

It sits beside the readers and the checks (not in validate.py), because it runs both:
readers import the checks, the checks import no reader, so there is no circle.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import settings
from generator.content.model import Site
from generator.content.problems import ContentError
from generator.content.readers import load_site


def summary(site: Site) -> str:
    """One line a clerk reads after a clean check."""
    outlets = sum(len(u.outlets) for u in site.units)
    measurements = sum(len(u.measurements) for u in site.units)
    return (
        f"内容无误：{len(site.units)} 个排污单位，{outlets} 个排放口，{measurements} 条监测数据，"
        f"{len(site.pages)} 个页面，{len(site.bodies)} 个执法机构。数据截至 {site.as_of}。"
    )


@click.command("check")
@click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="内容文件夹 (content folder); default: the content_dir setting.",
)
def check_command(content_dir: Path | None) -> None:
    """检查内容文件，一次列出所有问题 (validate content, list every problem)."""
    folder = content_dir or Path(settings.get("content_dir"))
    try:
        site = load_site(folder)
    except ContentError as error:
        click.echo(error.report())
        sys.exit(1)
    click.echo(summary(site))
