"""Each early-warning rule fires on its fault, not on the honest data around it; the limit's
averaging period is the one the standard sets; re-running adds nothing."""

from __future__ import annotations

from pathlib import Path

from generator.monitoring.rules import BY_ID, RULES

from .rules_helpers import COD, LIMITS, PH, SO2, found, honest, hour, judge, store_with


def test_honest_data_raise_no_warning(tmp_path: Path) -> None:
    series = [(limit, honest(limit, 24 * 5, seed=3)) for limit in LIMITS]
    with store_with(tmp_path / "m.duckdb", *series) as store:
        run = judge(store)
        assert (run.found, run.added) == (0, 0)
        assert found(store) == []


def test_an_hour_over_an_hourly_limit_warns_once(tmp_path: Path) -> None:
    hours = honest(SO2, 72)
    hours[30] = {**hours[30], "avg": 120.0, "zs": 150.0}
    with store_with(tmp_path / "m.duckdb", (SO2, hours)) as store:
        judge(store, [SO2])
        [warning] = found(store)
    assert warning["rule"] == "exceed" and warning["pollutant"] == "二氧化硫"
    assert (warning["first"], warning["last"]) == (hour(30), hour(30))
    # The flue gas's limit is judged on the corrected concentration.
    assert warning["evidence"]["max"] == 150.0 and warning["limit"]["max"] == 100.0
    assert (warning["unit_code"], warning["outlet"], warning["code"]) == (
        SO2.unit_code, "DA001", "a21026")  # fmt: skip


def test_a_daily_limit_is_judged_on_the_day_mean(tmp_path: Path) -> None:
    hours = honest(COD, 72)
    # Day 1: one hour far above 50, but the day's mean is inside: no exceedance.
    hours[5] = {**hours[5], "avg": 120.0}
    # Day 2: every hour at 60: the day exceeds.
    for n in range(24, 48):
        hours[n] = {**hours[n], "avg": 60.0 + n % 3}
    with store_with(tmp_path / "m.duckdb", (COD, hours)) as store:
        judge(store, [COD])
        [day] = found(store, "exceed")
    assert (day["first"], day["last"]) == (hour(24), hour(47))
    assert day["evidence"]["hours"] == 24 and day["limit"]["averaging"] == "day"


def test_a_day_without_enough_valid_hours_is_not_judged(tmp_path: Path) -> None:
    hours = honest(COD, 48)
    for n in range(24, 48):
        hours[n] = {**hours[n], "avg": 70.0 + n % 2, "flag": "N" if n < 43 else "M"}
    with store_with(tmp_path / "m.duckdb", (COD, hours)) as store:
        judge(store, [COD])
        assert found(store, "exceed") == []  # 19 valid hours < 20
        # ... but the hours above the limit on end are a sustained exceedance.
        assert [w["first"] for w in found(store, "sustained")] == [hour(24)]


def test_a_ph_range_warns_below_its_minimum(tmp_path: Path) -> None:
    hours = honest(PH, 24)
    hours[3] = {**hours[3], "avg": 4.2}
    with store_with(tmp_path / "m.duckdb", (PH, hours)) as store:
        judge(store, [PH])
        [warning] = found(store)
    assert warning["rule"] == "exceed" and warning["evidence"]["min"] == 4.2


def test_a_flag_other_than_normal_is_no_exceedance(tmp_path: Path) -> None:
    hours = honest(SO2, 24)
    for n in (3, 4, 5, 6, 7):
        hours[n] = {**hours[n], "avg": 300.0, "zs": 300.0, "flag": "T" if n % 2 else "D"}
    with store_with(tmp_path / "m.duckdb", (SO2, hours)) as store:
        judge(store, [SO2])
        assert found(store, "exceed") == [] and found(store, "sustained") == []


def test_outlets_that_should_send_and_send_nothing(tmp_path: Path) -> None:
    no_mn = SO2.__class__(SO2.unit_code, "DA002", "", "a21026", 100.0, None, "hour", True)
    with store_with(tmp_path / "m.duckdb", (COD, honest(COD, 72))) as store:
        judge(store, [COD, SO2, no_mn])
        silent = found(store, "silent")
    assert sorted(w["outlet"] for w in silent) == ["DA001", "DA002"]
    assert {(w["first"], w["last"], w["evidence"]["hours"]) for w in silent} == {
        (hour(0), hour(71), 72)
    }


def test_the_rules_table_has_a_statement_reason_and_settings_for_each(tmp_path: Path) -> None:
    from generator import settings
    from generator.monitoring.rules_sql import FIND

    assert set(FIND) == set(BY_ID) and len(RULES) == 8
    for rule in RULES:
        assert rule.kind in {"measured", "suspicion"} and rule.reason and rule.evidence
        for name in rule.thresholds:
            assert settings.declared(name).default > 0


def test_the_docs_show_the_rules_table() -> None:
    from generator.monitoring.rules import markdown

    docs = Path(__file__).resolve().parents[2] / "docs" / "monitoring.md"
    start = "<!-- generated: generator.monitoring.rules.markdown() -->\n"
    shown = docs.read_text(encoding="utf-8").split(start, 1)[1].split("<!-- end generated", 1)[0]
    assert shown == markdown(), "docs/monitoring.md: paste generator.monitoring.rules.markdown()"
