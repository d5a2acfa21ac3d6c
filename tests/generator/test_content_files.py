"""Files that would not be read are reported, not skipped; files that cannot be read or
decoded are reported with their file and line, and every other file is still read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.content.check import check_command
from generator.content.problems import ContentError
from generator.content.readers import UNIT_READERS, LoadCache, load_site, read_content
from generator.content.readers.scan import UNIT_SUFFIXES

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY_UNIT = "91450126MA5L3K2R5Q001P"
REGISTERED = "92450324MA5R2W6X1P001W"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content (4 units, 2 pages)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


@pytest.fixture(params=["plain", "cached"])
def read(request, tmp_path):
    """read_content without and with a (warmed) load cache: both must report the same."""

    def reader(folder: Path):
        if request.param == "plain":
            return read_content(folder)
        read_content(folder, load_cache=LoadCache(tmp_path / "cache", folder))
        return read_content(folder, load_cache=LoadCache(tmp_path / "cache", folder))

    return reader


def _by_file(problems) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in problems:
        found.setdefault(p.file, []).append(p.message)
    return found


def _as_jsonl(content: Path, *codes: str) -> list[str]:
    """Move units ``codes`` into units/export.jsonl, one line each; return the lines."""
    lines = []
    for code in codes:
        path = content / "units" / f"{code}.yaml"
        lines.append(
            json.dumps(jsonable(yaml.safe_load(path.read_text("utf-8"))), ensure_ascii=False)
        )
        path.unlink()
    return lines


def test_the_scan_knows_every_unit_reader():
    assert set(UNIT_SUFFIXES) == set(UNIT_READERS)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("91450999MA5L3K2R5Q001P.YAML", "请改名为 91450999MA5L3K2R5Q001P.yaml"),
        ("a.Yml", "请改名为 a.yml"),
        ("export.JSONL", "请改名为 export.jsonl"),
        ("b.yaml.txt", "请改名为 b.yaml"),
        ("c.jsonl.bak", "请改名为 c.jsonl"),
        ("d.yml.orig", "请改名为 d.yml"),
        ("e.json", "扩展名为 .json"),
        ("f.txt", "扩展名为 .txt"),
        ("noextension", "无扩展名"),
        ("g.csv", ".yaml、.yml、.jsonl"),
    ],
)
def test_unit_files_of_unknown_types_are_reported(content, read, name, hint):
    (content / "units" / name).write_text("name: x\n", encoding="utf-8")
    site, problems = read(content)
    assert len(site.units) == 4
    messages = _by_file(problems)
    assert list(messages) == [f"units/{name}"], messages
    assert hint in messages[f"units/{name}"][0] and "不会被读取" in messages[f"units/{name}"][0]


@pytest.mark.parametrize(
    ("name", "hint"),
    [("guide.MD", "请改名为 guide.md"), ("b.markdown", "扩展名为 .markdown"), ("c.html", ".md")],
)
def test_pages_of_unknown_types_are_reported(content, name, hint):
    (content / "pages" / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    _, problems = read_content(content)
    assert [p.file for p in problems] == [f"pages/{name}"] and hint in problems[0].message


@pytest.mark.parametrize(
    ("name", "folder"), [("site.yml", False), ("README.md", False), ("unit", True), ("page", True)]
)
def test_unknown_entries_at_the_top_are_reported(content, name, folder):
    path = content / name
    path.mkdir() if folder else path.write_text("title: x\n", encoding="utf-8")
    _, problems = read_content(content)
    assert [p.file for p in problems] == [name]
    assert "site.yaml、bodies.yaml、units/、pages/" in problems[0].message


def test_sub_folders_and_special_files_are_reported(content):
    (content / "units" / "2025").mkdir()
    (content / "units" / "2025" / f"{KEY_UNIT}.yaml").write_text("name: x\n", encoding="utf-8")
    os.mkfifo(content / "units" / "pipe.yaml")
    (content / "pages" / "drafts").mkdir()
    _, problems = read_content(content)
    messages = _by_file(problems)
    assert set(messages) == {"units/2025", "units/pipe.yaml", "pages/drafts"}
    assert "子文件夹不会被读取" in messages["units/2025"][0]
    assert "不是普通文件" in messages["units/pipe.yaml"][0]


@pytest.mark.parametrize(
    "name", [".DS_Store", ".gitkeep", f".{KEY_UNIT}.yaml.swp", "a.yaml~", "#a.yaml#", "Thumbs.db"]
)
def test_hidden_files_and_editor_backups_are_passed_over(content, name):
    for folder in (content, content / "units", content / "pages"):
        (folder / name).write_bytes(b"\xff\xfe garbage")
    site = load_site(content)
    assert len(site.units) == 4 and len(site.pages) == 2


def test_a_missing_or_empty_units_folder_is_a_problem(content):
    shutil.rmtree(content / "units")
    with pytest.raises(ContentError) as caught:
        load_site(content)
    assert [p.file for p in caught.value.problems] == ["units"]
    assert "缺少 units 文件夹" in caught.value.problems[0].message
    (content / "units").mkdir()
    (content / "units" / ".gitkeep").touch()
    _, problems = read_content(content)
    assert [p.file for p in problems] == ["units"]
    assert problems[0].message.startswith("units/ 中没有排污单位文件")


def test_symlink_loops_and_dangling_links_are_reported_with_everything_else(content, read):
    units, pages = content / "units", content / "pages"
    (units / "loop.yaml").symlink_to("loop.yaml")
    (units / "a.jsonl").symlink_to("b.jsonl")
    (units / "b.jsonl").symlink_to("a.jsonl")
    (units / "gone.yaml").symlink_to(content / "nowhere.yaml")
    (pages / "loop.md").symlink_to("loop.md")
    (content / "bodies.yaml").unlink()
    (content / "bodies.yaml").symlink_to("bodies.yaml")
    outside = content.parent / "elsewhere.yaml"
    shutil.move(units / f"{REGISTERED}.yaml", outside)
    (units / f"{REGISTERED}.yaml").symlink_to(outside)  # a good link is read
    site, problems = read(content)
    messages = _by_file(problems)
    loops = {"units/loop.yaml", "units/a.jsonl", "units/b.jsonl", "pages/loop.md", "bodies.yaml"}
    assert set(messages) == loops | {"units/gone.yaml"}
    assert all("符号链接循环" in messages[name][0] for name in loops)
    assert "文件不存在" in messages["units/gone.yaml"][0]
    assert len(site.units) == 4 and len(site.pages) == 2


def test_a_units_folder_that_is_a_symlink_loop_is_a_problem(content):
    shutil.rmtree(content / "units")
    (content / "units").symlink_to("units")
    _, problems = read_content(content)
    assert [p.file for p in problems] == ["units"] and "符号链接循环" in problems[0].message


def test_check_lists_files_that_would_not_be_read(content):
    (content / "units" / "x.YAML").write_text("name: x\n", encoding="utf-8")
    (content / "pages" / "loop.md").symlink_to("loop.md")
    result = CliRunner().invoke(check_command, ["--content", str(content)])
    assert result.exit_code == 1
    assert "units/x.YAML 扩展名应为小写 .yaml" in result.output
    assert "pages/loop.md 符号链接循环" in result.output and "共 2 处问题" in result.output


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        ("name: 名称\naddress: 地址\n".encode("gbk"), 1, "GBK"),
        (b"name: ok\n# \xe4\xb8\n" + b"address: x\n", 2, "0xE4"),
        (b"name: ok\n\naddress: \x80\x80\n", 3, "0x80"),
    ],
)
def test_a_yaml_file_not_in_utf8_names_the_line(content, read, raw, line, words):
    (content / "units" / f"{KEY_UNIT}.yaml").write_bytes(raw)
    site, problems = read(content)
    assert [(p.file, p.line) for p in problems] == [(f"units/{KEY_UNIT}.yaml", line)]
    assert words in problems[0].message and "UTF-8" in problems[0].message
    assert len(site.units) == 3


@pytest.mark.parametrize("bad", [b"\xb0\xa1", b"\xff", b"\xe4\xb8", b"\xc0\xaf"])
def test_one_bad_byte_in_a_jsonl_file_loses_only_its_line(content, read, bad):
    lines = _as_jsonl(content, KEY_UNIT, REGISTERED)
    raw = lines[0].encode() + b"\n" + b'{"name": "' + bad + b'"}\n' + lines[1].encode() + b"\n"
    (content / "units" / "export.jsonl").write_bytes(raw)
    site, problems = read(content)
    assert [(p.file, p.line) for p in problems] == [("units/export.jsonl", 2)]
    assert "不是 UTF-8" in problems[0].message and "其余各行照常读取" in problems[0].message
    assert {KEY_UNIT, REGISTERED} <= {u.fixed_source_code for u in site.units}


@pytest.mark.parametrize(
    ("encoding", "words"),
    [("utf-16", "UTF-16 编码"), ("utf-16-be", "空字节"), ("utf-32", "UTF-32 编码")],
)
@pytest.mark.parametrize("name", [f"units/{KEY_UNIT}.yaml", "units/export.jsonl", "pages/about.md"])
def test_utf16_and_utf32_files_are_reported_clearly(content, read, encoding, words, name):
    path = content / name
    text = path.read_text(encoding="utf-8") if path.exists() else _as_jsonl(content, KEY_UNIT)[0]
    path.write_bytes(text.encode(encoding))
    _, problems = read(content)
    assert [p.file for p in problems] == [name]
    assert words in problems[0].message and "另存为 UTF-8" in problems[0].message


def test_a_page_with_a_byte_order_mark_is_read_like_a_unit_file(content):
    for path in [content / "pages" / "about.md", content / "units" / f"{KEY_UNIT}.yaml"]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    site = load_site(content)
    assert {p.slug for p in site.pages} == {"how-to-read", "about"}
    assert site.unit(KEY_UNIT) is not None


def _as_user_without_override(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run the command line in a process that file permissions apply to (root drops its
    override capabilities through setpriv)."""
    command = [sys.executable, "-c", "from generator.cli import main; main()", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to drop root's permission override")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    env = {**os.environ, "YIMATONG_CACHE_DIR": str(cwd / "cache"), "YIMATONG_STATS_FILE": ""}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_unreadable_files_are_reported_and_the_rest_is_read(content, tmp_path):
    unit, page = content / "units" / f"{KEY_UNIT}.yaml", content / "pages" / "about.md"
    (content / "units" / "ab.YAML").write_text("x: 1\n", encoding="utf-8")
    locked = [unit, page, content / "site.yaml"]
    for path in locked:
        path.chmod(0)
    try:
        result = _as_user_without_override(["check", "--content", str(content)], tmp_path)
    finally:
        for path in locked:
            path.chmod(0o644)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for name in (f"units/{KEY_UNIT}.yaml", "pages/about.md", "site.yaml"):
        assert f"{name} 没有读取权限" in result.stdout
    assert "units/ab.YAML 扩展名应为小写" in result.stdout and "共 4 处问题" in result.stdout


def test_an_unreadable_folder_is_reported(content, tmp_path):
    (content / "pages").chmod(0)
    try:
        result = _as_user_without_override(["check", "--content", str(content)], tmp_path)
    finally:
        (content / "pages").chmod(0o755)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "pages 没有读取权限" in result.stdout and "共 1 处问题" in result.stdout


def test_an_unreadable_unit_file_is_reported_by_a_build_with_a_warm_cache(content, tmp_path):
    out, unit = tmp_path / "site", content / "units" / f"{KEY_UNIT}.yaml"
    args = ["build", "--content", str(content), "--out", str(out), "--jobs", "1"]
    assert _as_user_without_override(args, tmp_path).returncode == 0
    unit.chmod(0)
    try:
        result = _as_user_without_override(args, tmp_path)
    finally:
        unit.chmod(0o644)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"units/{KEY_UNIT}.yaml 没有读取权限" in result.stderr


def test_names_that_are_not_utf8_are_reported_printably(content):
    for folder in (b"", b"units/", b"pages/"):
        path = os.path.join(bytes(content), folder + "名录.yaml".encode("gbk"))
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("name: x\n")
    result = CliRunner().invoke(check_command, ["--content", str(content)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if "文件名不是 UTF-8 编码" in line]
    shown = "\\xc3\\xfb¼.yaml"  # c2 bc happens to be UTF-8 (¼)
    assert [line.split(" ")[0] for line in lines] == [shown, f"units/{shown}", f"pages/{shown}"]


def test_a_byte_order_mark_on_any_line_of_an_export_is_accepted(content):
    lines = _as_jsonl(content, KEY_UNIT, REGISTERED)
    raw = b"".join(b"\xef\xbb\xbf" + line.encode() + b"\r\n" for line in lines)
    (content / "units" / "export.jsonl").write_bytes(raw)
    site = load_site(content)
    assert site.unit(REGISTERED).source == "units/export.jsonl:2"


@pytest.mark.parametrize("name", ["units", "pages"])
def test_a_content_folder_that_is_a_file_is_a_problem(content, name):
    shutil.rmtree(content / name)
    (content / name).write_text("name: x\n", encoding="utf-8")
    _, problems = read_content(content)
    assert [(p.file, p.message) for p in problems] == [(name, f"{name} 应为文件夹")]
