import dataclasses

import pytest

import planner


@pytest.fixture
def plan(minimal_text):
    return planner.loads(minimal_text)


def test_power_parts_add_up(plan):
    p = planner.evaluate(plan).power
    assert p.it_w == pytest.approx(p.accelerators_w + p.node_other_w + p.network_w + p.storage_w)
    assert p.it_max_w >= p.it_w
    assert p.facility_w == pytest.approx(p.it_w * 1.2)
    assert p.cooling_overhead_w == pytest.approx(p.facility_w - p.it_w)
    # 4 DGX H100: 32 x 700 W of GPUs under load, 4 x 8.5 kW in all
    assert p.accelerators_w == 32 * 700
    assert p.accelerators_w + p.node_other_w == 4 * 8500


def test_compute_time_is_6PD_over_sustained(plan):
    w = planner.evaluate(plan).workloads[0]
    assert w.total_flops == 6 * 7e9 * 1e12
    assert w.compute_time_s == pytest.approx(6 * 7e9 * 1e12 / (32 * 989.4e12 * 0.4))
    assert w.bound == "compute" and w.time_s == w.compute_time_s
    assert w.gpu_hours == pytest.approx(32 * w.time_s / 3600)
    assert w.energy_j == pytest.approx(w.it_power_w * w.time_s * 1.2)


def test_phases_are_cumulative(minimal_text):
    text = minimal_text.replace("network:", """  - name: Two
    nodes:
      - {system: dgx-b200, count: 2}
network:""")
    r = planner.evaluate(planner.loads(text))
    assert [p.gpus for p in r.phases] == [32, 48]
    assert r.gpus == 48
    assert r.peak_flops["bf16"] == pytest.approx(32 * 989.4e12 + 16 * 2250e12)
    assert r.phases[1].storage.capacity_bytes == 1e15  # storage of phase One carries over
    assert r.workloads[0].phase == "Two"


def test_default_mfu_from_catalog(plan):
    wl = dataclasses.replace(plan.workloads[0], mfu=None)
    r = planner.evaluate(dataclasses.replace(plan, workloads=(wl,)))
    assert r.workloads[0].mfu == pytest.approx(0.4)
    assert r.workloads[0].mfu_source == "catalog"


def codes(plan):
    return {w.code for w in planner.evaluate(plan).warnings}


def test_warning_over_power_budget(plan):
    f = dataclasses.replace(plan.facility, power_budget_w=10e3)
    assert "over-power-budget" in codes(dataclasses.replace(plan, facility=f))


def test_warning_gpus_exceed_online(plan):
    wl = dataclasses.replace(plan.workloads[0], gpus=64)
    r = planner.evaluate(dataclasses.replace(plan, workloads=(wl,)))
    warn = [w for w in r.warnings if w.code == "gpus-exceed-online"][0]
    assert warn.path == "workloads[0].gpus"


def test_warning_dataset_exceeds_storage_and_storage_bound(plan):
    ds = planner.plan.Dataset(size_bytes=2e15)
    wl = dataclasses.replace(plan.workloads[0], dataset=ds, parameters=1e6, tokens=1e6)
    c = codes(dataclasses.replace(plan, workloads=(wl,)))
    assert {"dataset-exceeds-storage", "storage-bound"} <= c


def test_warning_mfu_above_published(plan):
    wl = dataclasses.replace(plan.workloads[0], mfu=0.7)
    assert "mfu-above-published" in codes(dataclasses.replace(plan, workloads=(wl,)))


def test_warning_rack_over_cooling(plan):
    f = dataclasses.replace(plan.facility, cooling="air", rack_power_limit_w=60e3)
    assert "rack-over-cooling-limit" in codes(dataclasses.replace(plan, facility=f))


def test_warning_node_over_rack_limit(plan):
    f = dataclasses.replace(plan.facility, rack_power_limit_w=5e3)
    assert "node-over-rack-limit" in codes(dataclasses.replace(plan, facility=f))


def test_no_warnings_for_a_sound_plan(plan):
    assert codes(plan) == set()


def test_racks(plan):
    r = planner.evaluate(plan).racks
    # liquid cooling: 130 kW per rack, 42U / 8U = 5 DGX H100 fit by height
    assert r.nodes_per_rack == 5 and r.racks == 1


def test_opex_and_capex(plan):
    r = planner.evaluate(plan)
    assert r.cost.opex_usd_per_year == pytest.approx(r.power.facility_w * 365 * 86400 * 0.07 / 3.6e6)
    assert r.cost.capex_usd == pytest.approx(r.cost.nodes_usd + r.cost.network_usd + r.cost.storage_usd)
    assert r.cost.nodes_usd == 4 * 400_000
    assert r.cost.storage_usd == 1e6


def test_results_are_frozen(plan):
    r = planner.evaluate(plan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.gpus = 1


def test_read_pass_time():
    text = """
name: Reader
phases:
  - name: A
    nodes: [{system: dgx-a100, count: 1}]
    storage: [{name: S, capacity: 2 EB, read_bandwidth: 16 TB/s}]
workloads:
  - {name: Pass, dataset: {size: 1 EB, epochs: 2}}
"""
    w = planner.evaluate(planner.loads(text)).workloads[0]
    assert w.io_time_s == pytest.approx(2 * 62_500)
    assert w.bound == "storage" and w.compute_time_s == 0
