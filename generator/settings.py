"""Settings declared once: name, default and help, overridable from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, default value and the help a newcomer reads."""

    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        """Environment variable that overrides the default."""
        return "YIMATONG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url",
        "http://localhost:8000",
        "Absolute address of the published site; QR codes encode it.",
    ),
    Setting(
        "feedback_url",
        "http://localhost:5000",
        "Address of the feedback service (reports, search).",
    ),
    Setting(
        "feedback_origin", "", "Origin Netlify proxies service paths to (default: feedback_url)."
    ),
    Setting("content_dir", "content", "Folder of source records and pages."),
    Setting("out_dir", "build/site", "Folder the static site is written to."),
    Setting(
        "cache_dir", "build/cache", "Folder for caches kept between builds (QR codes, hashes)."
    ),
    # The legal deadlines of a report (DOMAIN.md): the service counts with them and the
    # citizen's pages show them, both from this one declaration.
    Setting("accept_days", 15, "Days from receipt to decide acceptance."),
    Setting("conclude_days", 60, "Days from acceptance to conclude."),
    Setting("extension_max_days", 30, "Longest single extension of the conclusion deadline."),
    Setting(
        "max_unit_drop_percent",
        10,
        "A build that would drop more than this share (%) of the units of the site last "
        "published into the same folder is refused (build --allow-drop to go ahead).",
    ),
    Setting("qr_error", "q", "QR error correction level: q (25%) or h (30%)."),
    Setting("qr_border", 4, "QR quiet zone in modules."),
    Setting(
        "search_index_dir",
        "build/search-index",
        "Folder of the whoosh search index (not published).",
    ),
    Setting(
        "search_engine",
        "embedded",
        "Search engine the service queries: embedded (the index folder) or postgresql "
        "(search_database_url, loaded by the build's search step too).",
    ),
    Setting(
        "search_database_url",
        "",
        "PostgreSQL URL of the search tables (postgresql+psycopg://user@host/db); empty means "
        "the service's DATABASE_URL. The build loads it when search_engine is postgresql.",
    ),
    Setting(
        "monitoring_db",
        "build/monitoring.duckdb",
        "DuckDB file of the automatic-monitoring values `yimatong monitoring import` keeps.",
    ),
    # The early-warning rules (generator/monitoring/rules.py, docs/monitoring.md): hours.
    Setting(
        "warnings_file",
        "build/monitoring-warnings.jsonl",
        "Warnings file `yimatong monitoring warnings` writes and the service imports.",
    ),
    Setting("warn_daily_valid_hours", 20, "Valid (N) hours a day needs for its mean to be judged."),
    Setting("warn_sustained_hours", 4, "Consecutive hours above the limit that warn (持续超标)."),
    Setting("warn_flatline_hours", 6, "Consecutive hours of one same value that warn (数值不变)."),
    Setting("warn_zero_hours", 4, "Consecutive normal-flagged hours at or below zero that warn."),
    Setting("warn_gap_hours", 6, "Consecutive hours without data that warn (数据中断)."),
    Setting("warn_flag_hours_month", 72, "More M/C/S-flagged hours than this in a month warn."),
    Setting(
        "warn_corrected_below_hours",
        3,
        "Consecutive hours of a corrected concentration below the measured one that warn.",
    ),
    Setting(
        "warn_merge_hours",
        24,
        "A finding this many hours or less after a warning of the same rule, outlet and "
        "pollutant extends it instead of opening a new one.",
    ),
    Setting(
        "warn_lookback_hours",
        48,
        "Hours read before --since, so that runs crossing it are seen whole.",
    ),
    Setting("stats_file", "", "Public report statistics JSON written by the feedback service."),
    Setting(
        "ledger_file",
        "",
        "Public problem ledger JSON written by `yimatong feedback ledger export`.",
    ),
    Setting(
        "draws_file",
        "",
        "Public list of random draws written by `yimatong feedback draws export`.",
    ),
    # Nearby published units on unit and outlet pages (generator/pages/nearby.py).
    Setting("nearby_count", 5, "Most nearby published units a unit or outlet page lists."),
    Setting("nearby_radius_m", 5000, "Metres within which a published unit counts as nearby."),
    Setting("hotline", "12369", "Environmental complaints hotline printed on signs and pages."),
    Setting("gate_sign_mm", "600x400", "Gate signboard size in millimetres (width x height)."),
    Setting("outlet_sign_mm", "480x300", "Outlet prompt signboard size in millimetres."),
    Setting("sign_bleed_mm", 3, "Bleed around each signboard in millimetres."),
    # The daily cycle (generator/cycle.py) publishes when a bucket is set.
    Setting("publish_bucket", "", "Bucket `yimatong cycle` publishes to; empty: no publish step."),
    Setting("publish_prefix", "", "Key prefix (folder) in the bucket for `yimatong cycle`."),
    Setting(
        "publish_endpoint_url", "", "S3-compatible endpoint for `yimatong cycle`; empty for AWS."
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def declared(name: str) -> Setting:
    """The one declaration of setting ``name`` (the feedback service reuses some, e.g. base_url)."""
    return _BY_NAME[name]


def coerce(setting: Setting, raw: str) -> Any:
    """Turn an environment string into the type of the setting's default."""
    if isinstance(setting.default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(setting.default, int):
        return int(raw)
    return raw


def get(name: str, overrides: dict[str, Any] | None = None) -> Any:
    """Value of setting ``name``: an explicit override, else the environment, else the default."""
    setting = _BY_NAME[name]
    if overrides and overrides.get(name) is not None:
        return overrides[name]
    raw = os.environ.get(setting.env)
    return setting.default if raw is None else coerce(setting, raw)


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """All settings resolved at once."""
    return {s.name: get(s.name, overrides) for s in SETTINGS}


def _shown(default: Any) -> str:
    """How a docs table writes a default: (empty), `text`, or the bare number or boolean."""
    if default == "":
        return "(empty)"
    return f"`{default}`" if isinstance(default, str) else str(default)


def markdown_table(table: tuple[Setting, ...], *, by_name: bool = True) -> str:
    """The docs' table of ``table``: name, default, environment variable and meaning."""
    head = (
        "| name | default | environment | meaning |"
        if by_name
        else "| variable | default | meaning |"
    )
    lines = [head, "|---|---|---|---|" if by_name else "|---|---|---|"]
    for s in table:
        cells = [f"`{s.name}`"] if by_name else []
        cells += [_shown(s.default), f"`{s.env}`"] if by_name else [f"`{s.env}`", _shown(s.default)]
        lines.append("| " + " | ".join([*cells, s.help]) + " |")
    return "\n".join(lines) + "\n"


def with_table(text: str, name: str, table: str) -> str:
    """``text`` with the block between ``<!-- settings:NAME -->`` and its end marker replaced."""
    start, end = f"<!-- settings:{name} -->\n", f"<!-- /settings:{name} -->"
    if start not in text or end not in text:
        raise ValueError(f"the docs lack the markers of the {name} settings table")
    before, rest = text.split(start, 1)
    return before + start + table + end + rest.split(end, 1)[1]
