"""The checklist table: the nine items by default, a table of one's own, every fault at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.app import create_app
from feedback.config import TEST_CONFIG
from feedback.inspections.checklist import ChecklistError, load, parse
from tests.feedback.conftest import BINYANG
from tests.feedback.inspection_helpers import inspection, started

DOMAIN_ITEMS = [
    "排放口规范化建设",
    "污染物排放去向",
    "浓度和排放量",
    "污染防治设施运行和维护",
    "无组织排放控制",
    "环境管理台账",
    "排污许可证执行报告",
    "自行监测数据",
    "信息公开内容",
]


def test_the_default_is_the_nine_items_of_the_jilin_notice():
    assert [i.title for i in load("")] == DOMAIN_ITEMS


def _table(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "checklist.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_table_of_ones_own_is_what_inspections_ask(tmp_path, make_app, password_hash):
    path = _table(tmp_path, "\ufeffcode,title\n\nnoise,厂界噪声\nsolid,固体废物贮存\n")
    app = make_app(INSPECTION_CHECKLIST=str(path))
    from feedback.extensions import db
    from feedback.models import Account

    with app.app_context():
        db.session.add(
            Account(login="b", password_hash=password_hash, role="officer", body_id="nn-binyang")
        )
        db.session.commit()
    client = app.test_client()
    client.post("/officer/login", data={"login": "b", "password": "correct-horse-1"})
    found = inspection(app, started(client, BINYANG))
    assert [(a.item, a.title) for a in found.answers] == [
        ("noise", "厂界噪声"),
        ("solid", "固体废物贮存"),
    ]


BAD_TABLES = {
    "missing title column": ("code\nx\n", ["第 1 行：缺少列 title"]),
    "unknown column": ("code,title,titel\nx,一\n", ["第 1 行：未知的列 titel"]),
    "empty header": ("", ["第 1 行：表头为空"]),
    "only a header": ("code,title\n", ["：没有任何检查项"]),
    "duplicate code": (
        "code,title\nnoise,噪声\nsolid,固废\nnoise,噪声二\n",
        ["第 4 行 [noise] code：与第 2 行重复"],
    ),
    "empty title": ("code,title\nnoise,\n", ["第 2 行 [noise] title：检查项名称不能为空"]),
    "bad code": ("code,title\n噪声,噪声\n", ["第 2 行 [噪声] code：“噪声”不可用"]),
    "code with a dash": (
        "code,title\nself-monitoring,自行监测\n",
        ["第 2 行 [self-monitoring] code：“self-monitoring”不可用"],
    ),
    "title too long": (
        "code,title\nx," + "长" * 61 + "\n",
        ["第 2 行 [x] title：检查项名称超过 60 个字"],
    ),
    "too many cells": ("code,title\nx,一,多余\n", ["第 2 行：有 3 列，表头只有 2 列"]),
    "quoted line break counts": (
        'code,title\na,"两\n行"\n,空代码\n',
        ["第 4 行 [?] code：“”不可用"],
    ),
    "every problem at once": (
        "code,title\nA,一\nb,\nb,二\n",
        ["第 2 行 [A] code", "第 3 行 [b] title", "第 4 行 [b] code：与第 3 行重复"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_TABLES), ids=list(BAD_TABLES))
def test_a_bad_table_names_file_line_and_field(tmp_path, case):
    text, expected = BAD_TABLES[case]
    path = _table(tmp_path, text)
    with pytest.raises(ChecklistError) as caught:
        load(str(path))
    message = str(caught.value)
    assert message.startswith("检查项表有误")
    for part in expected:
        assert f"{path} {part}" in message or f"{path}{part}" in message, (case, message)


def test_a_table_not_in_utf8_or_missing_is_named(tmp_path):
    path = _table(tmp_path, "code,title\nnoise,噪声\n", "gbk")
    with pytest.raises(ChecklistError, match="不是 UTF-8 编码"):
        load(str(path))
    with pytest.raises(ChecklistError, match=r"nowhere\.csv：文件不存在"):
        load(str(tmp_path / "nowhere.csv"))


def test_the_service_does_not_start_with_a_bad_table(tmp_path, fixture_directory):
    path = _table(tmp_path, "code,title\nnoise,\n")
    config = {
        **TEST_CONFIG,
        "DIRECTORY_FILE": fixture_directory,
        "INSTANCE_PATH": tmp_path / "instance",
        "INSPECTION_CHECKLIST": str(path),
    }
    with pytest.raises(ChecklistError, match=r"第 2 行 \[noise\] title"):
        create_app(config)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab,\n"\r\ufeff 噪_1\x00'), max_size=60))
def test_any_text_is_a_table_or_a_chinese_refusal(text):
    try:
        items = parse(text, Path("t.csv"))
    except ChecklistError as exc:
        assert exc.problems and all(p.startswith("t.csv") for p in exc.problems)
    else:
        assert items and len({i.code for i in items}) == len(items)
