"""Total cost of ownership (planner/model/tco.py): every figure recomputed by hand from the RSC
preset's capex, the depreciation periods and its electricity."""

import json
import math

import pytest

import planner
from planner.chart_builders import build_cost_breakdown, charts_for
from planner.cli import main
from planner.errors import PlanError
from planner.summary import as_table
from planner.tco_summary import cost_cards
from tests.conftest import PRESETS

RSC = PRESETS / "meta-rsc.yaml"
HOURS = 365 * 24  # a planning year
# RSC by hand: 2,000 DGX A100 at 199,000 USD; the fabric's 84.4 M USD: 800 QM8700 leaves at 20,000 USD,
# 20 CS8500 directors at 1.5 M USD and 64,000 transceivers at 600 USD (planner/catalog/switches.yaml,
# fabrics.yaml); storage unpriced. Facility power 12.52944 MW (11.3904 MW IT x PUE 1.1).
NODES_USD = 2000 * 199_000
NETWORK_USD = 800 * 20_000 + 20 * 1.5e6 + 64_000 * 600
ELECTRICITY = 12_529.44 * HOURS * 0.07  # kW x h x USD/kWh = 7,683,052.608 USD a year


def with_costs(text: str):
    plan_text = RSC.read_text() + "costs:\n" + "".join(f"  {line}\n" for line in text.strip().splitlines())
    return planner.loads(plan_text, "rsc-costs.yaml")


def test_rsc_cost_per_gpu_hour_from_capex_four_years_and_electricity():
    # capex over 4 years for every class, no maintenance: (482.4 M / 4 + 7.68 M) / (16,000 x 8,760 h)
    plan = with_costs("systems_depreciation: 4 years\nnetwork_depreciation: 4 years\nmaintenance: 0")
    t = planner.evaluate(plan).tco
    assert t.usd_per_year == pytest.approx((NODES_USD + NETWORK_USD) / 4 + ELECTRICITY)
    assert t.usd_per_gpu_hour == pytest.approx(128_283_052.608 / 140_160_000) == pytest.approx(0.915261, rel=1e-6)
    assert t.ownership_usd_per_gpu_hour == pytest.approx(120.6e6 / 140_160_000)
    assert not t.complete  # the storage tiers have no price


def test_rsc_defaults_four_six_years_and_five_percent_maintenance():
    r = planner.evaluate(planner.load(RSC))
    t = r.tco
    assert t.systems_usd_per_year == pytest.approx(99.5e6)  # 398 M USD / 4 years
    assert t.network_usd_per_year == pytest.approx(84.4e6 / 6)
    assert t.storage_usd_per_year == 0 and t.facility_build_usd_per_year == 0 and t.facility_usd_per_year == 0
    assert t.maintenance_usd_per_year == pytest.approx(0.05 * 482.4e6)
    assert t.electricity_usd_per_year == pytest.approx(ELECTRICITY)
    assert t.usd_per_year == pytest.approx(99.5e6 + 84.4e6 / 6 + 24.12e6 + ELECTRICITY)  # 145.37 M USD
    assert t.usd_per_gpu_hour == pytest.approx(145_369_719.27 / 140_160_000)  # 1.0372 USD
    assert t.gpu_hours_per_year == 16_000 * HOURS


def test_a_training_run_costs_its_gpu_hours_at_its_phase_plus_its_own_electricity():
    r = planner.evaluate(planner.load(RSC))
    # GPT-3 175B on 1,024 GPUs of phase 1 at 140 TFLOP/s with full recompute: 6 x 175e9 x 300e9 FLOPs at
    # 1,024 x 140e12 x 6/8 FLOP/s = 2,929,687.5 s = 833,333 GPU-hours
    w, t = r.workloads[1], r.tco.workloads[1]
    assert t.gpu_hours == pytest.approx(833_333.333)
    p1 = r.phases[0].cost
    assert p1.nodes_usd == 760 * 199_000
    owned_per_year = p1.nodes_usd / 4 + p1.network_usd / 6 + 0.05 * p1.capex_usd
    per_hour = owned_per_year / (6080 * HOURS)
    assert t.ownership_usd == pytest.approx(per_hour * 833_333.333)
    assert t.electricity_usd == pytest.approx(w.cost_usd)
    assert t.usd == pytest.approx(t.ownership_usd + w.cost_usd)
    assert t.usd_per_million_tokens == pytest.approx(t.usd / 300e3)
    assert t.tokens_per_usd == pytest.approx(300e9 / t.usd)
    assert t.flops_per_usd == pytest.approx(3.15e23 / t.usd)
    # a pass over a dataset has no tokens and no FLOPs: no price per token
    read = r.tco.workloads[2]
    assert read.usd > 0 and read.usd_per_million_tokens is None and read.flops_per_usd is None


def test_facility_build_out_and_colocation_price():
    plan = with_costs("facility_capex: 200 M USD\nfacility_depreciation: 20 years\nfacility_price: 150 USD/kW-month")
    r = planner.evaluate(plan)
    assert r.tco.facility_build_usd_per_year == pytest.approx(10e6)
    # 150 USD per kW per month on the 15.7904 MW of IT power at maximum, 12 months
    assert r.power.it_max_w == pytest.approx(15.7904e6)
    assert r.tco.facility_usd_per_year == pytest.approx(150 * 15_790.4 * 12)
    base = planner.evaluate(planner.load(RSC)).tco
    assert r.tco.usd_per_year == pytest.approx(base.usd_per_year + 10e6 + 150 * 15_790.4 * 12)


def test_costs_load_save_and_refuse_bad_values(tmp_path):
    plan = with_costs("systems_depreciation: 5 years\nfacility_price: 120 USD/kW/month\nmaintenance: 8%")
    assert plan.costs.systems_life_s == 5 * 365 * 86400 and plan.costs.maintenance == pytest.approx(0.08)
    text = planner.dumps(plan)
    assert ("costs:\n  systems_depreciation: 5 years\n  network_depreciation: 6 years\n"
            "  storage_depreciation: 5 years\n"
            "  facility_depreciation: 20 years\n  facility_price: 120 USD/kW-month\n  maintenance: 0.08\n") in text
    assert planner.loads(text) == plan
    assert "costs" not in planner.dumps(planner.load(RSC))  # never written for a plan that has none
    with pytest.raises(PlanError) as err:
        with_costs("systems_depreciation: 0 years\nmaintenance: 150%\nfacility_price: 3 USD/kWh")
    found = {(p.path, p.expected) for p in err.value.problems}
    assert ("costs.systems_depreciation", "time, e.g. 14 days > 0") in found
    assert ("costs.maintenance", "a number of at most 1") in found
    assert any(p.path == "costs.facility_price" and "USD/kW-month" in p.expected for p in err.value.problems)


def test_text_json_cards_and_chart_show_the_tco(capsys):
    r = planner.evaluate(planner.load(RSC))
    text = as_table(r)
    assert "Cost of ownership per year         145.4 M USD (incomplete: some prices unknown)" in text
    assert "Cost per GPU-hour                  1.037 USD (0.9824 USD without electricity)" in text
    assert "Per million training tokens  2.878 USD" in text
    assert cost_cards(r)["opex"] == ("Cost of ownership per year", "145.4 M USD", "1.037 USD per GPU-hour")
    assert main(["evaluate", str(RSC), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tco"]["usd_per_gpu_hour"] == pytest.approx(1.0371698008)
    assert data["tco"]["workloads"][2]["usd_per_million_tokens"] is None
    chart = build_cost_breakdown(r)
    assert chart.x.categories == ("systems", "network", "storage", "build-out", "maintenance", "facility",
                                  "electricity")
    bars = chart.panels[0].series[0]
    assert chart.panels[0].y.unit == "M USD"
    assert bars.y == pytest.approx((99.5, 84.4 / 6, 0, 0, 24.12, 0, ELECTRICITY / 1e6))
    assert bars.labels[0] == "systems: 99.50 M USD a year"
    assert chart.subtitle == "145.4 M USD a year; 1.04 USD per GPU-hour"
    assert chart.notes == ("Incomplete: 4 components without a price (warning price-unknown)",)
    assert charts_for(planner.load(RSC), r, 0, "bf16")["cost"] == chart


def test_a_run_that_never_finishes_has_no_price_per_token():
    from tests.planner.test_charts import never_finishing

    r = planner.evaluate(never_finishing(planner.load(RSC)))
    t = r.tco.workloads[2]
    assert math.isinf(t.usd) and t.usd_per_million_tokens is None
    assert "Cost of ownership  unbounded (the run never finishes)" in as_table(r)
