"""The early-warning rules in the store's SQL (DuckDB): window functions over the hourly values.

With ``store.py`` the only module that knows the engine: a server engine (ClickHouse,
TimescaleDB) rewrites these statements, not ``rules.py`` or the callers. Every rule gives the
hours (or days) it finds, one row each, with the same columns and the series by its number
``sid`` (its row of ``limits``); ``FOUND`` names them, ``ISLANDS`` and ``FILE`` file them
under warnings (docs/monitoring.md, "Warnings").

Parameters: ``$lo`` .. ``$hi`` the hours judged (China time as sent), ``$mlo`` the start of
``$lo``'s month (the flags rule counts whole months, reading only the flagged hours), the
thresholds by their names in ``rules.Thresholds``. Table ``limits``: one row per
``rules.Limit``, numbered ``sid``.
"""

from __future__ import annotations

TABLES = """
CREATE TABLE IF NOT EXISTS warnings (
    id VARCHAR PRIMARY KEY, rule VARCHAR, unit_code VARCHAR, outlet VARCHAR, mn VARCHAR,
    code VARCHAR, limit_max DOUBLE, limit_min DOUBLE, averaging VARCHAR,
    first TIMESTAMP, last TIMESTAMP, revision INTEGER, created_at TIMESTAMP,
    updated_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS warning_hours (
    warning VARCHAR, rule VARCHAR, unit_code VARCHAR, outlet VARCHAR, code VARCHAR,
    hour TIMESTAMP, span INTEGER, value DOUBLE, other DOUBLE, flag VARCHAR);
CREATE TABLE IF NOT EXISTS warning_runs (
    ran_at TIMESTAMP, lo TIMESTAMP, hi TIMESTAMP, found INTEGER, added INTEGER,
    extended INTEGER);
"""

#: The hourly values of the monitored pollutants, with their limits; ``conc`` is what a limit
#: is judged on (the corrected concentration of flue gas when sent, else the average). A
#: series is its number ``sid`` in ``limits``: the windows partition and sort by one integer,
#: and the names (unit, outlet, MN) are joined back only to what the rules find (``FOUND``).
HOURS = """
CREATE OR REPLACE TEMP TABLE h AS
SELECT *, lag(hour) OVER w AS prior, lag(avg) OVER w AS prior_avg,
    lag(flag) OVER w AS prior_flag
FROM (
    SELECT l.sid, r.start AS hour, r.flag, r.avg, r.zs_avg,
        CASE WHEN l.gas AND r.zs_avg IS NOT NULL THEN r.zs_avg ELSE r.avg END AS conc,
        l.limit_max, l.limit_min, l.averaging, l.gas
    FROM readings r JOIN limits l ON r.mn = l.mn AND r.code = l.code
    WHERE r.cn = '2061' AND r.start BETWEEN $lo AND $hi)
WINDOW w AS (PARTITION BY sid ORDER BY hour)
"""

_BASE = "sid"
_OUT = "(conc > limit_max OR conc < limit_min)"


def _runs(rule: str, where: str, least: str, value: str, other: str = "NULL") -> str:
    """The hours of runs of at least ``$least`` consecutive hours that meet ``where``."""
    part = "PARTITION BY sid"
    return f"""
SELECT '{rule}' AS rule, {_BASE}, hour, 1 AS span, value, other, flag FROM (
    SELECT *, count(*) OVER ({part}, island) AS run FROM (
        SELECT *, {value} AS value, CAST({other} AS DOUBLE) AS other,
            hour - to_hours(CAST(row_number() OVER ({part} ORDER BY hour) AS BIGINT)) AS island
        FROM h WHERE hour >= $lo AND ({where})))
WHERE run >= ${least}"""


_EXCEED_HOUR = f"""
SELECT 'exceed' AS rule, {_BASE}, hour, 1 AS span, conc AS value, CAST(NULL AS DOUBLE) AS other,
    flag
FROM h WHERE hour >= $lo AND averaging = 'hour' AND flag = 'N' AND {_OUT}"""

_EXCEED_DAY = f"""
SELECT 'exceed' AS rule, {_BASE}, CAST(date_trunc('day', hour) AS TIMESTAMP) AS hour,
    24 AS span, avg(conc) AS value, CAST(count(*) AS DOUBLE) AS other, 'N' AS flag
FROM h WHERE hour >= $lo AND averaging = 'day' AND flag = 'N'
GROUP BY sid, limit_max, limit_min, date_trunc('day', hour)
HAVING count(*) >= $daily_valid_hours AND (avg(conc) > limit_max OR avg(conc) < limit_min)"""

#: Hours without a reading, or with only a communication fault (B), of the series that sent
#: something in the window: between two hours sent, before the first, after the last to $hi.
_MISSING = f"""
SELECT {_BASE}, unnest(range(greatest(coalesce(prior, $lo - INTERVAL 1 HOUR), $lo - INTERVAL 1 HOUR)
    + INTERVAL 1 HOUR, hour, INTERVAL 1 HOUR)) AS hour
FROM h WHERE hour >= $lo AND (prior IS NULL OR prior < $lo OR hour - prior > INTERVAL 1 HOUR)
UNION ALL
SELECT {_BASE}, hour FROM h WHERE hour >= $lo AND flag = 'B'
UNION ALL
SELECT {_BASE}, unnest(range(newest + INTERVAL 1 HOUR, $hi + INTERVAL 1 HOUR,
    INTERVAL 1 HOUR)) AS hour
FROM (SELECT {_BASE}, max(hour) AS newest FROM h WHERE hour >= $lo GROUP BY sid)"""

_GAP = f"""
SELECT 'gap' AS rule, {_BASE}, hour, 1 AS span, CAST(NULL AS DOUBLE) AS value,
    CAST(NULL AS DOUBLE) AS other, CAST(NULL AS VARCHAR) AS flag FROM (
    SELECT *, count(*) OVER (PARTITION BY sid, island) AS run FROM (
        SELECT *, hour - to_hours(CAST(row_number() OVER (
            PARTITION BY sid ORDER BY hour) AS BIGINT)) AS island
        FROM ({_MISSING})))
WHERE run >= $gap_hours"""

#: Hours of one same value as the hour before, then the runs of them (a run of N hours of
#: one value is N - 1 such hours, and the hour before the first).
_FLATLINE = f"""
SELECT DISTINCT 'flatline' AS rule, {_BASE}, unnest([hour - INTERVAL 1 HOUR, hour]) AS hour,
    1 AS span, avg AS value, CAST(NULL AS DOUBLE) AS other, 'N' AS flag
FROM (
    SELECT *, count(*) OVER (PARTITION BY sid, island) AS run FROM (
        SELECT *, hour - to_hours(CAST(row_number() OVER (
            PARTITION BY sid ORDER BY hour) AS BIGINT)) AS island
        FROM h WHERE hour > $lo AND flag = 'N' AND prior_flag = 'N' AND avg > 0
            AND avg = prior_avg AND hour - prior = INTERVAL 1 HOUR))
WHERE run >= $flatline_hours - 1"""

_SILENT = """
SELECT 'silent' AS rule, l.sid,
    unnest(range(CAST(date_trunc('day', $lo) AS TIMESTAMP), $hi + INTERVAL 1 HOUR,
        INTERVAL 1 DAY)) AS hour,
    24 AS span, CAST(NULL AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS other,
    CAST(NULL AS VARCHAR) AS flag
FROM limits l ANTI JOIN (SELECT DISTINCT sid FROM h WHERE hour >= $lo) p ON l.sid = p.sid"""

_FLAGS = """
SELECT 'flags' AS rule, sid, hour, 1 AS span, value, CAST(NULL AS DOUBLE) AS other, flag
FROM (
    SELECT l.sid, r.start AS hour, r.avg AS value, r.flag,
        count(*) OVER (PARTITION BY l.sid, date_trunc('month', r.start)) AS n
    FROM readings r JOIN limits l ON r.mn = l.mn AND r.code = l.code
    WHERE r.cn = '2061' AND r.start BETWEEN $mlo AND $hi AND r.flag IN ('M', 'C', 'S'))
WHERE n > $flag_hours_month"""

#: Each rule's statement, by the rule's id (rules.RULES).
FIND = {
    "exceed": f"{_EXCEED_HOUR}\nUNION ALL BY NAME\n{_EXCEED_DAY}",
    "sustained": _runs("sustained", f"flag = 'N' AND {_OUT}", "sustained_hours", "conc"),
    "flatline": _FLATLINE,
    "zeros": _runs("zeros", "flag = 'N' AND avg <= 0", "zero_hours", "avg"),
    "gap": _GAP,
    "flags": _FLAGS,
    "corrected_below": _runs(
        "corrected_below",
        "gas AND flag = 'N' AND zs_avg IS NOT NULL AND zs_avg < avg",
        "corrected_below_hours",
        "zs_avg",
        "avg",
    ),
    "silent": _SILENT,
}

#: What the rules found (``$union``: their statements), with the names of each series.
FOUND = """
CREATE OR REPLACE TEMP TABLE found AS
SELECT f.rule, l.unit_code, l.outlet, l.mn, l.code, l.limit_max, l.limit_min, l.averaging,
    f.hour, f.span, f.value, f.other, f.flag, {reach} AS reach
FROM ({union}) f JOIN limits l ON l.sid = f.sid"""

_PLACE = "rule, unit_code, outlet, code"
_SAME = " AND ".join(f"w.{c} = i.{c}" for c in _PLACE.split(", "))
_NEAR = "to_hours(CAST($merge_hours + i.reach AS BIGINT))"
#: How far (hours) a found hour reaches towards the next one of its warning: its span, and
#: for the month's flags the whole month (a month's flagged hours are one warning).
REACH = "CASE WHEN rule = 'flags' THEN 744 ELSE span END"

#: What was found and not yet filed (every hour found is from $mlo on, so older hours and
#: warnings ended a merge and a month before cannot match), in islands (no more than ``$merge_hours`` apart), each
#: attached to the warning of the same place it touches (the one that ends last), if any.
ISLANDS = f"""
CREATE OR REPLACE TEMP TABLE fresh AS
SELECT f.* FROM found f ANTI JOIN (SELECT * FROM warning_hours WHERE hour >= $mlo) w
    ON w.rule = f.rule AND w.unit_code = f.unit_code AND w.outlet = f.outlet
    AND w.code = f.code AND w.hour = f.hour;
CREATE OR REPLACE TEMP TABLE islands AS
SELECT {_PLACE}, island, any_value(mn) AS mn, any_value(limit_max) AS limit_max,
    any_value(limit_min) AS limit_min, any_value(averaging) AS averaging,
    min(hour) AS first, max(hour + to_hours(CAST(span - 1 AS BIGINT))) AS last,
    max(span) AS span, max(reach) AS reach
FROM (
    SELECT *, sum(CASE WHEN prev IS NULL
        OR hour - prev > to_hours(CAST($merge_hours + reach AS BIGINT)) THEN 1 ELSE 0 END)
        OVER (PARTITION BY {_PLACE} ORDER BY hour) AS island
    FROM (SELECT *, lag(hour) OVER (PARTITION BY {_PLACE} ORDER BY hour) AS prev FROM fresh))
GROUP BY {_PLACE}, island;
CREATE OR REPLACE TEMP TABLE attached AS
SELECT *, coalesce(wid, concat_ws('/', rule, unit_code, outlet, code,
    strftime(first, '%Y%m%d%H'))) AS id
FROM (
    SELECT i.*, arg_max(w.id, w.last) AS wid
    FROM islands i LEFT JOIN (
        SELECT * FROM warnings
        WHERE last >= $mlo - to_hours(CAST($merge_hours + 744 AS BIGINT))) w ON {_SAME}
        AND i.first - w.last <= {_NEAR} AND w.first - i.last <= {_NEAR}
    GROUP BY ALL);
"""

FILE = """
INSERT INTO warning_hours
SELECT a.id, f.rule, f.unit_code, f.outlet, f.code, f.hour, f.span, f.value, f.other, f.flag
FROM fresh f JOIN attached a ON a.rule = f.rule AND a.unit_code = f.unit_code
    AND a.outlet = f.outlet AND a.code = f.code AND f.hour BETWEEN a.first AND a.last;
UPDATE warnings w SET first = least(w.first, a.first), last = greatest(w.last, a.last),
    revision = w.revision + 1, updated_at = $now
FROM (SELECT id, min(first) AS first, max(last) AS last FROM attached
      WHERE wid IS NOT NULL GROUP BY id) a
WHERE w.id = a.id;
INSERT INTO warnings
SELECT id, rule, unit_code, outlet, mn, code, limit_max, limit_min, averaging, first, last,
    1, $now, $now
FROM attached WHERE wid IS NULL;
"""

COUNTS = """
SELECT (SELECT count(*) FROM found), count(*) FILTER (WHERE wid IS NULL),
    count(DISTINCT wid) FROM attached"""

#: Every warning with what was found in it, for the warnings file.
EVERY = """
SELECT w.id, w.rule, w.unit_code, w.outlet, w.mn, w.code, w.limit_max, w.limit_min,
    w.averaging, strftime(w.first, '%Y-%m-%dT%H:%M'), strftime(w.last, '%Y-%m-%dT%H:%M'),
    w.revision, sum(x.span), max(x.value), min(x.value),
    list({'hour': strftime(x.hour, '%Y-%m-%dT%H:%M'), 'value': x.value, 'other': x.other,
          'flag': x.flag} ORDER BY x.hour)
FROM warnings w JOIN warning_hours x ON x.warning = w.id
GROUP BY ALL ORDER BY w.id"""
