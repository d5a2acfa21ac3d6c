"""The 环保脸谱 rating: one method table checked whole, scores from measured facts only, and
no unconfirmed suspicion (flatline, zeros, corrected below measured) in any rating or page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.monitoring.daily import public_monitoring
from generator.monitoring.rating import METHOD_FILE, Facts, MethodError, load_method, rate

from .public_helpers import START, fill, first_code, hours, monitored_units, sample_site


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rating")
    return sample_site(tmp)


def test_the_published_method_is_valid_and_weights_make_100() -> None:
    method = load_method()
    criteria = [r for r in method if r.kind == "criterion"]
    assert {r.key for r in criteria} == {"installation", "networking", "operation", "validity"}
    assert sum(r.weight or 0 for r in criteria) == 100
    assert min(r.full for r in method if r.kind == "grade") == 0


def test_a_bad_method_table_names_every_problem_with_line_and_field(tmp_path: Path) -> None:
    bad = METHOD_FILE.read_text(encoding="utf-8").splitlines()
    bad[1] = bad[1].replace(",20,", ",二十,")  # weight not a number
    bad[2] = bad[2].replace(",0.95,0.5,", ",0.4,0.5,")  # zero above full
    bad[3] = bad[3].replace("指标,operation", "指数,operation")  # unknown kind
    bad.append("等级,green,又一个绿脸,,85,,重复")
    bad.append("等级,Red/x,红,,5,,地址里不能用")
    path = tmp_path / "rating.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(MethodError) as caught:
        load_method(path)
    text = str(caught.value)
    assert f"{path} 第 2 行（代码 installation）：字段「权重」应为数字，实为「二十」" in text
    assert "第 3 行（代码 networking）：字段「满分」「零分」" in text
    assert "第 4 行（代码 operation）：字段「类型」应为 指标 或 等级" in text
    assert "指标 operation 应出现 1 次，实有 0 次" in text
    assert "等级的代码和最低总分不能重复" in text
    assert "（代码 Red/x）：等级的字段「代码」只能含半角小写字母" in text


def test_a_method_table_with_another_header_or_missing_cells_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rating.csv"
    path.write_text("kind,key\n指标,installation\n", encoding="utf-8")
    with pytest.raises(MethodError, match="第 1 行：表头应为"):
        load_method(path)
    lines = METHOD_FILE.read_text(encoding="utf-8").splitlines()
    lines[2] = "指标,networking,联网,25"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(MethodError, match="第 3 行：应有 7 列，实有 4 列"):
        load_method(path)


def test_scores_follow_the_thresholds_of_the_table() -> None:
    method = load_method()
    perfect = rate(Facts(2, 2, 1000, 1000, 0, 0, 1000), method)
    assert perfect.score == 100 and perfect.grade == "green"
    # Half the hours received, all valid: networking at 50% is 0 of 25, validity 50% is 0.
    half = rate(Facts(2, 2, 1000, 500, 0, 0, 500), method)
    by_key = {c.key: c for c in half.criteria}
    assert by_key["networking"].points == 0 and by_key["validity"].points == 0
    assert by_key["operation"].points == 25 and half.score == 45 and half.grade == "red"
    assert "联网：50.0%" in by_key["networking"].reason
    # Stopped hours are not due: validity counts valid over the hours not stopped.
    stopped = rate(Facts(1, 1, 1000, 1000, 400, 0, 600), method)
    assert {c.key: c.value for c in stopped.criteria}["validity"] == 1.0


def test_a_unit_sending_everything_valid_is_rated_best(sample, tmp_path: Path) -> None:
    _, site = sample
    unit = monitored_units(site)[0]
    fill(tmp_path / "m.duckdb", hours(unit, dt.datetime(2026, 1, 1), 24 * 31))
    rating = public_monitoring(site, tmp_path / "m.duckdb").units[unit.code].rating
    assert rating is not None and rating.score == 100 and rating.grade == "green"


def honest_and_flatlined(unit, level: float):
    """Two weeks of one unit: honest values around ``level`` (alternating ±1), or the same
    hours flatlined at exactly ``level``: equal daily means, equal flags."""
    count = 24 * 14
    honest = hours(unit, START, count, [level + (1 if n % 2 else -1) for n in range(count)])
    flat = hours(unit, START, count, level)
    return honest, flat


def test_a_flatline_changes_no_rating_no_reason_and_no_figure(sample, tmp_path: Path) -> None:
    _, site = sample
    unit = monitored_units(site)[0]
    honest, flat = honest_and_flatlined(unit, 20.0)
    fill(tmp_path / "honest.duckdb", honest)
    fill(tmp_path / "flat.duckdb", flat)
    a = public_monitoring(site, tmp_path / "honest.duckdb").units[unit.code]
    b = public_monitoring(site, tmp_path / "flat.duckdb").units[unit.code]
    assert a.rating == b.rating and a.quarter_days == b.quarter_days
    for honest_series, flat_series in zip(a.series, b.series, strict=True):
        assert honest_series.means == pytest.approx(flat_series.means)
        assert honest_series.exceeded == flat_series.exceeded
    words = " ".join(c.reason for c in b.rating.criteria)
    assert not any(w in words for w in ("疑似", "造假", "弄虚作假", "不变", "恒定"))


def test_corrected_below_measured_and_zeros_are_not_published_as_findings(sample, tmp_path):
    _, site = sample
    unit = monitored_units(site)[0]
    code = first_code(unit)
    zeros = hours(unit, START, 48, 0.0, only=code)
    fill(tmp_path / "z.duckdb", zeros)
    shown = public_monitoring(site, tmp_path / "z.duckdb").units[unit.code]
    words = " ".join(c.reason for c in shown.rating.criteria)
    assert not any(w in words for w in ("疑似", "造假", "弄虚作假", "零值"))
