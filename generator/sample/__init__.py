"""Deterministic sample content: ``yimatong sample --units N --seed S --out DIR``.

Writes a complete content folder (units, bodies.yaml, site.yaml, pages) that passes
``load_site``. Same seed and options, same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import yaml
from tqdm import tqdm

from generator.content.divisions import load_divisions
from generator.content.model import Division
from generator.content.readers import UNIT_READERS
from generator.content.validate_places import province_problem as code_problem
from generator.sample.province import GUANGXI, Province
from generator.sample.records import Maker, Spec, city_bureau, county_bureau

__all__ = [
    "sample_command",
    "write_sample",
    "write_content",
    "Maker",
    "Spec",
    "jsonable",
    "unit_yaml",
]

AS_OF = dt.date(2026, 11, 20)
PAGES_DIR = Path(__file__).resolve().parents[2] / "content" / "pages"


def site_settings(province: Province) -> dict[str, str]:
    """site.yaml of a sample: title, province code and the issuing-authority line."""
    return {
        "title": f"{province.short}生态环境一码通",
        "province": province.code,
        "issuer": f"{province.name}生态环境厅监制",
    }


class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """YAML writer that repeats shared values instead of writing &anchors a clerk would not know."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def jsonable(value: Any) -> Any:
    """A record with dates (also as mapping keys) turned into ISO text, ready for json.dumps."""
    if isinstance(value, dict):
        return {
            (k.isoformat() if isinstance(k, dt.date) else k): jsonable(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def unit_yaml(record: dict) -> str:
    """A unit record as YAML laid out like docs/schema-example.yaml (small mappings inline)."""
    return yaml.dump(
        record,
        Dumper=Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=4096,
    )


def bodies(counties: Iterable[str], divisions: dict[str, Division]) -> list[dict]:
    """The province body, every city bureau and a branch for each county in ``counties``."""
    province = Province(divisions)
    top = province.body_id
    found = [
        {
            "id": top,
            "name": f"{province.name}生态环境厅",
            "level": "province",
            "parent": None,
            "areas": [province.code],
            "email": "sthjt@hb.example.gov.cn",
            "phone": province.phone_prefix(province.cities()[0]) + "-5761000",
        }
    ]
    wanted = sorted(set(counties))
    for city in province.cities():
        ident, prefix = province.city_id(city), province.phone_prefix(city)
        if city.code != province.code:  # a municipality's districts sit under the province
            found.append(_body(ident, city_bureau(city), "city", top, city.code, f"{prefix}-2"))
        for county in (c for c in wanted if divisions[c].parent == city.code):
            body = province.county_id(city, divisions[county])
            parent = top if city.code == province.code else ident
            name = county_bureau(city, divisions[county])
            found.append(_body(body, name, "county", parent, county, f"{prefix}-8"))
    return found


def _body(ident: str, name: str, level: str, parent: str, area: str, phone: str) -> dict:
    return {
        "id": ident,
        "name": name,
        "level": level,
        "parent": parent,
        "areas": [area],
        "email": f"{ident}@hb.example.gov.cn",
        "phone": phone + area,
    }


def write_content(
    out: Path, records: list[dict], fmt: str = "jsonl", province: str = GUANGXI
) -> None:
    """Write ``records`` (sorted by code) with bodies, site and pages as a complete content folder."""
    divisions = load_divisions(province)
    records = sorted(records, key=lambda r: r["fixed_source_code"])
    units = out / "units"
    units.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        with (units / "sample.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(
                    json.dumps(jsonable(record), ensure_ascii=False, separators=(",", ":")) + "\n"
                )
    else:
        for record in records:
            path = units / f"{record['fixed_source_code']}.yaml"
            path.write_text(unit_yaml(record), encoding="utf-8", newline="\n")
    listed = bodies((r["county"] for r in records), divisions)
    (out / "bodies.yaml").write_text(_body_yaml(listed), encoding="utf-8", newline="\n")
    site = site_settings(Province(divisions))
    (out / "site.yaml").write_text(
        yaml.dump(site, Dumper=Dumper, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
        newline="\n",
    )
    _copy_pages(out, Province(divisions))


def _copy_pages(out: Path, province: Province) -> None:
    """The bundled pages, their province names (广西壮族自治区, 广西) made the sample's own."""
    if not PAGES_DIR.is_dir() or PAGES_DIR.resolve() == (out / "pages").resolve():
        return
    (out / "pages").mkdir(exist_ok=True)
    for page in sorted(PAGES_DIR.glob("*.md")):
        if province.code == GUANGXI:
            shutil.copyfile(page, out / "pages" / page.name)
            continue
        text = page.read_text(encoding="utf-8").replace("广西壮族自治区", province.name)
        text = text.replace("广西", province.short)
        (out / "pages" / page.name).write_text(text, encoding="utf-8", newline="\n")


def _body_yaml(listed: list[dict]) -> str:
    head = "# 执法机构：id、名称、级别（province/city/county）、上级、管辖区域（GB/T 2260）、联系方式\n"
    rows = [
        "- "
        + yaml.dump(
            b,
            Dumper=Dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=True,
            width=4096,
        )
        for b in listed
    ]
    return head + "".join(rows)


def unit_files(out: Path) -> list[Path]:
    """Unit files a reader would load from ``out/units``."""
    folder = Path(out) / "units"
    return (
        sorted(p for p in folder.glob("*") if p.suffix in UNIT_READERS) if folder.is_dir() else []
    )


def province_problem(province: str) -> str | None:
    """Why no sample can be made for ``province``, or None."""
    problem = code_problem(province)
    if problem:
        return problem
    divisions = load_divisions(province)
    if not any(d.level == "county" for d in divisions.values()):
        name = divisions[province].name
        return f"{name}（{province}）在 GB/T 2260 表中没有县级区划，无法生成示例单位"
    return None


def write_sample(
    out: Path,
    units: int,
    seed: int = 1,
    fmt: str = "jsonl",
    as_of: dt.date = AS_OF,
    progress: bool = False,
    province: str = GUANGXI,
) -> list[dict]:
    """Generate ``units`` random units of ``province`` and write a complete content folder to
    ``out``; the records written."""
    problem = province_problem(province)
    if problem:
        raise ValueError(problem)
    maker = Maker(seed, as_of, load_divisions(province))
    bar = tqdm(range(units), desc="生成单位", unit="个", disable=not progress, smoothing=0.1)
    records = [maker.record(maker.random_spec()) for _ in bar]
    write_content(Path(out), records, fmt, province)
    return records


@click.command("sample")
@click.option(
    "--units",
    "count",
    type=click.IntRange(1),
    default=200,
    show_default=True,
    help="How many units to generate.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Random seed: same seed, same bytes."
)
@click.option(
    "--out", type=click.Path(path_type=Path), required=True, help="Content folder to write."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "yaml"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one units/sample.jsonl file; yaml: one file per unit.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=AS_OF.isoformat(),
    show_default=True,
    help="Data-as-of date of the sample.",
)
@click.option(
    "--curated",
    is_flag=True,
    help="Write the hand-picked bundled units (content/) instead of N random ones.",
)
@click.option("--force", is_flag=True, help="Replace unit files already in DIR/units.")
@click.option(
    "--province",
    default=GUANGXI,
    show_default=True,
    help="GB/T 2260 code of the province (220000 Jilin); names, codes and bodies follow.",
)
@click.option(
    "--monitoring-year",
    "monitoring",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write a year of hourly HJ 212 frames of the monitored outlets, with injected "
    "faults, and their truth (faults.jsonl) to this folder (docs/monitoring.md).",
)
def sample_command(
    count: int,
    seed: int,
    out: Path,
    fmt: str,
    as_of: dt.datetime,
    curated: bool,
    force: bool,
    province: str,
    monitoring: Path | None,
) -> None:
    """生成合成示例内容 (write deterministic synthetic content of a province for tests and benchmarks)."""
    problem = province_problem(province)
    if problem:
        raise click.BadParameter(problem, param_hint="--province")
    if curated and province != GUANGXI:
        raise click.BadParameter("--curated 只有广西（450000）的精选单位", param_hint="--curated")
    start = time.perf_counter()
    existing = unit_files(out)
    if existing and not force:
        raise click.ClickException(
            f"{out / 'units'} 里已有 {len(existing)} 个单位文件；加 --force 替换它们。"
        )
    for path in existing:
        path.unlink()
    if curated:
        from generator.sample.curated import curated_records

        records = curated_records(as_of.date())
        write_content(out, records, fmt)
        count = len(records)
    else:
        records = write_sample(
            out, count, seed, fmt, as_of.date(), progress=True, province=province
        )
    click.echo(f"已生成 {count} 个排污单位到 {out}（{time.perf_counter() - start:.1f} 秒）")
    if monitoring is not None:
        from generator.sample.monitoring_year import write_monitoring_year

        frames = write_monitoring_year(monitoring, records, as_of.date(), seed)
        click.echo(f"已生成一年的小时监测数据 {frames} 帧及注入的异常清单到 {monitoring}")
