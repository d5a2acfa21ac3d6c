"""Second round against the drop guard and the no-publish rule, through `yimatong build`:
units moved into a sub-folder, half the units broken (also with --allow-drop), the cache
gone, units moved from YAML files into one export, codes changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator import urls

from .jsonl import jsonable
from .site_helpers import FIXTURE, build_cli, tree

KEY_UNIT = "91450126MA5L3K2R5Q001P"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content (4 units)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def _built(tmp_path: Path, content: Path) -> tuple[Path, dict]:
    out = tmp_path / "site"
    result = build_cli(tmp_path, content, out)
    assert result.exit_code == 0, result.output
    return out, tree(out)


def _units(content: Path) -> list[Path]:
    return sorted((content / "units").glob("*.yaml"))


@pytest.mark.parametrize("allow", [False, True], ids=["guarded", "allow-drop"])
def test_units_moved_into_a_sub_folder_never_publish(tmp_path, content, allow):
    out, before = _built(tmp_path, content)
    sub = content / "units" / "2026"
    sub.mkdir()
    for path in _units(content):
        path.rename(sub / path.name)
    result = build_cli(tmp_path, content, out, *(["--allow-drop"] if allow else []))
    assert result.exit_code == 1 and tree(out) == before
    assert "units/2026" in result.output and "子文件夹" in result.output


@pytest.mark.parametrize("allow", [False, True], ids=["guarded", "allow-drop"])
def test_half_the_units_broken_publishes_nothing(tmp_path, content, allow):
    out, before = _built(tmp_path, content)
    for path in _units(content)[:2]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("county:", "county: 0x1F\nx_county:", 1), encoding="utf-8")
    result = build_cli(tmp_path, content, out, *(["--allow-drop"] if allow else []))
    assert result.exit_code == 1 and tree(out) == before
    assert "nothing was published" in result.output
    for path in _units(content)[:2]:
        assert f"units/{path.name}" in result.output
    assert result.output.count("0x1F") == 2 and result.output.count("x_county") == 2


def test_half_the_units_gone_with_the_cache_deleted_is_refused(tmp_path, content):
    out, before = _built(tmp_path, content)
    shutil.rmtree(tmp_path / "cache")
    for path in _units(content)[:2]:
        path.unlink()
    result = build_cli(tmp_path, content, out)
    assert result.exit_code == 1 and tree(out) == before
    assert "上次发布的网站有 4 个排污单位，本次构建有 2 个" in result.output


def test_units_moved_from_yaml_files_into_one_export_are_no_drop(tmp_path, content):
    out, _ = _built(tmp_path, content)
    lines = []
    for path in _units(content):
        lines.append(
            json.dumps(jsonable(yaml.safe_load(path.read_text("utf-8"))), ensure_ascii=False)
        )
        path.unlink()
    (content / "units" / "export.jsonl").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = build_cli(tmp_path, content, out)
    assert result.exit_code == 0, result.output
    assert (out / urls.unit_path(KEY_UNIT).lstrip("/") / "index.html").is_file()


def test_the_same_units_in_yaml_and_in_an_export_publish_nothing(tmp_path, content):
    out, before = _built(tmp_path, content)
    path = content / "units" / f"{KEY_UNIT}.yaml"
    line = json.dumps(jsonable(yaml.safe_load(path.read_text("utf-8"))), ensure_ascii=False)
    (content / "units" / "export.jsonl").write_text(line + "\n", encoding="utf-8")
    result = build_cli(tmp_path, content, out, "--allow-drop")
    assert result.exit_code == 1 and tree(out) == before
    assert "排污单位编码重复" in result.output
