"""Text analysis, query checks and highlighting."""

from __future__ import annotations

import pytest

from generator.search.highlight import mark
from generator.search.query import MAX_LENGTH, SYNTAX_IGNORED, UNPAIRED, QueryError, parse
from generator.search.text import exact_key, fold, grams, runs


def test_runs_split_on_punctuation_and_fold_full_width():
    assert runs("桂环罚〔2024〕12号 ＡＢＣ１２３ DA001　pH值") == [
        "桂环罚",
        "2024",
        "12号",
        "abc123",
        "da001",
        "ph值",
    ]


def test_fold_keeps_length():
    for text in ["İstanbul", "ＡＢＣ", "宏达糖业", "Straße"]:
        assert len(fold(text)) == len(text)


def test_grams_are_two_character_pieces_and_last_characters():
    assert grams("宏达糖业") == {"宏达", "达糖", "糖业", "业"}
    assert grams("厂 A1") == {"厂", "a1", "1"}


def test_exact_key_ignores_spaces_and_punctuation():
    assert exact_key(" 广西（宾阳）宏达 ") == exact_key("广西(宾阳)宏达") == "广西宾阳宏达"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("宏" * (MAX_LENGTH + 1), "too_long"),
        ("!!!", "no_text"),
        ("“”", "no_text"),
        ("*:()", "no_text"),
        ("，。、", "no_text"),
        ("a", "too_short"),
        ("1 2", "too_short"),
    ],
)
def test_bad_queries_raise_with_a_message(raw, code):
    with pytest.raises(QueryError) as caught:
        parse(raw)
    assert caught.value.code == code
    assert caught.value.message


def test_unpaired_quote_and_syntax_give_notices():
    assert UNPAIRED in parse('"宏达糖业').notices
    assert UNPAIRED in parse("“宏达").notices
    assert UNPAIRED not in parse("“宏达”").notices
    assert SYNTAX_IGNORED in parse("宏达 AND 糖业").notices
    assert SYNTAX_IGNORED in parse("name:宏达*").notices
    assert [f.text for f in parse("name:宏达*").fragments] == ["宏达"]


def test_code_fragments_are_recognised():
    query = parse("91450126ma5l3k2r5q001p")
    assert query.full_code == "91450126MA5L3K2R5Q001P"
    assert parse("91450126MA5L3K2R5Q").full_code == "91450126MA5L3K2R5Q"
    assert parse("9145").fragments[0].code == "9145"
    assert parse("宏达").fragments[0].code == ""


def test_mark_escapes_everything_and_marks_matches():
    html = str(mark('<script>宏达</script>&"糖业', ["宏达", "糖业"]))
    assert html == "&lt;script&gt;<mark>宏达</mark>&lt;/script&gt;&amp;&quot;<mark>糖业</mark>"


def test_mark_falls_back_to_pieces_and_folds_case():
    assert str(mark("宏达糖业", ["宏达业"])) == "<mark>宏达</mark>糖业"
    assert str(mark("DW001 废水", ["dw001"])) == "<mark>DW001</mark> 废水"
