"""Money as every page, feed, mail and search result writes it: "200,000 元", "1,234.5 元".

Penalty amounts are yuan with at most fen (two decimals): whole amounts without decimals,
others with as many as they need, thousands separated by commas. One function, so an amount
reads the same on the unit page, the penalties listing, the search results and a feed.
"""

from __future__ import annotations


def amount_text(value: float | int | None) -> str:
    """The number of yuan as shown: 200000 → "200,000", 1234.5 → "1,234.5"; "" for none."""
    if value is None:
        return ""
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def yuan(value: float | int | None) -> str:
    """The amount with its unit: "200,000 元"; "" for none."""
    text = amount_text(value)
    return f"{text} 元" if text else ""
