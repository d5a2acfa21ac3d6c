"""``yimatong build``: the command. It first asks whether anything changed since the last
build into the folder (``fingerprint.unchanged``, standard library only) and answers at once
when nothing did; only then does it import and run the build (generator/build/run.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from generator import settings as settings_mod
from generator.build import fingerprint
from generator.build.lock import BuildBusyError, build_lock


@click.command("build")
@click.option("--content", "content_dir", default=None, help="内容目录（默认 content/）。")
@click.option("--out", "out_dir", default=None, help="输出目录（默认 build/site）。")
@click.option("--base-url", default=None, help="网站地址，二维码编码此地址。")
@click.option("--jobs", "-j", type=int, default=None, help="并行进程数（默认 CPU 核数）。")
@click.option("--full", is_flag=True, help="忽略增量缓存，全部重新生成。")
@click.option(
    "--allow-drop", is_flag=True, help="允许撤下超过 max_unit_drop_percent 的已发布排污单位。"
)
def build_command(
    content_dir: str | None,
    out_dir: str | None,
    base_url: str | None,
    jobs: int | None,
    full: bool,
    allow_drop: bool,
) -> None:
    """Validate content and build the static site (only what changed, unless --full)."""
    content = content_dir or settings_mod.get("content_dir")
    out = out_dir or settings_mod.get("out_dir")
    done, inputs = (False, None) if full else unchanged_or_inputs(content, out, base_url)
    if done:
        return
    from generator.build.run import build_and_report

    build_and_report(
        content, out, base_url, jobs=jobs, full=full, allow_drop=allow_drop, inputs=inputs
    )


def unchanged_or_inputs(
    content_dir: str, out_dir: str, base_url: str | None
) -> tuple[bool, fingerprint.Fingerprint | None]:
    """(True, None) after printing the result when nothing changed since the last build
    into ``out_dir``; else (False, the fingerprint of the inputs for the build to keep, or
    None when they could not be read: the build reports why)."""
    started = time.monotonic()
    conf = settings_mod.resolve({"base_url": base_url})
    out = Path(out_dir).resolve()
    options = fingerprint.build_options(True, ())
    try:
        with build_lock(out):
            kept, now = fingerprint.unchanged(Path(content_dir), out, conf, options)
    except BuildBusyError as error:
        click.echo(f"构建失败：{error}", err=True)
        sys.exit(1)
    except OSError:
        return False, None
    if kept is None:
        return False, now
    seconds = time.monotonic() - started
    click.echo(
        f"内容、代码与设置均未改变：共 {kept.total} 个文件，生成 0 个，删除 0 个，"
        f"用时 {seconds:.2f} 秒 → {out_dir}"
    )
    return True, None
