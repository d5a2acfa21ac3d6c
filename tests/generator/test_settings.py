"""The settings table is the single source of defaults, and the docs follow it."""

from pathlib import Path

from generator import settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented_with_its_default():
    text = DOCS.read_text(encoding="utf-8")
    for setting in settings.SETTINGS:
        row = f"| `{setting.name}` | `{setting.default}` |"
        assert row in text, f"docs/settings.md lacks the row for {setting.name}: {row}"
        assert setting.env in text


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("YIMATONG_EXPIRING_DAYS", "30")
    assert settings.get("expiring_days") == 30
    assert settings.get("expiring_days", {"expiring_days": 10}) == 10


def test_resolve_has_every_setting():
    assert set(settings.resolve()) == {s.name for s in settings.SETTINGS}
