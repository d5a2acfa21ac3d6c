"""Second round of YAML messages: raw control characters and hidden line breaks at the
line an editor shows, full-width colons, missing spaces, tabs, duplicate anchors, and keys
with invisible characters, in unit files, pages, bodies.yaml and site.yaml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.readers import read_content

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY = "91450126MA5L3K2R5Q001P"
UNIT = f"units/{KEY}.yaml"
LINE = "legal_representative: 黄志强"  # line 11 of the fixture unit


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A writable copy of the fixture content."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


def edit(content: Path, old: str, new: str, name: str = UNIT) -> None:
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


def one_problem(content: Path):
    _, problems = read_content(content)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("new", "words"),
    [
        ("legal_representative: 黄\x07志强", "控制字符 U+0007"),
        ("legal_representative: 黄\x1b志强", "控制字符 U+001B"),
        ("legal_representative: '黄\x7f志强'", "控制字符 U+007F"),
        ("legal_representative: 黄\x85志强", "换行符 U+0085"),
        ("legal_representative: 黄\u2028志强", "换行符 U+2028"),
        ("legal_representative: '黄\u2029志强'", "换行符 U+2029"),
        ("legal_representative：黄志强", "全角冒号"),
        ("legal_representative:黄志强", "冒号后面要有一个空格"),
    ],
)
def test_unit_file_messages_name_the_line_an_editor_shows(content, new, words):
    edit(content, LINE, new)
    problem = one_problem(content)
    assert (problem.file, problem.line) == (UNIT, 11)
    assert problem.message.startswith("YAML 格式错误") and words in problem.message


def test_hidden_line_breaks_are_counted(content):
    edit(content, LINE, "legal_representative: 黄\u2028志\u2028强")
    assert "全文共 2 个" in one_problem(content).message


def test_a_tab_at_the_start_of_a_line_is_named(content):
    edit(content, "  number: 91450126MA5L3K2R5Q001P", "\tnumber: 91450126MA5L3K2R5Q001P")
    problem = one_problem(content)
    assert problem.line == 14 and "制表符" in problem.message


def test_an_anchor_defined_twice_is_named(content):
    edit(content, LINE, "legal_representative: &a 黄志强\nshort: &a x")
    problem = one_problem(content)
    assert problem.line == 12 and "锚点（&名称）定义了两次" in problem.message


@pytest.mark.parametrize(
    ("name", "old", "new", "line"),
    [
        ("pages/about.md", "summary: ", "summary: 一\u2028", 3),
        ("pages/about.md", "order: 90", "order\uff1a90", 4),
        ("bodies.yaml", "- {id: nn-binyang", "- {id: nn-bin\x08yang", 4),
        ("site.yaml", "issuer: ", "issuer: \u2029", 4),
    ],
)
def test_other_yaml_files_name_the_line_too(content, name, old, new, line):
    edit(content, old, new, name)
    problem = one_problem(content)
    assert (problem.file, problem.line) == (name, line), problem
    assert "YAML 格式错误" in problem.message


def test_a_key_with_a_zero_width_space_says_what_is_wrong_with_it(content):
    edit(content, LINE, "legal_repre\u200bsentative: 黄志强")
    _, problems = read_content(content)
    unknown = [p for p in problems if p.field == "legal_repre\u200bsentative"]
    assert len(unknown) == 1 and "U+200B" in unknown[0].message
    assert "删除后应为 legal_representative" in unknown[0].message


@pytest.mark.parametrize("ch", ["\u2028", "\u2029"])
def test_line_separators_in_json_text_are_invisible_characters(content, ch):
    record = yaml.safe_load((content / UNIT).read_text(encoding="utf-8"))
    (content / UNIT).unlink()
    record["name"] = f"宏达{ch}糖业"
    line = json.dumps(jsonable(record), ensure_ascii=False)
    (content / "units" / "export.jsonl").write_text(line + "\n", encoding="utf-8")
    problem = one_problem(content)
    assert (problem.file, problem.line, problem.field) == ("units/export.jsonl", 1, "name")
    assert f"U+{ord(ch):04X}" in problem.message
