"""docs/feedback.md lists every setting of the feedback service."""

from pathlib import Path

from feedback.config import FEEDBACK_SETTINGS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented():
    text = (DOCS / "feedback.md").read_text(encoding="utf-8")
    for setting in FEEDBACK_SETTINGS:
        assert f"| `{setting.env}` |" in text, f"docs/feedback.md lacks {setting.env}"


def test_statistics_fields_documented():
    text = (DOCS / "statistics.md").read_text(encoding="utf-8")
    for name in (
        "received_12m",
        "concluded",
        "substantiated",
        "median_days_to_conclude",
        "on_time_rate",
    ):
        assert f"`units.<code>.{name}`" in text or f"`bodies.<id>.{name}`" in text
