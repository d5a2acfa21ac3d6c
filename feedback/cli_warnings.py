"""`yimatong feedback warnings import FILE`: the build's warnings file into the officers' queue.

Beside the service's other commands: it creates the app, which the warnings package does not
import (docs/monitoring.md, "In the service").
"""

from __future__ import annotations

from pathlib import Path

import click


@click.group("warnings")
def warnings_group() -> None:
    """Monitoring warnings (自动监控预警): import the warnings file of the rules."""


@warnings_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """导入预警文件 (import the warnings file; importing it again changes nothing)."""
    from feedback.app import create_app
    from feedback.extensions import db
    from feedback.warnings.service import import_file

    app = create_app()
    with app.app_context():
        outcome = import_file(file, app.extensions["yimatong_directory"])
        db.session.commit()
    click.echo(
        f"预警：新增 {outcome.added} 条，延长 {outcome.extended} 条，"
        f"与已导入的相同 {outcome.unchanged} 条，未导入 {len(outcome.refused)} 行。"
    )
    for problem in outcome.refused:
        click.echo(f"  未导入 {problem}", err=True)
    if outcome.refused:
        raise click.ClickException(f"{len(outcome.refused)} 行没有导入（见上），其余已导入。")
