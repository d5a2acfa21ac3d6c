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
@click.option(
    "--shard",
    "cities",
    default=None,
    metavar="CITY[,CITY…]",
    help="只生成这些地级市（六位代码）的排污单位与排放口页面、数据与二维码，写入 --out 指定的分片目录。",
)
@click.option(
    "--merge",
    is_flag=True,
    help="由参数给出的分片目录合并出全省网站：生成全省列表、站点地图、下载、订阅与检索索引并发布。",
)
@click.argument("shard_dirs", nargs=-1, type=click.Path(file_okay=False), metavar="[SHARD_DIR]…")
def build_command(
    content_dir: str | None,
    out_dir: str | None,
    base_url: str | None,
    jobs: int | None,
    full: bool,
    allow_drop: bool,
    cities: str | None,
    merge: bool,
    shard_dirs: tuple[str, ...],
) -> None:
    """Validate content and build the static site (only what changed, unless --full).

    Split across machines: `yimatong build --shard 450100,450200 --out shards/a` on each
    machine (a shard needs nothing but the content), then `yimatong build --merge shards/a
    shards/b …` publishes the whole site (docs/build.md, "Shards")."""
    content = content_dir or settings_mod.get("content_dir")
    _check_shard_options(cities, merge, shard_dirs, out_dir)
    if cities is not None:
        from generator.build.shards import build_shard_and_report

        assert out_dir is not None
        build_shard_and_report(content, out_dir, cities, base_url, jobs=jobs)
        return
    out = out_dir or settings_mod.get("out_dir")
    if merge:
        from generator.build.run import build_and_report as merge_and_report

        merge_and_report(
            content, out, base_url, jobs=jobs, allow_drop=allow_drop, shards=shard_dirs
        )
        return
    done, inputs = (False, None) if full else unchanged_or_inputs(content, out, base_url)
    if done:
        return
    from generator.build.run import build_and_report

    build_and_report(
        content, out, base_url, jobs=jobs, full=full, allow_drop=allow_drop, inputs=inputs
    )


def _check_shard_options(
    cities: str | None, merge: bool, shard_dirs: tuple[str, ...], out_dir: str | None
) -> None:
    """Stop with a usage error when ``--shard`` and ``--merge`` are not used as documented."""
    if cities is not None and merge:
        raise click.UsageError("--shard 与 --merge 不能同时使用：先分别构建各分片，再合并。")
    if cities is not None and out_dir is None:
        raise click.UsageError("--shard 需要用 --out 指定分片目录（不要写入发布目录）。")
    if merge and not shard_dirs:
        raise click.UsageError("--merge 需要至少一个分片目录，例如 --merge shards/a shards/b")
    if shard_dirs and not merge:
        raise click.UsageError(f"多余的参数 {' '.join(shard_dirs)}：分片目录只用于 --merge。")


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
