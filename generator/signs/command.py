"""``yimatong signs``: write every sign of the chosen units, per-city print files and manifests."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import click

from generator import settings
from generator.content.model import Site, Unit
from generator.signs.fonts import FontMissing, font_name
from generator.signs.layout import Sign
from generator.signs.manifest import ManifestRow, row_for, write_manifest
from generator.signs.pdf import write_pdf
from generator.signs.signboards import SignOptions, unit_signs
from generator.signs.svg import write_svg

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*$")


def parse_size(text: str, name: str) -> tuple[float, float]:
    """``"600x400"`` → (600.0, 400.0); a clear message otherwise."""
    match = _SIZE_RE.match(str(text))
    if not match:
        raise click.UsageError(
            f"设置 {name} 应写成“宽x高”（毫米），例如 600x400，而不是 {text!r}。"
        )
    return float(match[1]), float(match[2])


def options_from_settings(
    base_url: str | None = None, printed: dt.date | None = None
) -> SignOptions:
    """Sign options from the settings table (environment overrides included)."""
    return SignOptions(
        printed=printed,
        base_url=base_url or settings.get("base_url"),
        gate_mm=parse_size(settings.get("gate_sign_mm"), "gate_sign_mm"),
        outlet_mm=parse_size(settings.get("outlet_sign_mm"), "outlet_sign_mm"),
        bleed_mm=float(settings.get("sign_bleed_mm")),
        hotline=str(settings.get("hotline")),
        border=int(settings.get("qr_border")),
    )


@dataclass
class Summary:
    """What a run wrote."""

    units: int = 0
    cities: list[str] = field(default_factory=list)
    rows: list[ManifestRow] = field(default_factory=list)
    smallest: Sign | None = None


def check_outlet(units: list[Unit], unit: str | None, outlet: str | None) -> None:
    """``--outlet`` needs ``--unit`` and must name one of its outlets."""
    if outlet is None:
        return
    if unit is None:
        raise click.UsageError(
            "--outlet 只能与 --unit 一起使用，例如 --unit <固定污染源编码> --outlet DA001。"
        )
    codes = [o.code for o in units[0].outlets]
    if outlet not in codes:
        known = "、".join(codes) or "（没有排放口）"
        raise click.UsageError(f"单位 {unit} 没有编号为 {outlet} 的排放口。它的排放口：{known}。")


def choose_units(site: Site, city: str | None, unit: str | None) -> list[Unit]:
    """Units selected by ``--city`` and ``--unit``, by city then code; an error if none."""
    chosen = [
        u
        for u in site.units
        if (city is None or u.city_code == city) and (unit is None or u.code == unit)
    ]
    if unit and not chosen:
        raise click.UsageError(f"内容中没有固定污染源编码为 {unit} 的单位（或它不在所选城市）。")
    if city and not chosen:
        raise click.UsageError(f"城市 {city} 没有任何单位。城市代码是 6 位数字，例如 450100。")
    return sorted(chosen, key=lambda u: (u.city_code, u.code))


def write_unit(
    site: Site,
    unit: Unit,
    opts: SignOptions,
    out: Path,
    summary: Summary,
    outlet: str | None = None,
) -> list[Sign]:
    """Write one unit's signs (or only ``outlet``'s) as SVG and PDF into ``out/<city>/<code>/``."""
    folder = out / unit.city_code / unit.code
    folder.mkdir(parents=True, exist_ok=True)
    signs = [s for s in unit_signs(site, unit, opts) if outlet is None or s.outlet_code == outlet]
    for sign in signs:
        pdf, svg = folder / f"{sign.name}.pdf", folder / f"{sign.name}.svg"
        write_pdf([sign], pdf, f"{unit.name} {sign.name}")
        write_svg(sign, svg)
        summary.rows.append(
            row_for(
                sign,
                unit.city_code,
                unit.name,
                pdf.relative_to(out).as_posix(),
                svg.relative_to(out).as_posix(),
            )
        )
        if summary.smallest is None or sign.qr.module_mm < summary.smallest.qr.module_mm:
            summary.smallest = sign
    return signs


def write_signs(
    site: Site, units: list[Unit], opts: SignOptions, out: Path, outlet: str | None = None
) -> Summary:
    """Write each unit's signs, then per city one multi-page PDF and a manifest, plus manifest.csv.

    With ``outlet`` only that outlet's sign is written (a reprint of one sign).
    """
    font_name()  # fail before writing anything if the font is missing
    summary = Summary(units=len(units))
    by_city: dict[str, list[Sign]] = {}
    for unit in units:
        signs = write_unit(site, unit, opts, out, summary, outlet)
        by_city.setdefault(unit.city_code, []).extend(signs)
    for city, signs in sorted(by_city.items()):
        folder = out / city
        write_pdf(signs, folder / f"signs-{city}.pdf", f"{site.division_name(city)} 标识牌")
        write_manifest([r for r in summary.rows if r.city == city], folder / f"manifest-{city}.csv")
        summary.cities.append(city)
    write_manifest(summary.rows, out / "manifest.csv")
    return summary


def describe(summary: Summary, site: Site, out: Path) -> str:
    """The closing lines printed by the command."""
    cities = "、".join(f"{site.division_name(c)}（{c}）" for c in summary.cities)
    lines = [f"已写出 {len(summary.rows)} 块标识牌（{summary.units} 个单位）到 {out}：{cities}"]
    if summary.smallest:
        qr = summary.smallest.qr
        lines.append(
            f"二维码最小印刷模块 {qr.module_mm:.2f} mm（{summary.smallest.unit_code} "
            f"{summary.smallest.name}，纠错等级 {qr.error}，版本 {qr.version}，静区 {qr.border} 模块）"
        )
    lines.append(
        f"印刷清单：{out / 'manifest.csv'}；印刷母版是 PDF（含 {summary_bleed(summary)} 出血和裁切线）。"
    )
    return "\n".join(lines)


def summary_bleed(summary: Summary) -> str:
    """The bleed of the written signs, for the summary line."""
    return f"{summary.rows[0].bleed_mm} mm" if summary.rows else "—"


@click.command("signs")
@click.option("--city", metavar="CODE", help="只写这个城市（6 位代码，例如 450100）的标识牌。")
@click.option("--unit", metavar="CODE", help="只写这个单位（22 位固定污染源编码）的标识牌。")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/signs"),
    show_default=True,
    help="输出文件夹。",
)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="内容文件夹（默认取设置 content_dir）。",
)
@click.option("--base-url", default=None, help="二维码指向的站点地址（默认取设置 base_url）。")
@click.option(
    "--outlet",
    metavar="CODE",
    help="只重印这个排放口（例如 DA001）的标识牌，须与 --unit 一起使用。",
)
@click.option(
    "--date",
    "printed",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="印制日期（YYYY-MM-DD，默认今天），印在标识牌上并写入清单。",
)
@click.option(
    "--style",
    type=click.Choice(["prompt", "warning"]),
    default="prompt",
    show_default=True,
    help="排放口标识牌样式：prompt 提示标志（绿色），warning 警告标志（黄色三角形）。",
)
@click.option(
    "--warning-size",
    type=click.Choice(["420", "560"]),
    default="420",
    show_default=True,
    help="警告标志三角形边长（毫米）：420 墙式，560 立式（GB 15562.1）。",
)
def signs_command(
    city: str | None,
    unit: str | None,
    out_dir: Path,
    content_dir: Path | None,
    base_url: str | None,
    outlet: str | None,
    printed: dt.datetime | None,
    style: str,
    warning_size: str,
) -> None:
    """Write printable signboards: a gate sign per unit and a sign per outlet (SVG + PDF).

    Per city also one multi-page PDF and a CSV manifest for the print order. The PDF is
    the print master: true size in mm, 3 mm bleed, crop marks, embedded 黑体 font.
    """
    from generator.content.problems import ContentError
    from generator.content.readers import load_site

    try:
        site = load_site(content_dir or Path(settings.get("content_dir")))
    except ContentError as error:
        raise click.ClickException(f"内容有问题，无法制作标识牌：\n{error.report()}") from error
    units = choose_units(site, city, unit)
    check_outlet(units, unit, outlet)
    opts = replace(
        options_from_settings(base_url, printed.date() if printed else None),
        style=style,
        warning_mm=float(warning_size),
    )
    try:
        summary = write_signs(site, units, opts, out_dir, outlet)
    except FontMissing as error:
        raise click.ClickException(str(error)) from error
    click.echo(describe(summary, site, out_dir))
