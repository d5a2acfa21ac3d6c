"""`yimatong feedback draws ...`: verify a draw from its record; export the public list (beside
the service's other commands: it creates the app, which the draws package must not import)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("draws")
def draws_group() -> None:
    """Random draws (双随机): verify a recorded draw, export the public list."""


@draws_group.command("verify")
@click.argument("draw_id", type=int)
def verify_command(draw_id: int) -> None:
    """Re-run draw DRAW_ID from its recorded inputs and seed; exit 1 if it differs."""
    from feedback.app import create_app
    from feedback.draws import service

    with create_app().app_context():
        draw = service.get_draw(draw_id)
        if draw is None:
            raise click.ClickException(f"没有第 {draw_id} 号抽取。")
        check = service.verify(draw)
    if not check.ok:
        what = [] if check.digest_ok else ["输入摘要与记录不符"]
        what += [] if check.result_ok else ["重新抽取的结果与记录不同"]
        raise click.ClickException(f"第 {draw_id} 号抽取复核不一致：" + "；".join(what))
    click.echo(f"第 {draw_id} 号抽取复核一致：{len(check.again.units)} 个单位，结果与记录相同。")


@draws_group.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(out: Path) -> None:
    """Write the public list of standing draws (JSON, no names) for `yimatong build`."""
    from feedback.app import create_app
    from feedback.draws.export import public_draws

    with create_app().app_context():
        data = public_draws()
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    out.write_text(text, encoding="utf-8")
    click.echo(f"已写入 {out}：{len(data['draws'])} 次抽取")
