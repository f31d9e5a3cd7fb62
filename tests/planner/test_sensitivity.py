"""Sensitivity (issue 13, item 2): every numeric input of the plan and of the catalog entries it
uses, moved by a step either way, ranked by elasticity (d ln metric / d ln input)."""

import json
import math

import pytest

import planner
from planner.cli import main
from planner.decide_charts import build_tornado
from planner.inputs import inputs
from planner.sensitivity import sensitivity


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def fixed(minimal_text):
    """32 H100 on a run of fixed MFU 0.4 with its accelerator count stated: compute-bound."""
    return planner.loads(minimal_text.replace("mfu: 0.4}", "mfu: 0.4, gpus: 32}"))


def by_path(s):
    return {e.path: e for e in s.effects}


def test_a_compute_bound_runs_time(fixed):
    s = sensitivity(fixed, "time")
    e = by_path(s)
    assert e["workloads[0].mfu"].elasticity == pytest.approx(-1.0, abs=1e-12)  # time = work / (GPUs x peak x MFU)
    assert e["workloads[0].gpus"].elasticity == pytest.approx(-1.0, abs=1e-12)  # 32 -> 29 and 35
    assert (e["workloads[0].gpus"].low, e["workloads[0].gpus"].high) == (29, 35)
    assert e["workloads[0].tokens"].elasticity == pytest.approx(1.0, abs=1e-12)
    assert e["workloads[0].parameters"].elasticity == pytest.approx(1.0, abs=1e-12)
    assert e["catalog.accelerators.h100-sxm.peak_flops.bf16"].elasticity == pytest.approx(-1.0, abs=1e-12)
    assert all(abs(x.elasticity) == pytest.approx(1.0) for x in s.effects)  # nothing else moves it
    assert "facility.pue" not in e and "phases[0].storage[0].price" not in e
    assert s.unaffected > 20
    assert s.base == pytest.approx(6 * 7e9 * 1e12 / (32 * 989.4e12 * 0.4))


def test_node_counts_share_the_gpu_count_when_it_is_not_stated():
    rsc = planner.load(planner.preset_path("meta-rsc"))
    e = by_path(sensitivity(rsc, "time", 0))
    p1, p2 = e["phases[0].nodes[0].count"].elasticity, e["phases[1].nodes[0].count"].elasticity
    assert p1 == pytest.approx(-0.379, abs=1e-3) and p2 == pytest.approx(-0.619, abs=1e-3)  # 760 and 1,240 of 2,000
    assert p1 + p2 == pytest.approx(-1.0, abs=0.01)


def test_a_storage_bound_run_moves_with_bandwidth_not_mfu():
    rsc = planner.load(planner.preset_path("meta-rsc"))
    s = sensitivity(rsc, "time", 2)  # one pass over an exabyte: 17.36 h of reading
    e = by_path(s)
    bandwidths = [x for p, x in e.items() if p.endswith("read_bandwidth")]
    assert sorted(x.path for x in bandwidths) == [f"phases[{i}].storage[{j}].read_bandwidth"
                                                  for i, j in ((0, 0), (0, 1), (0, 2), (1, 0))]
    assert sum(x.elasticity for x in bandwidths) == pytest.approx(-1.0, abs=0.01)
    assert e["workloads[2].dataset.size"].elasticity == pytest.approx(1.0)
    assert not any("mfu" in p or "peak_flops" in p for p in e)


def test_bounded_inputs_give_a_one_sided_difference(fixed):
    assert by_path(sensitivity(fixed, "energy"))["facility.pue"].low == pytest.approx(1.08)  # 1.2 moves both ways
    efficient = planner.loads(planner.dumps(fixed).replace("pue: 1.2", "pue: 1.05"))
    s = sensitivity(efficient, "energy")
    pue = by_path(s)["facility.pue"]  # 1.05: -10% is below 1, refused; +10% gives a forward difference
    assert (pue.low, pue.metric_low, pue.high) == (1.05, s.base, pytest.approx(1.155))
    assert pue.elasticity == pytest.approx(1.0)
    high = planner.loads(planner.dumps(fixed).replace("mfu: 0.4", "mfu: 0.95"))
    mfu = by_path(sensitivity(high, "time"))["workloads[0].mfu"]
    assert mfu.high == 0.95 and mfu.low == pytest.approx(0.855)  # 1.045 is above 1
    assert mfu.elasticity == pytest.approx(-1.0)


def linear(share: float, step: float = 0.1) -> float:
    """The central-difference elasticity of m = m0 (1 - share + share x / x0) at +-step."""
    return math.log((1 + share * step) / (1 - share * step)) / math.log((1 + step) / (1 - step))


def test_cluster_figures_and_catalog_prices():
    rsc = planner.load(planner.preset_path("meta-rsc"))
    r = planner.evaluate(rsc)
    s = sensitivity(rsc, "capex", results=r)
    e = by_path(s)
    share = r.cost.nodes_usd / r.cost.capex_usd  # capex is linear in the system price
    assert e["catalog.systems.dgx-a100.price"].elasticity == pytest.approx(linear(share), rel=1e-12)
    assert linear(share) == pytest.approx(share, rel=2e-3)  # the central difference of a line: close to its share
    assert s.effects[0].path == "phases[1].nodes[0].count"
    assert not any(p.startswith("workloads") for p in e)
    power = by_path(sensitivity(rsc, "facility_power", results=r))
    assert power["catalog.systems.dgx-a100.typical_power"].elasticity == pytest.approx(
        linear(2000 * 4300 / r.power.it_w), rel=1e-12)  # nodes x typical power over IT power
    assert power["facility.pue"].elasticity == pytest.approx(1.0)


def test_inputs_cover_plan_and_used_catalog_entries():
    rsc = planner.load(planner.preset_path("meta-rsc"))
    paths = [i.path for i in inputs(rsc, 0)]
    assert paths[:2] == ["phases[0].nodes[0].count", "phases[0].storage[0].capacity"]
    assert "catalog.cooling.air.typical_pue" in paths and "catalog.fabrics.infiniband-hdr.switch_price" in paths
    assert not any(p.startswith("workloads[1]") for p in paths)
    assert len(paths) == 61  # with the catalog switch models RSC names and dgx-a100's host figures


def test_a_catalog_figure_is_moved_by_an_override_of_the_same_id(fixed):
    peak = next(i for i in inputs(fixed) if i.path == "catalog.accelerators.h100-sxm.peak_flops.bf16")
    moved = peak.set(fixed, 1000e12)
    assert [a.id for a in moved.catalog.accelerators] == ["h100-sxm"]
    assert moved.catalog.accelerators[0].peak_flops["bf16"] == 1000e12
    assert moved.catalog.accelerators[0].tdp_w == 700  # the rest of the entry as built in
    assert planner.loads(planner.dumps(moved)) == moved


def test_tornado_chart(fixed):
    s = sensitivity(fixed, "time")
    chart = build_tornado(s)
    assert chart.key == "tornado" and chart.panels[0].y.categories[-1] == s.effects[0].path
    low, high = chart.panels[0].series
    assert low.style == high.style == "horizontal-bars"
    assert low.x[0] == pytest.approx(100 * (s.effects[0].metric_low / s.base - 1))  # the top row
    assert low.y[0] == 4.2 and high.y[-1] == -0.2  # two bars per row: lowered above, raised below
    assert len(low.x) == len(s.effects) == 5


def test_sensitivity_command(capsys):
    code, out, _ = run(capsys, "sensitivity", "meta-rsc", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["metric"] == "time" and data["workload"] == "GPT-3 175B on all GPUs" and data["step"] == 0.1
    first = data["inputs"][0]
    assert first["path"] == "catalog.accelerators.a100-80gb.peak_flops.bf16"
    assert first["elasticity"] == pytest.approx(-1.0)
    code, out, _ = run(capsys, "sensitivity", "meta-rsc", "--metric", "facility_power", "--step", "5%", "--top", "3")
    assert code == 0
    assert "Facility power under load: 12.53 MW" in out and "each input -5% and +5%" in out
    assert "catalog.systems.dgx-a100.typical_power" in out
    code, out, _ = run(capsys, "sensitivity", "selene", "--workload", "GPT 1T (Megatron estimate)")
    assert code == 0 and "workloads[2].achieved_flops" in out


@pytest.mark.parametrize("argv,message", [
    (("--step", "150%"), "--step: expected a step between 0% and 100% (both excluded), found '150%'"),
    (("--step", "ten"), "--step: expected a step such as 10% or 0.1, found 'ten'"),
    (("--workload", "nope"), "--workload: expected the name of a workload of the plan: GPT-3 175B on all GPUs"),
])
def test_sensitivity_command_mistakes(capsys, argv, message):
    code, _, err = run(capsys, "sensitivity", "meta-rsc", *argv)
    assert code == 1 and message in err and "Traceback" not in err


def test_a_run_that_never_finishes_has_no_elasticities():
    from tests.planner.test_charts import never_finishing

    plan = never_finishing(planner.load(planner.preset_path("meta-rsc")))
    s = sensitivity(plan, "time", 2)
    assert math.isinf(s.base) and s.effects == ()
    assert build_tornado(s).notes == ("Time of the run is infinite (the run never finishes): no input moves it by a "
                                      "percentage.",)


def test_a_step_is_said_to_be_one():
    """Selene's GPT-3 layout has tensor groups of 8: nodes of 7 or of 9 accelerators both split
    them across nodes, so both changes slow the run (+98% and +129%): a step, not a slope."""
    selene = planner.load(planner.preset_path("selene"))
    s = sensitivity(selene, "time", 0)
    e = by_path(s)["catalog.systems.dgx-a100.accelerators"]
    assert e.change("low", s.base) == pytest.approx(0.98, abs=0.01)
    assert e.change("high", s.base) == pytest.approx(1.29, abs=0.01)
    # (the sequence length moves it by under 0.5%: fewer, longer steps trade per-step costs against
    # attention's quadratic term; changes below 0.1% either way would not be called a step)
    seq = by_path(s)["workloads[0].model.sequence_length"]
    assert abs(seq.change("low", s.base)) < 5e-3 and abs(seq.change("high", s.base)) < 5e-3 and seq.monotone(s.base)
    assert not e.monotone(s.base) and all(x.monotone(s.base) for x in s.effects if x is not e)
    assert "dgx-a100 accelerators: lowering and raising move it the same way (a step, not a slope)" in \
        build_tornado(s).notes
    assert s.to_dict()["inputs"][[x.path for x in s.effects].index(e.path)]["monotone"] is False
