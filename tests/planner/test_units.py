import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import units


@pytest.mark.parametrize("text,dim,expected", [
    ("200 Gb/s", "bandwidth", 25e9),
    ("25 GB/s", "bandwidth", 25e9),
    ("16 TB/s", "bandwidth", 16e12),
    ("6.5 kW", "power", 6500.0),
    ("1 EB", "bytes", 1e18),
    ("175 PB", "bytes", 175e15),
    ("1.5 TiB", "bytes", 1.5 * 2**40),
    ("312 TFLOP/s", "flop_rate", 312e12),
    ("624 TOPS", "flop_rate", 624e12),
    ("3.14e23 FLOP", "flops", 3.14e23),
    ("14 days", "time", 14 * 86400.0),
    ("17.4 h", "time", 17.4 * 3600),
    ("199000 USD", "usd", 199000.0),
    ("1,287 MWh", "energy", 1287 * 3.6e9),
    ("0.07 USD/kWh", "usd_per_energy", 0.07 / 3.6e6),
    ("0.4 kg/kWh", "mass_per_energy", 0.4 / 3.6e6),
    ("140 TFLOP/s per GPU", "flop_rate", 140e12),
    ("300e9", "count", 300e9),
    ("45%", "count", 0.45),
    ("1.4 T", "count", 1.4e12),
])
def test_parse(text, dim, expected):
    value, _ = units.parse(text, dim)
    assert value == pytest.approx(expected, rel=1e-12)


def test_gigabit_is_not_gilbert():
    assert units.parse("200 Gb/s", "bandwidth")[0] == 25e9
    assert units.parse("200 Gb", "bytes")[0] == 25e9


@pytest.mark.parametrize("text,dim,fragment", [
    ("6.5 kW", "bytes", "not of power"),
    ("12 furlongs", "power", "'furlongs' is not a unit"),
    ("fast", "power", "a number with a unit"),
    ("5 T", "bytes", "only a prefix"),
])
def test_parse_errors(text, dim, fragment):
    with pytest.raises(units.UnitError, match=fragment):
        units.parse(text, dim)


@pytest.mark.parametrize("value,dim,text", [
    (6500.0, "power", "6.5 kW"),
    (1e18, "bytes", "1 EB"),
    (25e9, "bandwidth", "25 GB/s"),
    (312e12, "flop_rate", "312 TFLOP/s"),
    (34 * 86400.0, "time", "34 days"),
])
def test_to_text_is_readable(value, dim, text):
    assert units.to_text(value, dim) == text


def test_bitrate_display():
    assert units.to_text(25e9, "bandwidth", "bitrate") == "200 Gb/s"


@given(st.floats(min_value=1e-6, max_value=1e26, allow_nan=False, allow_infinity=False),
       st.sampled_from(["power", "bytes", "bandwidth", "flop_rate", "time", "usd", "usd_per_energy",
                        "mass_per_energy", "energy"]))
def test_to_text_round_trips_exactly(value, dim):
    text = units.to_text(value, dim)
    back = text if isinstance(text, (int, float)) else units.parse(text, dim)[0]
    assert back == value


def test_format_quantity():
    assert units.format_quantity(12.69e6, "power") == "12.69 MW"
    assert units.format_quantity(float("inf"), "time") == "inf"
    assert not math.isnan(units.parse("0 W", "power")[0])


def test_energies_past_a_thousand_gwh_read_in_twh():
    assert units.format_quantity(494_361e9 * 3600, "energy") == "494.4 TWh"
    assert units.format_quantity(3e15, "energy") == "833.3 GWh"
    assert units.parse("1.78 TWh", "energy")[0] == pytest.approx(1.78 * 3.6e15)
