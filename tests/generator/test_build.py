"""The build: refuses bad content, never half-writes, fails on two records at one path."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from generator.build.cache import build_lock
from generator.build.command import build_command
from generator.build.plan import FileOverwriteError, check_unique
from generator.build.run import build
from generator.pages.views.common import Output

from .site_helpers import BASE_URL, FIXTURE, overrides, tree

KEY_UNIT = "91450126MA5L3K2R5Q001P"


def _cli(tmp_path, content, out):
    env = {
        "YIMATONG_CACHE_DIR": str(tmp_path / "cache"),
        "YIMATONG_SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "YIMATONG_STATS_FILE": "",
    }
    return CliRunner().invoke(
        build_command,
        ["--content", str(content), "--out", str(out), "--base-url", BASE_URL, "--jobs", "1"],
        env=env,
    )


def test_bad_content_exits_non_zero_and_keeps_the_previous_site(tmp_path):
    out = tmp_path / "site"
    result = _cli(tmp_path, FIXTURE, out)
    assert result.exit_code == 0, result.output
    before = tree(out)
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    unit_file = content / "units" / f"{KEY_UNIT}.yaml"
    text = unit_file.read_text(encoding="utf-8")
    unit_file.write_text(
        text.replace("uscc: 91450126MA5L3K2R5Q", "uscc: 91450126MA5L3K2R5X"), encoding="utf-8"
    )
    result = _cli(tmp_path, content, out)
    assert result.exit_code != 0
    assert f"{KEY_UNIT}.yaml" in result.output
    assert tree(out) == before
    assert not [p for p in tmp_path.glob(".site.*") if p.name != ".site.lock"]


def test_two_records_writing_one_path_fail():
    outputs = [Output("/e/5Q/x/", "单位 A", "1"), Output("/e/5Q/x/", "单位 B", "2")]
    with pytest.raises(FileOverwriteError, match="单位 A.*单位 B"):
        check_unique(outputs)


def test_same_content_same_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(FIXTURE, first, BASE_URL, jobs=1, progress=False, overrides=overrides(tmp_path / "1"))
    build(
        FIXTURE,
        second,
        BASE_URL,
        jobs=2,
        progress=False,
        full=True,
        overrides=overrides(tmp_path / "2"),
    )
    assert tree(first) == tree(second)


def test_cli_help_names_the_options():
    result = CliRunner().invoke(build_command, ["--help"])
    for option in ("--content", "--out", "--base-url", "--jobs", "--full"):
        assert option in result.output


def test_serve_help_names_the_options():
    from feedback.preview import serve_command

    result = CliRunner().invoke(serve_command, ["--help"])
    for option in ("--port", "--feedback-port", "--no-feedback"):
        assert option in result.output


def test_a_second_build_into_the_same_folder_stops_with_a_clear_message(tmp_path):
    out = tmp_path / "site"
    with build_lock(out.resolve()):
        result = _cli(tmp_path, FIXTURE, out)
    assert result.exit_code == 1
    assert "另一个构建正在写入" in result.output and not out.exists()
    assert _cli(tmp_path, FIXTURE, out).exit_code == 0  # released with the first build


def test_every_long_step_shows_a_bar_with_counts(tmp_path, capfd):
    index = tmp_path / "index"
    build(
        FIXTURE,
        tmp_path / "site",
        BASE_URL,
        jobs=1,
        progress=True,
        overrides=overrides(tmp_path, search_index_dir=str(index)),
    )
    shown = capfd.readouterr().err
    for desc in ("读取内容", "检查内容", "生成页面", "构建步骤", "开放数据", "搜索索引"):
        assert re.search(desc + r": +100%\|.*\| [\d.]+k?B?/[\d.]+k?B? \[", shown), desc


def test_the_file_count_of_a_unit_is_the_number_of_files_it_makes(tmp_path):
    # The build reports its total from the counts, without making every unit's outputs.
    from generator import settings
    from generator.content.readers import load_site
    from generator.pages.app import create_site_app
    from generator.pages.outputs import unit_file_count, unit_outputs

    site = load_site(FIXTURE)
    conf = settings.resolve(overrides(tmp_path, base_url=BASE_URL))
    cat = create_site_app(site, conf).extensions["yimatong.catalog"]
    for unit in site.units:
        assert unit_file_count(unit) == len(unit_outputs(unit, cat, conf))
