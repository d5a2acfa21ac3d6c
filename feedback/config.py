"""Feedback service settings: declared once, read from the environment in one place."""

from __future__ import annotations

import os
from typing import Any

from generator.settings import Setting, coerce, declared


def _shared(name: str) -> Setting:
    """A generator setting under the service's upper-case key (same default, variable, help)."""
    setting = declared(name)
    return Setting(name.upper(), setting.default, setting.help)


#: Every setting of the feedback service, named by its Flask config key (env YIMATONG_<KEY>);
#: docs/feedback.md lists the same table.
FEEDBACK_SETTINGS: tuple[Setting, ...] = (
    Setting("SECRET_KEY", "", "Signs sessions and derives report tokens; required in production."),
    Setting(
        "INSTANCE_PATH", "", "Instance folder (database, uploads, secret); empty means ./instance."
    ),
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy URL; empty means SQLite feedback.sqlite3 in the instance folder.",
    ),
    Setting("SEARCH_INDEX_DIR", "build/search-index", "Search index written by yimatong build."),
    *(_shared(name) for name in ("search_engine", "search_database_url")),
    Setting(
        "SEARCH_REFRESH_SECONDS",
        2,
        "Seconds between a gunicorn worker's checks for a newly built search index, opened "
        "in the background while the old one answers; the worker opens the index as it "
        "starts. 0: opened by the first search instead.",
    ),
    Setting(
        "DIRECTORY_FILE",
        "",
        "Directory file of units and bodies written by yimatong build; empty means beside "
        "SEARCH_INDEX_DIR (build/search-index.directory.jsonl).",
    ),
    Setting(
        "DIRECTORY_CHECK_SECONDS",
        5,
        "Seconds between checks whether a build replaced the directory file (read again then).",
    ),
    Setting("OPEN311_RATE_LIMIT", 100, "Open311 requests one API key may POST per window."),
    Setting("OPEN311_RATE_WINDOW", 3600, "Open311 rate-limit window in seconds."),
    Setting("OPEN311_MAX_RESULTS", 1000, "Most service requests one Open311 GET returns."),
    # The two public addresses are the generator's settings base_url and feedback_url (one
    # declaration, one environment variable each), so the site and the service always agree.
    Setting(
        "BASE_URL",
        declared("base_url").default,
        "Address of the static site, for links to unit pages.",
    ),
    Setting(
        "FEEDBACK_URL",
        declared("feedback_url").default,
        "Public address of this service, used in e-mails.",
    ),
    # The legal deadlines are the generator's declarations too: the citizen's pages show them.
    *(_shared(name) for name in ("accept_days", "conclude_days", "extension_max_days")),
    # What names the province and the site on the service's pages (issue 17: any province).
    Setting(
        "CASE_PREFIX",
        "GX",
        "Letters (1-4, A-Z) that start every tracking number, e.g. GX2026112300042; JL for Jilin.",
    ),
    Setting(
        "SITE_NAME",
        "",
        "Site name in the service's page titles and header; empty: the title the build "
        "published (site.yaml, in the directory file), else 生态环境一码通.",
    ),
    _shared("hotline"),
    Setting("DUE_SOON_DAYS", 3, "Cases due within this many days are marked due soon."),
    # Random draws (双随机, docs/draws.md).
    Setting("DRAW_RECENT_DAYS", 180, "Units drawn within this many days are left out of a draw."),
    Setting(
        "DRAW_POSITIVE_WEIGHT_PERCENT",
        30,
        "Weight (%) of a positive-list unit in a draw; the others weigh 100.",
    ),
    Setting("MAX_PHOTOS", 5, "Photos per report."),
    Setting("MAX_PHOTO_MB", 10, "Largest photo or evidence file in megabytes."),
    Setting("MAX_PHOTO_PIXELS", 50_000_000, "Most pixels of one photo, read from its header."),
    Setting("MAX_PHOTO_FRAMES", 1, "Most frames of one photo; 1 refuses animated images."),
    Setting(
        "MAX_UPLOAD_PIXELS", 120_000_000, "Most pixels one request may decode, all photos together."
    ),
    # Flask's own keys (its defaults, 1000 parts and 500 kB per field, let one post hold
    # 900 fields of 50 kB in memory); set here so they are explicit and from the environment.
    Setting("MAX_FORM_PARTS", 100, "Most fields and files one multipart form may have (413)."),
    Setting(
        "MAX_FORM_MEMORY_SIZE",
        128_000,
        "Most bytes of one text field, or of a whole url-encoded form (413).",
    ),
    Setting(
        "INSPECTION_CHECKLIST",
        "",
        "CSV table of the on-site inspection checklist (code,title,guidance); empty means the "
        "nine items shipped in feedback/inspections/checklist.csv (docs/inspections.md).",
    ),
    Setting(
        "INSPECTION_PDF_FONT",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "TrueType font (.ttf or .ttc, first face) embedded in printed inspection records.",
    ),
    Setting("DRAFT_MAX_HOURS", 24, "Photos kept for a form with errors are deleted after this."),
    Setting("DRAFT_MAX_MB", 50, "Most megabytes of kept (draft) photos per client."),
    Setting(
        "RATE_LIMIT_DRAFT_PHOTOS",
        20,
        "Photos one client may keep for forms with errors per window.",
    ),
    Setting("RATE_LIMIT_REPORTS", 10, "Reports one client may file per window."),
    Setting("RATE_LIMIT_FOLLOWS", 10, "Requests to follow a unit one client may make per window."),
    Setting(
        "FOLLOW_CONFIRM_DAYS",
        7,
        "Days a request to follow a unit waits for its confirmation before it is deleted.",
    ),
    Setting(
        "RATE_LIMIT_LOGINS", 10, "Failed logins one client may make on one account per window."
    ),
    Setting(
        "RATE_LIMIT_LOGINS_CLIENT",
        50,
        "Failed logins one client may make on all accounts per window.",
    ),
    Setting(
        "PROXY_HOPS",
        0,
        "Reverse proxies in front of the service whose X-Forwarded-For/-Proto are trusted (0: none).",
    ),
    Setting(
        "PRODUCTION",
        False,
        "Production mode: Secure cookies, HSTS; refuses to start with a weak secret or debug on.",
    ),
    Setting("RATE_LIMIT_WINDOW", 3600, "Rate-limit window in seconds."),
    Setting("STORAGE", "local", "Where files go: local or s3."),
    Setting(
        "STORAGE_DIR", "", "Local storage folder; empty means uploads/ in the instance folder."
    ),
    Setting("S3_BUCKET", "", "S3 bucket name."),
    Setting("S3_ENDPOINT_URL", "", "S3-compatible endpoint (MinIO, OSS, COS); empty for AWS."),
    Setting("S3_REGION", "us-east-1", "S3 region."),
    Setting("S3_ACCESS_KEY_ID", "", "S3 access key id."),
    Setting("S3_SECRET_ACCESS_KEY", "", "S3 secret access key."),
    Setting("S3_TIMEOUT", 10, "Seconds to wait for the S3 store before answering it is down."),
    Setting("MAIL_ENABLED", False, "Send e-mail at all (off by default in development)."),
    Setting("MAIL_BACKGROUND", True, "Flush the outbox in a background thread after each request."),
    Setting("SMTP_HOST", "localhost", "SMTP server host."),
    Setting("SMTP_PORT", 25, "SMTP server port."),
    Setting("SMTP_USER", "", "SMTP login (empty: no login)."),
    Setting("SMTP_PASSWORD", "", "SMTP password."),
    Setting("SMTP_STARTTLS", False, "Use STARTTLS."),
    Setting("MAIL_FROM", "noreply@yimatong.example", "Sender address of outgoing mail."),
    Setting("MAIL_MAX_ATTEMPTS", 10, "Attempts before a message waits for an operator."),
    Setting(
        "MAIL_KEEP_DAYS",
        30,
        "Days a sent (or given-up) message, with its address, stays in the outbox; "
        "`send-mail` deletes older ones.",
    ),
    Setting(
        "MAIL_CLAIM_TIMEOUT",
        600,
        "Seconds after which a sender's claim on a message is taken over.",
    ),
)


def from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Every setting: the environment's value, else the default."""
    env = os.environ if environ is None else environ
    values = {}
    for s in FEEDBACK_SETTINGS:
        raw = env.get(s.env)
        values[s.name] = s.default if raw is None else coerce(s, raw)
    return values


#: Overrides for tests: no CSRF, no background mail, fixed secret.
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "MAIL_BACKGROUND": False,
}
