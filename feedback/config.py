"""Feedback service settings: declared once, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FeedbackSetting:
    """One service setting: Flask config key, default and help; env YIMATONG_<KEY>."""

    key: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        """Environment variable that overrides the default."""
        return "YIMATONG_" + self.key


#: Every setting of the feedback service; docs/feedback.md lists the same table.
FEEDBACK_SETTINGS: tuple[FeedbackSetting, ...] = (
    FeedbackSetting("SECRET_KEY", "", "Signs sessions and derives report tokens; required in production."),
    FeedbackSetting("INSTANCE_PATH", "", "Instance folder (database, uploads, secret); empty means ./instance."),
    FeedbackSetting("DATABASE_URL", "", "SQLAlchemy URL; empty means SQLite feedback.sqlite3 in the instance folder."),
    FeedbackSetting("CONTENT_DIR", "content", "Folder of units and bodies.yaml (read once at start)."),
    FeedbackSetting("SEARCH_INDEX_DIR", "build/search-index", "Search index written by yimatong build."),
    FeedbackSetting("OPEN311_RATE_LIMIT", 100, "Open311 requests one API key may POST per window."),
    FeedbackSetting("OPEN311_RATE_WINDOW", 3600, "Open311 rate-limit window in seconds."),
    FeedbackSetting("OPEN311_MAX_RESULTS", 1000, "Most service requests one Open311 GET returns."),
    FeedbackSetting("BASE_URL", "http://localhost:8000", "Address of the static site, for links to unit pages."),
    FeedbackSetting("FEEDBACK_URL", "http://localhost:5000", "Public address of this service, used in e-mails."),
    FeedbackSetting("ACCEPT_DAYS", 15, "Days from receipt to decide acceptance."),
    FeedbackSetting("CONCLUDE_DAYS", 60, "Days from acceptance to conclude."),
    FeedbackSetting("EXTENSION_MAX_DAYS", 30, "Longest single extension of the conclusion deadline."),
    FeedbackSetting("DUE_SOON_DAYS", 3, "Cases due within this many days are marked due soon."),
    FeedbackSetting("MAX_PHOTOS", 5, "Photos per report."),
    FeedbackSetting("MAX_PHOTO_MB", 10, "Largest photo or evidence file in megabytes."),
    FeedbackSetting("RATE_LIMIT_REPORTS", 10, "Reports one client may file per window."),
    FeedbackSetting("RATE_LIMIT_LOGINS", 10, "Failed logins one client may make per window."),
    FeedbackSetting("RATE_LIMIT_WINDOW", 3600, "Rate-limit window in seconds."),
    FeedbackSetting("STORAGE", "local", "Where files go: local or s3."),
    FeedbackSetting("STORAGE_DIR", "", "Local storage folder; empty means uploads/ in the instance folder."),
    FeedbackSetting("S3_BUCKET", "", "S3 bucket name."),
    FeedbackSetting("S3_ENDPOINT_URL", "", "S3-compatible endpoint (MinIO, OSS, COS); empty for AWS."),
    FeedbackSetting("S3_REGION", "us-east-1", "S3 region."),
    FeedbackSetting("S3_ACCESS_KEY_ID", "", "S3 access key id."),
    FeedbackSetting("S3_SECRET_ACCESS_KEY", "", "S3 secret access key."),
    FeedbackSetting("MAIL_ENABLED", False, "Send e-mail at all (off by default in development)."),
    FeedbackSetting("MAIL_BACKGROUND", True, "Flush the outbox in a background thread after each request."),
    FeedbackSetting("SMTP_HOST", "localhost", "SMTP server host."),
    FeedbackSetting("SMTP_PORT", 25, "SMTP server port."),
    FeedbackSetting("SMTP_USER", "", "SMTP login (empty: no login)."),
    FeedbackSetting("SMTP_PASSWORD", "", "SMTP password."),
    FeedbackSetting("SMTP_STARTTLS", False, "Use STARTTLS."),
    FeedbackSetting("MAIL_FROM", "noreply@yimatong.example", "Sender address of outgoing mail."),
    FeedbackSetting("MAIL_MAX_ATTEMPTS", 10, "Attempts before a message waits for an operator."),
)


def _coerce(default: Any, raw: str) -> Any:
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Every setting: the environment's value, else the default."""
    env = os.environ if environ is None else environ
    values = {}
    for s in FEEDBACK_SETTINGS:
        raw = env.get(s.env)
        values[s.key] = s.default if raw is None else _coerce(s.default, raw)
    return values


#: Overrides for tests: no CSRF, no background mail, fixed secret.
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "MAIL_BACKGROUND": False,
}
