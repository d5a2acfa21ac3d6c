"""docs/feedback.md's settings table says exactly what feedback.config declares."""

from __future__ import annotations

from pathlib import Path

from feedback.config import FEEDBACK_SETTINGS
from generator.settings import markdown_table, with_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "feedback.md"


def _shown(default: object) -> str:
    """How the table writes a default: (empty), `text`, or the bare number / boolean."""
    if default == "":
        return "(empty)"
    if isinstance(default, str):
        return f"`{default}`"
    return str(default)


def _table() -> dict[str, tuple[str, str]]:
    """Rows of the settings table: variable -> (default, meaning)."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[0].startswith("`YIMATONG_"):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


def test_the_docs_table_is_written_from_the_declarations():
    """scripts/settings-docs writes the table; this holds it to feedback.config."""
    text = DOCS.read_text(encoding="utf-8")
    table = markdown_table(FEEDBACK_SETTINGS, by_name=False)
    assert with_table(text, "feedback", table) == text, "run scripts/settings-docs"


def test_table_rows_match_the_declared_settings():
    table = _table()
    declared = {s.env: (_shown(s.default), s.help) for s in FEEDBACK_SETTINGS}
    assert sorted(table) == sorted(declared), "docs/feedback.md and feedback.config differ"
    for env, row in declared.items():
        assert table[env] == row, f"docs/feedback.md row for {env} is out of date"


def test_security_settings_are_explained():
    text = DOCS.read_text(encoding="utf-8")
    for word in ("PROXY_HOPS", "RATE_LIMIT_LOGINS_CLIENT", "PRODUCTION", "MAIL_CLAIM_TIMEOUT"):
        assert text.count(word) >= 2, f"{word} is only in the table, not explained"
