"""Amounts read the same everywhere: unit page, penalties listing, feeds, search, follower mail."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.amounts import amount_text, yuan


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (200000, "200,000"),
        (200000.0, "200,000"),
        (1234.5, "1,234.5"),
        (1234.56, "1,234.56"),
        (0.1, "0.1"),
        (0, "0"),
        (999.999, "1,000"),  # fen are the smallest unit shown
        (None, ""),
    ],
)
def test_amount_text(value, text):
    assert amount_text(value) == text
    assert yuan(value) == (f"{text} 元" if text else "")


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_any_amount_in_fen_reads_back(whole, fen):
    value = whole + fen / 100
    text = amount_text(value)
    assert float(text.replace(",", "")) == pytest.approx(round(value, 2))
    assert not text.endswith(".") and not (("." in text) and text.endswith("0"))
