"""Values that raised or were silently accepted while reading are now problems naming the
file, line where known, record and field: impossible dates, numbers too large to be numbers,
keys written twice at any depth, YAML syntax errors at the line to look at."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.content.readers import LoadCache, read_content

from .jsonl import jsonable

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
KEY_UNIT = "91450126MA5L3K2R5Q001P"
REGISTERED = "92450324MA5R2W6X1P001W"
UNIT_FILE = f"units/{KEY_UNIT}.yaml"


@pytest.fixture
def content(tmp_path):
    """A writable copy of the fixture content (4 units, 2 pages)."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "content"))


class Reader:
    """read_content without or with a load cache (``warm`` fills it from good content)."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache

    def __call__(self, folder: Path) -> tuple:
        if self.cache is None:
            return read_content(folder)
        return read_content(folder, load_cache=LoadCache(self.cache, folder))

    def warm(self, folder: Path) -> None:
        """Read ``folder`` once so that its records are in the cache."""
        if self.cache is not None:
            assert not self(folder)[1]


@pytest.fixture(params=["plain", "cached"])
def read(request, tmp_path):
    """Both ways of reading: a record kept by the cache must never hide a problem."""
    return Reader(None if request.param == "plain" else tmp_path / "cache")


def _record(content: Path, code: str = KEY_UNIT) -> dict:
    return yaml.safe_load((content / "units" / f"{code}.yaml").read_text(encoding="utf-8"))


def _edit(content: Path, old: str, new: str, code: str = KEY_UNIT) -> None:
    path = content / "units" / f"{code}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _jsonl(content: Path, records: list[dict]) -> Path:
    path = content / "units" / "export.jsonl"
    lines = [json.dumps(jsonable(r), ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("valid_from: 2023-12-20", "valid_from: 2026-02-30", "permit.valid_from"),
        ("valid_from: 2023-12-20", "valid_from: 2025-02-29", "permit.valid_from"),
        ("valid_to: 2028-12-19", "valid_to: 2028-04-31", "permit.valid_to"),
        ("valid_to: 2028-12-19", "valid_to: 2028-13-01", "permit.valid_to"),
        ("permit: 2026-11-01", "permit: 2026-11-00", "data_as_of.permit"),
        ("valid_from: 2023-12-20", "valid_from: 2026-02-30 08:00:00", "permit.valid_from"),
        ("2026-09-30: 48.3", "2026-09-31: 48.3", "monitoring[1].values"),
    ],
)
def test_impossible_dates_in_yaml_are_problems_of_their_field(content, read, old, new, field):
    read.warm(content)
    _edit(content, old, new)
    site, problems = read(content)
    assert [(p.file, p.record, p.field) for p in problems] == [(UNIT_FILE, KEY_UNIT, field)]
    day = re.search(r"\d{4}-\d\d-\d\d", new).group()
    assert "这一天不存在" in problems[0].message and day in problems[0].message
    assert len(site.units) == 3


@pytest.mark.parametrize("day", ["2026-02-30", "2023-02-29", "2026-06-31", "2026-01-32"])
def test_impossible_dates_in_json_lines_name_the_line(content, day):
    record = _record(content)
    (content / "units" / f"{KEY_UNIT}.yaml").unlink()
    record["permit"]["valid_from"] = day
    _jsonl(content, [_record(content, REGISTERED), record])
    (content / "units" / f"{REGISTERED}.yaml").unlink()
    _, problems = read_content(content)
    assert [(p.line, p.record, p.field) for p in problems] == [(2, KEY_UNIT, "permit.valid_from")]
    assert day in problems[0].message


BIG = "9" * 400


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("stack_height_m: 60", f"stack_height_m: {BIG}", "outlets[DA001].stack_height_m"),
        ("stack_height_m: 60", f"stack_height_m: -{BIG}", "outlets[DA001].stack_height_m"),
        ("stack_height_m: 60", "stack_height_m: " + "1" * 5000, "outlets[DA001].stack_height_m"),
        ("stack_height_m: 60", "stack_height_m: 1.0e+999", "outlets[DA001].stack_height_m"),
        ("amount: 200000", f"amount: {BIG}", "amount"),
        ("limit_max: 100", f"limit_max: {BIG}", "limit_max"),
    ],
)
def test_numbers_too_large_are_problems_of_their_field_in_yaml(content, read, old, new, field):
    _edit(content, old, new)
    site, problems = read(content)
    assert [(p.file, p.record) for p in problems] == [(UNIT_FILE, KEY_UNIT)]
    assert problems[0].field.endswith(field) and "数字超出可用范围" in problems[0].message
    assert len(site.units) == 3


@pytest.mark.parametrize("digits", [400, 4299, 4300, 20000])
def test_numbers_too_large_in_json_lines_name_line_and_field(content, read, digits):
    record = _record(content)
    (content / "units" / f"{KEY_UNIT}.yaml").unlink()
    path = _jsonl(content, [record, record])
    text = path.read_text(encoding="utf-8").split("\n")
    text[1] = text[1].replace('"stack_height_m": 60', f'"stack_height_m": {"7" * digits}', 1)
    path.write_text("\n".join(text), encoding="utf-8")
    site, problems = read(content)
    assert [(p.line, p.field) for p in problems] == [(2, "outlets[DA001].stack_height_m")]
    assert "数字超出可用范围" in problems[0].message
    assert site.unit(KEY_UNIT).source == "units/export.jsonl:1"


def test_too_deep_nesting_is_a_problem_of_its_line(content):
    _jsonl(content, [])
    (content / "units" / "export.jsonl").write_text("[" * 100_000 + "\n", encoding="utf-8")
    _, problems = read_content(content)
    assert [(p.file, p.line) for p in problems] == [("units/export.jsonl", 1)]
    assert "嵌套层数太多" in problems[0].message


@pytest.mark.parametrize(
    ("change", "field", "lines"),
    [
        (lambda t: t + "permit:\n  number: x\n", "permit", None),
        (
            lambda t: t.replace("  status: valid\n", "  status: valid\n  status: revoked\n"),
            "permit.status",
            None,
        ),
        (
            lambda t: t.replace("name: 广西宾阳宏达糖业有限公司\n", "name: 甲\nname: 乙\n", 1),
            "name",
            None,
        ),
        (
            lambda t: t.replace("    type: main\n", "    type: main\n    type: general\n", 1),
            "outlets[1].type",
            None,
        ),
        (
            lambda t: t.replace("2026-09-30: 48.3", "2026-09-30: 48.3, 2026-09-30: 1.0", 1),
            None,
            None,
        ),
        (lambda t: t.replace("industry: {", "industry: {name: 甲, ", 1), "industry.name", None),
    ],
)
def test_keys_written_twice_in_yaml_name_the_key_and_both_lines(
    content, read, change, field, lines
):
    read.warm(content)
    path = content / UNIT_FILE
    text = change(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    site, problems = read(content)
    twice = [p for p in problems if "出现了两次" in p.message]
    assert len(twice) == 1 and twice[0].file == UNIT_FILE and twice[0].record == KEY_UNIT
    key = twice[0].field.rsplit(".", 1)[-1]
    if field is not None:
        assert twice[0].field == field
    first, second = (int(n) for n in _lines(twice[0].message))
    numbered = text.split("\n")
    assert key in numbered[first - 1] and key in numbered[second - 1] and twice[0].line == second
    assert site.unit(KEY_UNIT) is None


def _lines(message: str) -> list[str]:
    return re.findall(r"第 (\d+) 行", message)


@pytest.mark.parametrize(
    ("name", "text", "field"),
    [
        (
            "bodies.yaml",
            '- {id: gx, name: 厅, level: province, areas: ["450000"], id: nn}\n',
            "[1].id",
        ),
        ("site.yaml", 'title: 甲\nprovince: "450000"\ntitle: 乙\n', "title"),
        ("pages/about.md", "---\ntitle: 甲\norder: 1\ntitle: 乙\n---\n正文\n", "title"),
    ],
)
def test_keys_written_twice_in_other_files(content, name, text, field):
    (content / name).write_text(text, encoding="utf-8")
    _, problems = read_content(content)
    twice = [p for p in problems if "出现了两次" in p.message]
    assert [(p.file, p.field) for p in twice] == [(name, field)]
    assert twice[0].line == text.count("\n", 0, text.rindex(field.rsplit(".", 1)[-1] + ":")) + 1


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda line: line.replace('"name": ', '"name": "甲", "name": ', 1), "name"),
        (
            lambda line: line.replace('"permit": {', '"permit": {"status": "valid", ', 1),
            "permit.status",
        ),
        (
            lambda line: line.replace('"type": "main"', '"type": "main", "type": "main"', 1),
            "outlets[1].type",
        ),
        (
            lambda line: line.replace(
                '"2026-09-30": 48.3', '"2026-09-30": 48.3, "2026-09-30": 9', 1
            ),
            "monitoring[1].values.2026-09-30",
        ),
    ],
)
def test_keys_written_twice_in_json_lines_name_line_and_path(content, read, edit, field):
    record = _record(content)
    (content / "units" / f"{KEY_UNIT}.yaml").unlink()
    path = _jsonl(content, [_record(content, REGISTERED), record])
    (content / "units" / f"{REGISTERED}.yaml").unlink()
    read.warm(content)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = edit(lines[1])
    path.write_text("\n".join(lines), encoding="utf-8")
    site, problems = read(content)
    twice = [p for p in problems if "出现了两次" in p.message]
    assert [(p.line, p.record, p.field) for p in twice] == [(2, KEY_UNIT, field)]
    assert site.unit(KEY_UNIT) is None and site.unit(REGISTERED) is not None


def test_an_alias_used_twice_is_no_duplicate(content):
    _edit(content, "industry: {", "industry: &same {")
    _edit(content, "legal_representative:", "extra: *same\nlegal_representative:")
    _, problems = read_content(content)
    assert [p.field for p in problems] == ["extra"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('name: "宏达糖业\naddress: 宾阳县\ncounty: "450126"\n', 1, "可能少了一个引号"),
        ('name: 甲\naddress: "宾阳县\n', 2, "第 2 行开始的引号没有闭合"),
        ("name: 甲\naddress: '宾阳县\nuscc: x\nlegal_representative: 黄\n", 2, "引号没有闭合"),
        ("name: 甲\nshort_names: [宏达, 甲\naddress: x\n", 2, "方括号"),
        ("name: 甲\n\taddress: x\n", 2, "制表符"),
        ("name: 甲\naddress: 宾阳县: 新宾镇\n", 2, "冒号"),
        ("name: 甲\n  address: x\n", 2, ""),
        ("name: 甲\naddress: *nowhere\n", 2, "锚点"),
        ("name: !!python/object:os.system x\n", 1, "标签"),
    ],
)
def test_yaml_syntax_errors_in_chinese_at_the_line_to_look_at(content, text, line, words):
    (content / UNIT_FILE).write_text(text + "# 结尾\n" * 20, encoding="utf-8")
    _, problems = read_content(content)
    assert [(p.file, p.line) for p in problems] == [(UNIT_FILE, line)], [str(p) for p in problems]
    assert problems[0].message.startswith("YAML 格式错误：") and words in problems[0].message


def test_an_unclosed_quote_in_a_page_is_shown_where_it_opened(content):
    text = '---\ntitle: 关于\nsummary: "一句话\norder: 5\n---\n' + "正文\n" * 30
    (content / "pages" / "about.md").write_text(text, encoding="utf-8")
    _, problems = read_content(content)
    assert [(p.file, p.line) for p in problems] == [("pages/about.md", 3)]
    assert "第 3 行开始的引号没有闭合" in problems[0].message


def test_every_problem_of_every_file_is_reported_at_once(content, read):
    read.warm(content)
    _edit(content, "valid_from: 2023-12-20", "valid_from: 2026-02-30")
    _edit(content, "name: ", "name: 甲\nname: ", code=REGISTERED)
    (content / "units" / "91450902MA5K8T4H2R001P.yaml").write_text('name: "x\n', encoding="utf-8")
    (content / "units" / "x.jsonl").write_bytes(b'{"a": 1}\n\xff\n[' + b"[" * 50_000 + b"\n")
    (content / "units" / "y.Yaml").write_text("", encoding="utf-8")
    _, problems = read(content)
    files = {p.file for p in problems}
    assert files >= {UNIT_FILE, f"units/{REGISTERED}.yaml", "units/x.jsonl", "units/y.Yaml"}
    assert "units/91450902MA5K8T4H2R001P.yaml" in files
    assert {p.line for p in problems if p.file == "units/x.jsonl"} == {1, 2, 3}


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ('{"name": }', 10, "缺少值"),
        ('{"name" "x"}', 9, "缺少冒号"),
        ('{"name": "x",}', 14, "字段名应加双引号"),
        ('{"name": "x', 10, "引号没有闭合"),
        ('{"name": "x"} {"name": "y"}', 15, "多余内容"),
        ('{"name": "a\\qb"}', 12, "反斜杠转义"),
        ('{"name": "x" "uscc": "y"}', 14, "缺少逗号"),
    ],
)
def test_json_syntax_errors_in_chinese_with_line_and_column(content, line, column, words):
    (content / "units" / "export.jsonl").write_text(f"\n{line}\n", encoding="utf-8")
    _, problems = read_content(content)
    assert [(p.file, p.line) for p in problems] == [("units/export.jsonl", 2)]
    assert f"第 {column} 列：" in problems[0].message and words in problems[0].message


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_yaml_nested_too_deeply_is_a_problem(content, depth):
    (content / UNIT_FILE).write_text("name: " + "[" * depth + "]" * depth + "\n", "utf-8")
    _, problems = read_content(content)
    assert [p.file for p in problems] == [UNIT_FILE] and "嵌套层数太多" in problems[0].message


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_not_a_number_and_infinity_are_refused(content, value):
    _edit(content, "stack_height_m: 60", f"stack_height_m: {value}")
    _, problems = read_content(content)
    assert [p.field for p in problems] == ["outlets[DA001].stack_height_m"]


@pytest.mark.parametrize(
    ("pair", "key"),
    [
        ("{yes: 1, true: 2}", "true"),
        ("{1: a, 01: b}", "01"),
        ('{2026-02-30: 1, "2026-02-30": 2}', "2026-02-30"),
        ("{name: a, 'name': b}", "name"),
    ],
)
def test_keys_equal_as_read_are_written_twice(content, pair, key):
    _edit(content, "legal_representative:", f"coordinates: {pair}\nlegal_representative:")
    _edit(content, "coordinates: {lat: 22.8823, lon: 108.9512}\n", "")
    _, problems = read_content(content)
    twice = [p for p in problems if "出现了两次" in p.message]
    assert [p.field for p in twice] == [f"coordinates.{key}"]


def test_merge_keys_override_without_a_problem(content):
    _edit(content, "industry: {", "industry: &base {")
    _edit(content, "county:", "x_industry:\n  <<: *base\n  name: 别的\ncounty:")
    _, problems = read_content(content)
    assert [p.field for p in problems] == ["x_industry"]


def _break_yaml_by_utf16(content: Path) -> str:
    path = content / UNIT_FILE
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return "UTF-16 编码"


def _break_yaml_by_loop(content: Path) -> str:
    (content / UNIT_FILE).unlink()
    (content / UNIT_FILE).symlink_to(Path(UNIT_FILE).name)
    return "符号链接循环"


def _break_yaml_by_a_second_block(content: Path) -> str:
    path = content / UNIT_FILE
    path.write_text(path.read_text(encoding="utf-8") + "name: 另一个名称\n", encoding="utf-8")
    return "出现了两次"


def _break_yaml_by_gbk(content: Path) -> str:
    path = content / UNIT_FILE
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    return "GBK"


@pytest.mark.parametrize(
    "breaking",
    [_break_yaml_by_utf16, _break_yaml_by_loop, _break_yaml_by_a_second_block, _break_yaml_by_gbk],
)
def test_a_cached_unit_file_that_went_bad_is_reported(content, tmp_path, breaking):
    cached = Reader(tmp_path / "cache")
    cached.warm(content)
    words = breaking(content)
    site, problems = cached(content)
    assert [p.file for p in problems] == [UNIT_FILE] and words in problems[0].message
    assert site.unit(KEY_UNIT) is None and len(site.units) == 3


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (b"\xe6\x9c\x89\xe9\x99\x90", b"\xd3\xd0\xcf\xde", "不是 UTF-8"),  # 有限 in GBK
        (b'"name": ', b'"name": "x", "name": ', "出现了两次"),
        (b'"name": "', b'"name": "\\ud800', "代理码"),
        (b'"stack_height_m": 60', b'"stack_height_m": ' + b"6" * 400, "数字超出可用范围"),
    ],
)
def test_a_cached_export_line_that_went_bad_is_reported(content, tmp_path, old, new, words):
    record = _record(content)
    (content / UNIT_FILE).unlink()
    path = _jsonl(content, [record])
    cached = Reader(tmp_path / "cache")
    cached.warm(content)
    raw = path.read_bytes()
    assert old in raw
    path.write_bytes(raw + raw.replace(old, new, 1))  # line 1 from the cache, line 2 bad
    site, problems = cached(content)
    assert {p.line for p in problems} == {2} and words in problems[0].message
    assert site.unit(KEY_UNIT).source == "units/export.jsonl:1"


def test_an_invalid_unicode_escape_in_yaml_is_a_syntax_problem(content):
    _edit(content, "name: 广西宾阳宏达糖业有限公司", 'name: "宏达\\ud800"')
    _, problems = read_content(content)
    assert [(p.file, p.line) for p in problems] == [(UNIT_FILE, 2)]
    assert "无效的 Unicode 转义" in problems[0].message


@pytest.mark.parametrize("char", ["\\0", "\\x01", "\\e", "\\x7f", "\\x85", "\\x1f"])
def test_invisible_control_characters_in_texts_are_problems(content, char):
    _edit(content, "name: 广西宾阳宏达糖业有限公司", f'name: "宏达{char}糖业"')
    _edit(content, "short_names: [宏达糖厂]", f'short_names: ["宏达", "糖{char}厂"]')
    _, problems = read_content(content)
    assert [p.field for p in problems] == ["name", "short_names[2]"]
    assert "第3个字符" in problems[0].message and "第2个字符" in problems[1].message
    assert all("不可见字符" in p.message for p in problems)


def test_tabs_and_line_ends_in_texts_are_fine(content):
    _edit(content, "name: 广西宾阳宏达糖业有限公司", 'name: "广西宾阳宏达糖业有限公司\\t"')
    _edit(content, "findings: 废水在线监测设备数据异常", 'findings: "数据异常\\r\\n第二行"')
    _, problems = read_content(content)
    assert problems == []


def test_control_characters_in_json_lines_are_problems(content):
    record = _record(content)
    (content / UNIT_FILE).unlink()
    record["address"] = "宾阳县\u0007黎塘镇"
    _jsonl(content, [record])
    _, problems = read_content(content)
    assert [(p.line, p.field) for p in problems] == [(1, "address")]
    assert "U+0007" in problems[0].message
