"""Uncertainty (issue 13, item 3): inputs given as ranges {low, mode, high} (read, checked,
evaluated at the mode, saved as written) and their Monte Carlo propagation in closed form."""

import dataclasses
import json
import math

import numpy as np
import pytest

import planner
from planner import edit
from planner.cli import main
from planner.decide_charts import build_intervals
from planner.errors import PlanError
from planner.hardware import Accelerator, Cooling, Fabric, System
from planner.inputs import inputs, ranged
from planner.metrics import METRICS
from planner.perf.failures import failures
from planner.plan import Facility, NodeGroup, Phase, Plan, StorageTier, TrainingWorkload
from planner.propagate import RANGED, figures, goodput
from planner.ranges import Range, triangular_median
from planner.schema import parse_single, spec_of, specs, value_text
from planner.uncertainty import uncertainty
from tests.ranged_plans import ranged_rsc

MFU_RANGE = "mfu: {low: 0.35, mode: 0.42, high: 0.50}   # measured on a smaller run"


@pytest.fixture
def ranged_text(minimal_text):
    return minimal_text.replace("workloads:\n  - {name: Run, parameters: 7e9, tokens: 1e12, mfu: 0.4}",
                                f"workloads:\n  - name: Run\n    parameters: 7e9\n    tokens: 1e12\n    {MFU_RANGE}\n")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the representation ---------------------------------------------------------------------------
def test_a_range_is_read_and_evaluated_at_its_mode(ranged_text, minimal_text):
    plan = planner.loads(ranged_text)
    mfu = plan.workloads[0].mfu
    assert isinstance(mfu, Range) and (mfu.low, mfu.mode, mfu.high) == (0.35, 0.42, 0.5)
    at_mode = planner.loads(minimal_text.replace("mfu: 0.4}", "mfu: 0.42}"))
    assert planner.evaluate(plan).workloads[0].time_s == planner.evaluate(at_mode).workloads[0].time_s
    assert plan != at_mode and mfu != 0.42 and 0.42 != mfu and mfu == Range(0.35, 0.42, 0.5)


def test_a_range_saves_and_loads_back_equal_keeping_its_text(ranged_text, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(ranged_text)
    plan = planner.load(path)
    planner.save(edit.set_field(plan, ("name",), "Small, renamed"), path)
    text = path.read_text()
    assert MFU_RANGE in text  # 0.50 as written, and its comment
    assert planner.load(path) == edit.set_field(plan, ("name",), "Small, renamed")
    fresh = planner.dumps(plan)
    assert "mfu: {low: 0.35, mode: 0.42, high: 0.5}" in fresh and planner.loads(fresh) == plan
    planner.save(edit.set_field(planner.load(path), ("workloads", 0, "mfu"), 0.42), path)  # the mode alone
    line = next(x for x in path.read_text().splitlines() if "mfu" in x)
    assert line.split() == ["mfu:", "0.42", "#", "measured", "on", "a", "smaller", "run"]  # the comment stays


def test_quantity_ranges_keep_their_units(minimal_text):
    text = minimal_text.replace("facility: {pue: 1.2, cooling: liquid}",
                                "facility:\n  pue: {low: 1.1, mode: 1.2, high: 1.4}\n  cooling: liquid\n"
                                "  electricity_price: {low: 0.05 USD/kWh, mode: 0.07 USD/kWh, high: 0.12 USD/kWh}")
    text = text.replace("mfu: 0.4}", "mfu: 0.4, power_per_gpu: {low: 1 kW per GPU, mode: 1.2 kW per GPU, "
                                     "high: 1.5 kW per GPU}}")
    plan = planner.loads(text)
    price = plan.facility.electricity_price_usd_per_j
    assert price.low == pytest.approx(0.05 / 3.6e6) and price == Range(price.low, 0.07 / 3.6e6, price.high)
    assert plan.workloads[0].power_per_gpu_w == Range(1000.0, 1200.0, 1500.0)
    out = planner.dumps(plan)
    assert "electricity_price: {low: 0.05 USD/kWh, mode: 0.07 USD/kWh, high: 0.12 USD/kWh}" in out
    assert "power_per_gpu: {low: 1 kW per GPU, mode: 1.2 kW per GPU, high: 1.5 kW per GPU}" in out
    assert planner.loads(out) == plan


@pytest.mark.parametrize("value,message", [
    ("{low: 0.5, mode: 0.42, high: 0.6}", "workloads[0].mfu: expected a range with low <= mode <= high, "
                                          "found low 0.5 above mode 0.42"),
    ("{low: 0.3, mode: 0.42, high: 0.4}", "found high 0.4 below mode 0.42"),
    ("{low: 0.3, mode: 0.42}", "workloads[0].mfu: expected a number, or a range {low: ..., mode: ..., high: ...} "
                               "(a triangular distribution), found a mapping with no high"),
    ("{lo: 0.3, mode: 0.42, high: 0.5}", "found a mapping with the keys lo"),
    ("{low: 0.3, mode: 0.42, high: 1.5}", "workloads[0].mfu.high: expected a number of at most 1, found 1.5"),
    ("{low: -1, mode: 0.42, high: 0.5}", "workloads[0].mfu.low: expected a number > 0, found -1"),
])
def test_a_bad_range_is_a_plan_error_with_its_line(ranged_text, value, message):
    with pytest.raises(PlanError) as caught:
        planner.loads(ranged_text.replace("{low: 0.35, mode: 0.42, high: 0.50}", value), "plan.yaml")
    assert message in str(caught.value) and "plan.yaml:16:" in str(caught.value)


def test_ranges_only_where_the_spec_allows(minimal_text):
    with pytest.raises(PlanError) as caught:
        planner.loads(minimal_text.replace("count: 4", "count: {low: 2, mode: 4, high: 6}"))
    assert "phases[0].nodes[0].count: expected a whole number > 0, found a mapping" in str(caught.value)
    plan = planner.loads(minimal_text)
    with pytest.raises(PlanError) as caught:
        edit.set_field(plan, ("phases", 0, "nodes", 0, "count"), Range(2, 4, 6))
    assert "expected a whole number > 0 (this field takes no range)" in str(caught.value)
    with pytest.raises(PlanError) as caught:
        edit.set_field(plan, ("workloads", 0, "mfu"), Range(0.5, 0.42, 0.6))
    assert "expected a range with low <= mode <= high, not low 0.5 above mode 0.42" in str(caught.value)
    assert edit.set_field(plan, ("workloads", 0, "mfu"), Range(0.3, 0.4, 0.5)).workloads[0].mfu.high == 0.5


def test_an_editor_shows_and_takes_a_range_as_low_mode_high():
    spec = spec_of(TrainingWorkload, "mfu")
    assert parse_single(spec, "0.35 .. 0.42 .. 0.5") == (Range(0.35, 0.42, 0.5), None)
    percent, _ = parse_single(spec, "35% .. 42% .. 50%")
    assert (percent.low, percent.mode, percent.high) == (pytest.approx(0.35), pytest.approx(0.42), 0.5)
    assert value_text(spec, Range(0.35, 0.42, 0.5)) == "0.35 .. 0.42 .. 0.5"
    assert parse_single(spec, "0.5 .. 0.42 .. 0.6") == (None, "expected a range with low <= mode <= high, found "
                                                                "low 0.5 above mode 0.42")
    price = spec_of(Facility, "electricity_price_usd_per_j")
    value, _ = parse_single(price, "0.05 USD/kWh .. 0.07 USD/kWh .. 0.12 USD/kWh")
    assert value_text(price, value) == "0.05 USD/kWh .. 0.07 USD/kWh .. 0.12 USD/kWh"


def test_every_ranged_field_has_a_closed_form():
    """propagate.RANGED lists what it propagates; it must be exactly the fields that take ranges."""
    found: dict = {}
    for cls in (Plan, Phase, NodeGroup, StorageTier, Facility, TrainingWorkload, Accelerator, System, Fabric, Cooling):
        keys = tuple(s.key for _, s in specs(cls) if s.ranged)
        if keys:
            found[cls.__name__] = keys
    assert found == RANGED


# -- the Monte Carlo ------------------------------------------------------------------------------
def test_a_triangular_mfu_gives_the_analytic_median_time(ranged_text):
    plan = planner.loads(ranged_text)
    u = uncertainty(plan, samples=10_000, seed=1)
    t = u.spread("time")
    work = t.at_modes * 0.42  # time = K / MFU: the median time is K over the median MFU
    analytic = work / triangular_median(0.35, 0.42, 0.5)
    assert triangular_median(0.35, 0.42, 0.5) == pytest.approx(0.4225, abs=1e-4)
    assert t.p50 == pytest.approx(analytic, rel=0.01)
    assert t.p10 < t.p50 < t.p90 and t.p10 >= work / 0.5 and t.p90 <= work / 0.35
    assert u.spread("capex").p10 == u.spread("capex").p90  # no price given as a range
    assert u.inputs == (("workloads[0].mfu", 0.35, 0.42, 0.5, "count"),)


def test_the_same_seed_gives_the_same_figures(ranged_text):
    plan = planner.loads(ranged_text)
    a, b, c = (uncertainty(plan, samples=2_000, seed=s) for s in (7, 7, 8))
    assert a == b and a.spread("time") != c.spread("time")


def at_ends(plan, end: str):
    """The plan with every range at its low (or high), and the draws that say the same."""
    by = {i.path: i for i in inputs(plan)}
    draws = {}
    for path, r, _ in ranged(plan):
        plan = by[path].set(plan, getattr(r, end))
        draws[path] = np.array([getattr(r, end)])
    return plan, draws


@pytest.mark.parametrize("end", ["low", "high"])
def test_the_closed_form_is_the_model_at_the_ends_of_every_range(end):
    plan = ranged_rsc()
    assert len(ranged(plan)) == 11
    r = planner.evaluate(plan)
    moved, draws = at_ends(plan, end)
    exact = planner.evaluate(moved)
    for i in range(3):  # typical MFU, a measured rate, a read pass bound by storage
        for name, values in figures(plan, r, i, draws, 1).items():
            assert values[0] == pytest.approx(METRICS[name].read(exact, i), rel=1e-12), (end, i, name)


@pytest.mark.parametrize("end", ["low", "high"])
def test_the_closed_form_of_failure_rates_and_token_rates(end):
    selene = planner.load(planner.preset_path("selene"))
    plan = edit.set_field(selene, ("workloads", 0, "failure_rate"), Range(1e-5, 2e-5, 2e-4))
    plan = edit.set_field(plan, ("workloads", 1, "achieved_flops_per_gpu"), None)
    plan = edit.set_field(plan, ("workloads", 1, "tokens_per_s_per_gpu"), Range(100, 130, 150))
    r = planner.evaluate(plan)
    moved, draws = at_ends(plan, end)
    exact = planner.evaluate(moved)
    for i in (0, 1):
        for name, values in figures(plan, r, i, draws, 1).items():
            assert values[0] == pytest.approx(METRICS[name].read(exact, i), rel=1e-12), (end, i, name)


def test_vectorised_goodput_is_the_failure_model():
    rates = np.array([0.0, 1e-5, 1.97e-5, 1e-3, 1.0])
    g = goodput(rates, 16_384, 40.0, 600.0)
    for rate, got in zip(rates, g, strict=True):
        want = failures(1e6, 16_384, 405e9, 405e9 * 14 / 40.0, rate).goodput
        assert got == pytest.approx(want, rel=1e-12, abs=0)
    assert g[-1] == 0.0  # a failure every 0.2 s: never finishes


def test_ten_thousand_samples_of_rsc_with_ranges():
    u = uncertainty(ranged_rsc(), 0, samples=10_000)
    assert set(u.draws) == {"time", "gpu_hours", "energy", "cost", "emissions", "facility_power", "capex", "opex"}
    assert all(v.shape == (10_000,) for v in u.draws.values())
    power = u.spread("facility_power")
    assert power.p10 < power.at_modes < power.p90
    chart = build_intervals(u)
    bars, dots = chart.panels[0].series
    assert bars.style == "horizontal-bars" and len(bars.base) == len(bars.x) == 7
    assert bars.x[0] == pytest.approx(100 * (u.spread("time").p90 / u.spread("time").p50 - 1))
    assert chart.panels[0].y.categories[-1] == "Time of the run"


def test_a_plan_without_ranges_is_certain():
    u = uncertainty(planner.load(planner.preset_path("meta-rsc")), samples=100)
    assert u.inputs == () and u.notes[0].startswith("The plan gives no ranges")
    assert all(s.p10 == s.p50 == s.p90 == pytest.approx(s.at_modes) for s in u.spreads)


def test_uncertainty_command(capsys, ranged_text, tmp_path):
    path = tmp_path / "ranged.yaml"
    path.write_text(ranged_text)
    code, out, _ = run(capsys, "uncertainty", str(path), "--samples", "5000", "--seed", "3", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["samples"] == 5000 and data["seed"] == 3
    assert data["inputs"] == [{"path": "workloads[0].mfu", "low": 0.35, "mode": 0.42, "high": 0.5,
                               "dimension": "count"}]
    time = next(f for f in data["figures"] if f["metric"] == "time")
    assert time["p10"] < time["p50"] < time["p90"]
    code, out, _ = run(capsys, "uncertainty", str(path))
    assert code == 0 and "10,000 samples (seed 0) of 1 inputs given as ranges" in out
    assert "workloads[0].mfu: 0.35 .. 0.42 .. 0.5" in out and "Time of the run" in out
    code, _, err = run(capsys, "uncertainty", str(path), "--samples", "0")
    assert code == 1 and "--samples: expected a number of samples from 1 to 10,000,000, found 0" in err


def test_a_range_never_changes_a_result_type(ranged_text):
    """Results stay plain data: JSON has the mode where the plan has a range."""
    plan = planner.loads(ranged_text.replace("facility: {pue: 1.2, cooling: liquid}",
                                             "facility: {pue: {low: 1.1, mode: 1.2, high: 1.3}, cooling: liquid}"))
    data = json.loads(json.dumps(planner.evaluate(plan).to_dict()))
    assert data["power"]["pue"] == 1.2 and data["workloads"][0]["mfu"] == 0.42
    assert not math.isnan(dataclasses.asdict(planner.evaluate(plan).power)["facility_w"])


def test_a_measured_rate_range_must_stay_below_the_peak(ranged_text):
    text = ranged_text.replace(MFU_RANGE, "achieved_flops: {low: 500 TFLOP/s per GPU, mode: 600 TFLOP/s per GPU, "
                                          "high: 1200 TFLOP/s per GPU}")
    with pytest.raises(PlanError) as caught:
        planner.loads(text)  # H100: 989.4 TFLOP/s bf16 dense; the high end is impossible
    assert ("workloads[0].achieved_flops: expected achieved FLOP/s per accelerator at most the bf16 dense peak "
            "(989.4 TFLOP/s), found 1.2 PFLOP/s") in str(caught.value)


def test_ranges_in_the_plans_own_catalog_save_and_load_back(tmp_path):
    plan = ranged_rsc()  # a range on a built-in figure is an override of the entry under its id
    assert [s.id for s in plan.catalog.systems] == ["dgx-a100"]
    text = planner.dumps(plan)
    assert "price: {low: 179100 USD, mode: 199000 USD, high: 258700 USD}" in text
    assert planner.loads(text) == plan


def test_the_report_has_a_tornado_per_run_and_interval_bars_with_ranges():
    from planner.report import html

    text = html(ranged_rsc())
    assert text.count('data-chart="tornado"') == 3 and text.count('data-chart="intervals"') == 3
    plain = html(planner.load(planner.preset_path("meta-rsc")))
    assert plain.count('data-chart="tornado"') == 3 and 'data-chart="intervals"' not in plain
    assert "The plan gives no ranges, so every figure is certain" in plain
