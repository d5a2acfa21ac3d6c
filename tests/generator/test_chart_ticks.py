"""Round axis ticks and the chart's layout: labels whole, limit named off the data, text 14."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from bs4 import BeautifulSoup
from hypothesis import example, given
from hypothesis import strategies as st

from generator.pages.charts import FONT, TOP, WIDTH, label_room, line_chart
from generator.pages.ticks import nice_number, nice_ticks

finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)


def step_of(values: tuple[float, ...]) -> float:
    return values[1] - values[0]


def is_round(step: float) -> bool:
    """True for 1, 2 or 5 × 10^k."""
    exponent = math.floor(math.log10(step) + 1e-9)
    return round(step / 10**exponent, 6) in (1.0, 2.0, 5.0, 10.0)


@pytest.mark.parametrize(
    ("low", "high", "labels"),
    [
        (0, 251.35, ["0", "50", "100", "150", "200", "250", "300"]),
        (0, 123.64, ["0", "50", "100", "150"]),
        (0, 9.9, ["0", "2", "4", "6", "8", "10"]),
        (6, 9, ["6", "7", "8", "9"]),
        (0, 0.0031, ["0.000", "0.001", "0.002", "0.003", "0.004"]),
        (-3, 7, ["-4", "-2", "0", "2", "4", "6", "8"]),
    ],
)
def test_known_ranges_get_round_ticks(low, high, labels):
    assert nice_ticks(low, high).labels() == labels


@pytest.mark.parametrize(
    ("value", "rounded", "nice"),
    [
        (0.7, True, 0.5),
        (1.4, True, 1),
        (2.9, True, 2),
        (6.9, True, 5),
        (7, True, 10),
        (1.01, False, 2),
        (2, False, 2),
        (5.1, False, 10),
        (0.03, False, 0.05),
    ],
)
def test_nice_number(value, rounded, nice):
    assert nice_number(value, rounded) == pytest.approx(nice)


@example(0.0, 5e-324)  # a span of one subnormal: its steps underflowed to 0 (log10 of 0)
@example(1.0, 1.0 + 2.2e-16)  # a span lost in rounding
@example(-1e-310, 1e-310)
@given(finite, finite)
def test_ticks_cover_the_range_in_round_equal_steps(a, b):
    ticks = nice_ticks(a, b)
    low, high = min(a, b), max(a, b)
    values = ticks.values
    assert 2 <= len(values) <= 12
    step = step_of(values)
    slack = 1e-6 * step  # a value within a millionth of a step of a tick is on it
    assert values[0] <= low + slack and values[-1] >= high - slack
    assert is_round(step)
    assert all(
        math.isclose(b - a, step, rel_tol=1e-6) for a, b in zip(values, values[1:], strict=False)
    )
    labels = ticks.labels()
    assert len(set(labels)) == len(labels), labels
    assert all(
        float(t) == pytest.approx(v, abs=10**-ticks.decimals)
        for t, v in zip(labels, values, strict=False)
    )


@pytest.mark.parametrize("value", [0.0, 5.0, -2.5, 1e-4])
def test_a_single_value_still_gets_an_axis(value):
    ticks = nice_ticks(value, value)
    assert ticks.low <= value <= ticks.high and ticks.low < ticks.high


def test_infinite_range_is_refused_in_chinese():
    with pytest.raises(ValueError, match="坐标轴范围必须是有限数"):
        nice_ticks(0, math.inf)


def chart(values, limits=(100.0,)):
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=30 * i) for i in range(len(values))]
    markup = line_chart(
        list(zip(days, values, strict=False)),
        list(limits),
        "t",
        "c",
        [v > max(limits) for v in values],
    )
    return BeautifulSoup(str(markup), "html.parser").svg


@pytest.mark.parametrize("values", [[251.35, 80.0], [123456.789, 5.0], [0.0042, 0.001]])
def test_left_margin_holds_the_widest_label(values):
    svg = chart(values, (max(values) / 2,))
    labels = [t.get_text() for t in svg.select("text.tick")]
    room = label_room(labels)
    widest = max(len(t) for t in labels) * FONT * 0.62
    assert room - 6 >= widest, "a label starts left of the box"
    assert float(svg.select_one("line.axis")["x1"]) == room


def test_limit_is_named_above_the_plot_not_on_the_data():
    svg = chart([90.0, 120.0, 251.35], (100.0,))
    legend = svg.select_one("text.legend")
    assert legend.get_text() == "限值 100"
    assert float(legend["y"]) < TOP
    marks = [float(m["y"]) for m in svg.select("rect.exceed")] + [
        float(c["cy"]) for c in svg.select("circle.point")
    ]
    assert min(marks) > TOP - 5
    assert not [t for t in svg.select("text") if "限值" in t.get_text() and t is not legend]


def test_two_limits_are_named_as_a_range():
    svg = chart([7.0, 7.4], (6.0, 9.0))
    assert svg.select_one("text.legend").get_text() == "限值 6–9"
    assert len(svg.select("line.limit")) == 2


def test_text_is_fourteen_units_in_a_box_the_phone_column_fills():
    svg = chart([1.0, 2.0])
    assert all(int(t["font-size"]) >= 14 for t in svg.select("text"))
    assert svg["viewbox"] == f"0 0 {WIDTH} 200" and WIDTH <= 336
