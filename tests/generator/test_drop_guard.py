"""A build that would drop more than max_unit_drop_percent of the last good site's units is
refused (its printed QR codes would lead nowhere) unless told with --allow-drop."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import urls
from generator.build.command import build_command
from generator.build.guard import UnitDropError, check_drop
from generator.build.run import build

from .site_helpers import BASE_URL, FIXTURE, build_cli, overrides, tree

KEY_UNIT = "91450126MA5L3K2R5Q001P"
REGISTERED = "92450324MA5R2W6X1P001W"
BUILD_DOC = Path(__file__).resolve().parents[2] / "docs" / "build.md"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content (4 units)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def _published(out: Path, code: str) -> bool:
    return (out / urls.unit_path(code).lstrip("/") / "index.html").is_file()


def test_dropping_a_quarter_of_the_units_is_refused_and_the_site_stays(tmp_path, content):
    out = tmp_path / "site"
    assert build_cli(tmp_path, content, out).exit_code == 0
    before = tree(out)
    (content / "units" / f"{KEY_UNIT}.yaml").unlink()
    result = build_cli(tmp_path, content, out)
    assert result.exit_code == 1
    assert "上次发布的网站有 4 个排污单位，本次构建有 3 个" in result.output
    assert "1 个将不再发布（25%，超过允许的 10%）" in result.output
    assert "--allow-drop" in result.output
    assert tree(out) == before
    assert not [p for p in tmp_path.glob(".site.*") if p.name != ".site.lock"]

    result = build_cli(tmp_path, content, out, "--allow-drop")
    assert result.exit_code == 0, result.output
    assert not _published(out, KEY_UNIT) and _published(out, REGISTERED)


@pytest.mark.parametrize("how", ["units renamed", "files renamed .YAML", "only one left"])
def test_losing_every_unit_never_publishes_an_empty_site(tmp_path, content, how):
    out = tmp_path / "site"
    assert build_cli(tmp_path, content, out).exit_code == 0
    before = tree(out)
    units = content / "units"
    if how == "units renamed":
        units.rename(content / "unit")
    elif how == "files renamed .YAML":
        for path in units.glob("*.yaml"):
            path.rename(path.with_suffix(".YAML"))
    else:  # three of the four units gone
        shutil.rmtree(units)
        units.mkdir()
        (units / f"{REGISTERED}.yaml").write_bytes(
            (FIXTURE / "units" / f"{REGISTERED}.yaml").read_bytes()
        )
    result = build_cli(tmp_path, content, out)
    assert result.exit_code == 1 and tree(out) == before
    assert "units" in result.output


def test_the_share_is_a_setting(tmp_path, content):
    out = tmp_path / "site"
    first = build(content, out, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp_path))
    assert first.full
    (content / "units" / f"{KEY_UNIT}.yaml").unlink()
    with pytest.raises(UnitDropError, match="超过允许的 20%"):
        build(
            content,
            out,
            BASE_URL,
            jobs=1,
            progress=False,
            overrides=overrides(tmp_path, max_unit_drop_percent=20),
        )
    result = build_cli(tmp_path, content, out, YIMATONG_MAX_UNIT_DROP_PERCENT="25")
    assert result.exit_code == 0, result.output
    assert not _published(out, KEY_UNIT)


def test_without_the_kept_state_the_published_folders_are_counted(tmp_path, content):
    out = tmp_path / "site"
    assert build_cli(tmp_path, content, out).exit_code == 0
    shutil.rmtree(tmp_path / "cache")
    (content / "units" / f"{KEY_UNIT}.yaml").unlink()
    result = build_cli(tmp_path, content, out)
    assert result.exit_code == 1 and "上次发布的网站有 4 个排污单位" in result.output


def test_adding_units_and_a_first_build_are_never_refused(tmp_path, content):
    small = tmp_path / "small"
    shutil.copytree(content, small)
    for path in (small / "units").glob("*.yaml"):
        if path.stem != REGISTERED:
            path.unlink()
    out = tmp_path / "site"
    assert build_cli(tmp_path, small, out).exit_code == 0
    assert build_cli(tmp_path, content, out).exit_code == 0
    assert _published(out, KEY_UNIT)


@pytest.mark.parametrize(
    ("last", "now", "percent", "refused"),
    [
        (100, 90, 10, False),
        (100, 89, 10, True),
        (44, 40, 10, False),
        (44, 39, 10, True),
        (44, 0, 10, True),
        (44, 0, 100, False),
        (3, 2, 0, True),
        (3, 3, 0, False),
        (200, 179, 10, True),
        (0, 0, 10, False),
    ],
)
def test_the_share_is_counted_against_the_last_site(last, now, percent, refused):
    codes = {f"c{n}" for n in range(last)}
    kept = set(sorted(codes)[:now]) | {"new1", "new2"}
    if refused:
        with pytest.raises(UnitDropError, match=f"上次发布的网站有 {last} 个排污单位"):
            check_drop(codes, kept, percent)
    else:
        check_drop(codes, kept, percent)


def test_a_share_just_over_the_limit_is_shown_with_its_decimal():
    codes = {f"c{n}" for n in range(200)}
    with pytest.raises(UnitDropError, match=r"21 个将不再发布（10\.5%，超过允许的 10%）"):
        check_drop(codes, set(sorted(codes)[:179]), 10)


def test_the_flag_and_the_setting_are_documented():
    text = BUILD_DOC.read_text(encoding="utf-8")
    assert "--allow-drop" in text and "max_unit_drop_percent" in text
    assert "--allow-drop" in CliRunner().invoke(build_command, ["--help"]).output
