"""A province split across machines: ``yimatong build --shard CITY[,CITY…]`` renders the unit
and outlet pages, data files and QR links of those cities into a shard folder of its own, and
``yimatong build --merge SHARD_DIR…`` (run.py, ``build(shards=…)``) makes the province-wide
pages and the steps' files and swaps the whole site in with the shards' files linked into it.
See docs/build.md, "Shards".

A shard folder holds ``site/`` (the files under ``/e/`` of its units, as a single build
writes them) and ``shard.json``: its cities, the global key and the key of each of its
units, so a merge refuses shards built from other content, code or settings, and shards
that overlap or leave units out.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from generator import settings as settings_mod
from generator.build.guard import failure_message
from generator.build.load import load, long_lived, monitoring
from generator.build.lock import BuildBusyError, build_lock
from generator.build.plan import global_key, source_keys, with_nearby
from generator.build.swap import swap_in, temporary
from generator.content.model import Site, Unit
from generator.content.problems import ContentError
from generator.pages.app import create_site_app
from generator.pages.outputs import unit_outputs
from generator.pages.render import render_outputs

MANIFEST = "shard.json"
FORMAT = "yimatong-shard"
VERSION = 1
#: The shard's unit files, under the same paths as in the site.
SITE = "site"


class ShardError(Exception):
    """A shard cannot be built or merged; the message lists every problem, in Chinese."""


@dataclass(frozen=True, slots=True)
class ShardResult:
    """What a shard build did."""

    cities: tuple[str, ...]
    units: int
    files: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Manifest:
    """What ``shard.json`` says of a shard folder."""

    folder: Path
    cities: tuple[str, ...]
    global_key: str
    #: Unit key of every unit of the shard, by code.
    units: dict[str, str]


def parse_cities(text: str) -> tuple[str, ...]:
    """The city codes of ``--shard`` ("450100,450200"), sorted, without repeats."""
    cities = sorted({part.strip() for part in text.split(",") if part.strip()})
    if not cities:
        raise ShardError("--shard 需要至少一个地级市代码，例如 --shard 450100,450200")
    return tuple(cities)


def check_cities(site: Site, cities: Sequence[str]) -> None:
    """Fail unless every code of ``cities`` is a city (prefecture) of the content."""
    problems = []
    for code in cities:
        division = site.divisions.get(code)
        if division is None or division.level != "city":
            problems.append(
                f"--shard 的 {code} 不是本省内容中的地级市（行政区划里没有这个地级市代码，"
                "应为六位代码，如 450100）"
            )
    if problems:
        raise ShardError("\n".join(problems))


def shard_units(site: Site, cities: Sequence[str]) -> list[Unit]:
    """The units of ``site`` in ``cities``, in the site's order."""
    wanted = set(cities)
    return [unit for unit in site.units if unit.city_code in wanted]


def build_shard(
    content_dir: str | Path,
    shard_dir: str | Path,
    cities: Sequence[str],
    base_url: str | None = None,
    *,
    jobs: int | None = None,
    progress: bool = True,
    overrides: dict[str, Any] | None = None,
) -> ShardResult:
    """Render the unit and outlet files of the units of ``cities`` into ``shard_dir`` (its
    ``site/``) and write its ``shard.json``; the shard folder is replaced whole. Raises
    ContentError for bad content and ShardError for a city the content does not have."""
    started = time.monotonic()
    conf = settings_mod.resolve({**(overrides or {}), "base_url": base_url})
    content, out = Path(content_dir), Path(shard_dir).resolve()
    with build_lock(out):
        _check_folder(out)
        site, load_cache = load(content, conf, progress)
        try:
            check_cities(site, cities)
            content_keys = source_keys(content, site, load_cache.hashes)
            public, step_keys = monitoring(site, conf, content_keys)
            unit_keys = with_nearby(site, step_keys, conf)  # the keys of its pages
            units = shard_units(site, cities)
            with long_lived():
                app = create_site_app(site, conf, public)
                cat = app.extensions["yimatong.catalog"]
                cat.unit_keys.update(unit_keys)
                cat.row_keys.update(content_keys)
                outputs = [o for unit in units for o in unit_outputs(unit, cat, conf)]
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "cities": list(cities),
                "global_key": global_key(site, conf),
                "units": {u.code: unit_keys.get(u.code) for u in units},
            }
            _write_shard(app, outputs, manifest, out, conf, jobs, progress)
        finally:
            load_cache.wait()
    return ShardResult(tuple(cities), len(units), len(outputs), time.monotonic() - started)


def _check_folder(out: Path) -> None:
    """Fail when ``out`` has files but is no shard (the published site given by mistake)."""
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise ShardError(
            f"{out} 已有文件但不是分片目录（没有 {MANIFEST}），分片不会覆盖它："
            "请用 --out 指定一个新的或原有的分片目录"
        )


def _write_shard(
    app: Any,
    outputs: list[Any],
    manifest: dict[str, Any],
    out: Path,
    conf: dict[str, Any],
    jobs: int | None,
    progress: bool,
) -> None:
    """Render ``outputs`` and write ``manifest`` into a new folder beside ``out``, then swap
    it in; nothing of a failed shard stays."""
    tmp = temporary(out)
    try:
        render_outputs(app, outputs, tmp / SITE, conf, jobs=jobs, progress=progress)
        (tmp / SITE).mkdir(exist_ok=True)
        text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1)
        (tmp / MANIFEST).write_text(text + "\n", encoding="utf-8")
        swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_manifest(folder: Path) -> Manifest:
    """The manifest of shard folder ``folder``; ShardError if it is not a finished shard."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShardError(
            f"{folder} 不是分片目录：没有 {MANIFEST}（分片未构建完成，或目录写错了）"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ShardError(f"{path} 无法读取：{error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ShardError(f"{path} 不是分片清单（format 应为 {FORMAT}）")
    if data.get("version") != VERSION:
        raise ShardError(
            f"{path} 的版本 {data.get('version')} 与本程序的 {VERSION} 不同，请重新构建该分片"
        )
    if not (folder / SITE).is_dir():
        raise ShardError(f"{folder} 缺少分片文件目录 {SITE}/")
    units = data.get("units")
    cities = data.get("cities")
    if not isinstance(units, dict) or not isinstance(cities, list):
        raise ShardError(f"{path} 缺少字段 units 或 cities")
    return Manifest(folder, tuple(map(str, cities)), str(data.get("global_key")), units)


def check_shards(
    site: Site, key: str, unit_keys: dict[str, str], folders: Sequence[Path]
) -> list[Manifest]:
    """The shards' manifests, checked against the content being merged: same global key,
    cities in one shard each, every unit in exactly one shard with the same unit key.
    Raises ShardError listing every problem."""
    manifests = [read_manifest(Path(folder)) for folder in folders]
    problems: list[str] = []
    owner: dict[str, Path] = {}
    for shard in manifests:
        if shard.global_key != key:
            problems.append(
                f"分片 {shard.folder} 由不同的内容、代码或设置生成（全局键 {shard.global_key}，"
                f"本次为 {key}）：请用同一份内容与设置重新构建该分片"
            )
        for city in shard.cities:
            if city in owner:
                problems.append(f"地级市 {city} 同时在分片 {owner[city]} 与 {shard.folder} 中")
            owner[city] = shard.folder
    problems += _unit_problems(site, unit_keys, manifests, owner)
    if problems:
        raise ShardError("无法合并分片：\n" + "\n".join(problems))
    return manifests


def _unit_problems(
    site: Site, unit_keys: dict[str, str], manifests: list[Manifest], owner: dict[str, Path]
) -> list[str]:
    """Units left out of every shard, in a shard they are not in the content of, or built
    from other content than the merge's."""
    problems = []
    held = {code: shard for shard in manifests for code in shard.units}
    codes = set()
    for unit in site.units:
        codes.add(unit.code)
        shard = held.get(unit.code)
        if shard is None:
            where = owner.get(unit.city_code)
            problems.append(
                f"排污单位 {unit.code}（地级市 {unit.city_code}）不在任何分片中："
                + (f"分片 {where} 比本次内容旧，请重新构建" if where else "缺少该市的分片")
            )
        elif shard.units[unit.code] != unit_keys.get(unit.code):
            problems.append(
                f"排污单位 {unit.code} 在分片 {shard.folder} 中的内容与本次内容不同"
                "（内容文件或自动监控数据不同），请重新构建该分片"
            )
    for code, shard in sorted(held.items()):
        if code not in codes:
            problems.append(f"分片 {shard.folder} 中的排污单位 {code} 不在本次内容中")
    return problems


def place_shards(manifests: Sequence[Manifest], dest: Path) -> int:
    """Link every file of the shards' ``site/`` folders into ``dest`` (copies where a link is
    impossible, e.g. another disk); how many files."""
    placed = 0
    for shard in manifests:
        root = shard.folder / SITE
        for folder, _, names in os.walk(root):
            target = dest / os.path.relpath(folder, root)
            target.mkdir(parents=True, exist_ok=True)
            for name in names:
                try:
                    os.link(os.path.join(folder, name), target / name)
                except OSError:
                    shutil.copyfile(os.path.join(folder, name), target / name)
                placed += 1
    return placed


def build_shard_and_report(
    content_dir: str,
    shard_dir: str,
    cities_text: str,
    base_url: str | None,
    *,
    jobs: int | None = None,
    overrides: dict[str, Any] | None = None,
) -> None:
    """Build a shard as ``yimatong build --shard`` does: progress and result printed, exit 1
    on a problem (nothing of the shard folder changed then)."""
    try:
        result = build_shard(
            content_dir,
            shard_dir,
            parse_cities(cities_text),
            base_url,
            jobs=jobs,
            overrides=overrides,
        )
    except ContentError as error:
        click.echo(error.report(), err=True)
        sys.exit(1)
    except (ShardError, BuildBusyError) as error:
        click.echo(f"构建失败：{error}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(failure_message(error), err=True)
        sys.exit(1)
    click.echo(
        f"分片构建完成（地级市 {'、'.join(result.cities)}）：{result.units} 个排污单位，"
        f"{result.files} 个文件，用时 {result.seconds:.1f} 秒 → {shard_dir}"
    )
