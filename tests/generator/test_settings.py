"""The settings table is the single source of defaults, and the docs follow it."""

from pathlib import Path

from generator import settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_the_docs_table_is_the_declared_table():
    """docs/settings.md's table is written from settings.SETTINGS (scripts/settings-docs)."""
    text = DOCS.read_text(encoding="utf-8")
    table = settings.markdown_table(settings.SETTINGS)
    assert settings.with_table(text, "generator", table) == text, "run scripts/settings-docs"
    for setting in settings.SETTINGS:
        assert f"| `{setting.name}` |" in text and setting.env in text


def test_a_changed_default_shows_in_the_generated_table():
    changed = (settings.Setting("expiring_days", 45, "Permits ending soon."),)
    assert "| `expiring_days` | 45 | `YIMATONG_EXPIRING_DAYS` | Permits ending soon. |" in (
        settings.markdown_table(changed)
    )


def test_docs_without_markers_are_refused():
    import pytest

    with pytest.raises(ValueError, match="markers"):
        settings.with_table("no table here", "generator", "| x |\n")


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("YIMATONG_ACCEPT_DAYS", "10")
    assert settings.get("accept_days") == 10
    assert settings.get("accept_days", {"accept_days": 7}) == 7


def test_resolve_has_every_setting():
    assert set(settings.resolve()) == {s.name for s in settings.SETTINGS}
