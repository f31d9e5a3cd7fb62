"""2026 machines: scale-up domains (tensor parallelism across an NVL72 rack at NVLink speed),
rack-scale liquid-cooled systems, switch models, the new catalog entries."""

import pytest

import planner
from planner import catalog
from planner.errors import PlanError
from planner.perf.calibration import DEFAULT
from planner.perf.predict import machine_of
from planner.perf.search_space import search_space
from planner.perf.step import Shape, evaluate

CAT = catalog.builtin()


def plan_text(system, count, cooling="liquid", network="{fabric: infiniband-ndr}", workloads=""):
    return f"""
name: Test
phases: [{{name: A, nodes: [{{system: {system}, count: {count}}}]}}]
network: {network}
facility: {{cooling: {cooling}}}
{workloads}
"""


def evaluate_text(text):
    return planner.evaluate(planner.loads(text))


def codes(result):
    return {w.code for w in result.warnings}


# -- scale-up domain ----------------------------------------------------------------------------
def test_scale_up_domain_defaults_to_the_systems_accelerators():
    assert CAT.systems["dgx-h100"].scale_up_domain is None and CAT.systems["dgx-h100"].domain == 8
    assert CAT.systems["gb200-nvl72"].domain == 72 and CAT.systems["gb300-nvl72"].domain == 72
    assert CAT.systems["mi355x-platform"].domain == 8


def test_machine_description_uses_the_scale_up_domain():
    nvl = evaluate_text(plan_text("gb200-nvl72", 8)).phases[0].machine
    assert nvl.gpus_per_node == 72
    # per direction: half of the 1.8 TB/s NVLink 5 figure (both directions added)
    assert nvl.scale_up_bandwidth_bytes_per_s == 0.9e12
    dgx = evaluate_text(plan_text("dgx-h100", 32)).phases[0].machine
    assert dgx.gpus_per_node == 8 and dgx.scale_up_bandwidth_bytes_per_s == 450e9
    h800 = evaluate_text(plan_text("hgx-h800", 32)).phases[0].machine
    assert h800.scale_up_bandwidth_bytes_per_s == 200e9  # H800: 400 GB/s both directions


SHAPE = Shape(layers=8, hidden=9216, heads=144, sequence=4096, vocabulary=32000, parameters=8.5e9)


def test_search_offers_tensor_parallelism_up_to_72_on_nvl72():
    space = search_space(SHAPE, 576, 576, 72, 2)
    assert set(space.tensors) == {1, 2, 3, 4, 6, 8, 9, 12, 18, 24, 36, 72}
    assert max(search_space(SHAPE, 576, 576, 8, 2).tensors) == 8  # a DGX node caps it at 8


def _tensor_comm(machine, t):
    r = evaluate(SHAPE, 576, machine, [t], [1], [576 // t], [1], [1], [1], [0], [True])
    return r["tensor_comm_s"][0]


def _expected(t, bandwidth, batch=576, d=None, latency=None):
    # SC21 ring all-reduce: 4 per layer (no recompute), 2 (t-1)/t x m s h x 2 bytes, per microbatch,
    # plus 2 (t-1) ring steps of latency each (NVLink's within the domain, the fabric's beyond)
    cal = DEFAULT
    in_domain = bandwidth > 100e9
    eff = cal.nvlink_efficiency if in_domain else cal.fabric_efficiency
    latency = latency if latency is not None else (cal.nvlink_latency_s if in_domain else cal.fabric_latency_s)
    micro = batch / (batch // t)
    per = SHAPE.layers * 4 * (2 * (t - 1) / t * SHAPE.sequence * SHAPE.hidden * 2 / (bandwidth * eff)
                              + 2 * (t - 1) * latency)
    return micro * per


def test_72_way_tensor_parallelism_is_costed_at_nvlink_speed_on_nvl72():
    plan = planner.loads(plan_text("gb200-nvl72", 8))
    phase = planner.evaluate(plan).phases[0]
    machine = machine_of(plan, CAT, 0, phase, "bf16", 576)
    assert machine.gpus_per_node == 72
    assert _tensor_comm(machine, 72) == pytest.approx(_expected(72, 0.9e12))


def test_16_way_tensor_parallelism_on_dgx_h100_is_costed_over_the_fabric():
    plan = planner.loads(plan_text("dgx-h100", 72))
    phase = planner.evaluate(plan).phases[0]
    machine = machine_of(plan, CAT, 0, phase, "bf16", 576)
    assert machine.gpus_per_node == 8 and machine.scale_out_bandwidth == 50e9
    assert _tensor_comm(machine, 16) == pytest.approx(_expected(16, 50e9))
    assert _tensor_comm(machine, 8) == pytest.approx(_expected(8, 450e9))


RUN = """workloads:
  - name: Wide
    model: {{layers: 8, hidden: 9216, heads: 144, sequence_length: 4096, vocabulary: 32000}}
    tokens: 1e9
    global_batch: 576
    gpus: 576
    parallelism: {{tensor: {t}, pipeline: 1, recompute: none}}
"""


def test_tensor_72_on_nvl72_needs_no_warning_but_16_on_dgx_does():
    nvl = evaluate_text(plan_text("gb200-nvl72", 8, workloads=RUN.format(t=72)))
    assert "tensor-spans-nodes" not in codes(nvl)
    dgx = evaluate_text(plan_text("dgx-h100", 72, workloads=RUN.format(t=16)))
    assert "tensor-spans-nodes" in codes(dgx)
    nvl_tp = nvl.workloads[0].predicted.step_parts["tensor_comm_s"]
    dgx_tp = dgx.workloads[0].predicted.step_parts["tensor_comm_s"]
    # per microbatch (576 sequences over 576 / t replicas: t microbatches each), the ring's
    # (t-1)/t of the bytes over 50 GB/s of InfiniBand against 900 GB/s of NVLink: 17 times longer
    # on bandwidth; the 72-rank ring pays 142 steps of NVLink latency per all-reduce, the
    # 16-rank one 30 of the fabric's
    mb = 4096 * 9216 * 2  # m s h bytes
    dgx_one = 2 * 15 / 16 * mb / (50e9 * DEFAULT.fabric_efficiency) + 30 * DEFAULT.fabric_latency_s
    nvl_one = 2 * 71 / 72 * mb / (0.9e12 * DEFAULT.nvlink_efficiency) + 142 * DEFAULT.nvlink_latency_s
    assert (dgx_tp / 16) / (nvl_tp / 72) == pytest.approx(dgx_one / nvl_one)
    assert (15 / 16 / 50e9) / (71 / 72 / 0.9e12) == pytest.approx(17.1, abs=0.05)
    assert dgx_one / nvl_one > 8


# -- rack-scale systems ---------------------------------------------------------------------------
def test_an_nvl72_is_one_rack():
    r = evaluate_text(plan_text("gb200-nvl72", 8))
    assert r.racks.racks == 8 and r.racks.nodes_per_rack == 1
    assert r.racks.rack_power_w == 121_200 and r.racks.rack_power_max_w == 126_000
    assert r.gpus == 576
    assert codes(r) == set()


def test_a_gb200_scalable_unit_is_about_1_2_mw():
    # NVIDIA DGX SuperPOD GB200 RA: an SU of 8 racks needs about 1.2 MW (its figure also covers the
    # management, storage and in-band networks this plan leaves out)
    r = evaluate_text(plan_text("gb200-nvl72", 8, network="{fabric: infiniband-ndr, topology: rail-optimized, "
                                                         "scalable_unit: 8}"))
    # 8 x 126 kW + fabric 50.3 kW: 32 leaves and 9 spines at 750 W, 2,304 optics at 8.5 W
    assert r.power.it_max_w == pytest.approx(1.0583e6, rel=0.001)
    assert 0.85 < r.power.it_max_w / 1.2e6 < 1.0


def test_liquid_cooled_systems_warn_under_air():
    air = evaluate_text(plan_text("gb200-nvl72", 2, cooling="air"))
    found = {w.code: w for w in air.warnings}
    assert found["needs-liquid-cooling"].path == "facility.cooling"
    assert "gb200-nvl72 needs liquid cooling" in found["needs-liquid-cooling"].message
    assert "node-over-rack-limit" in found  # 126 kW against air's 25 kW
    assert "needs-liquid-cooling" in codes(evaluate_text(plan_text("mi355x-platform", 2, cooling="rear-door")))
    assert "needs-liquid-cooling" not in codes(evaluate_text(plan_text("gb300-nvl72", 2, cooling="immersion")))
    assert "needs-liquid-cooling" not in codes(evaluate_text(plan_text("dgx-b300", 2, cooling="air")))


def test_gb300_nvl72_fits_the_liquid_rack_limit():
    r = evaluate_text(plan_text("gb300-nvl72", 4))
    assert r.racks.rack_power_max_w == pytest.approx(143_420)  # NVIDIA: up to 142 kW, + 1% CDU
    assert "node-over-rack-limit" not in codes(r)


# -- switch models ----------------------------------------------------------------------------------
def test_switch_slower_than_the_fabric_warns():
    r = evaluate_text(plan_text("dgx-h100", 16, network="{fabric: infiniband-ndr, top_switch: cs8500}"))
    w = next(w for w in r.warnings if w.code == "switch-slower-than-fabric")
    assert w.path == "network.top_switch" and "200 Gb/s" in w.message and "400 Gb/s" in w.message


def test_unknown_switch_is_refused():
    with pytest.raises(PlanError) as e:
        planner.loads(plan_text("dgx-h100", 4, network="{fabric: infiniband-ndr, switch: cs9999}"))
    assert "network.switch" in str(e.value) and "a switch id from the catalog" in str(e.value)


def test_network_result_names_each_tiers_switch():
    r = evaluate_text(plan_text("dgx-h100", 128, network="{fabric: infiniband-ndr, switch: qm9700, "
                                                         "topology: rail-optimized}"))
    assert r.network.switch_models == ("qm9700", "qm9700") and r.network.switches_per_level == (32, 16)
    assert r.network.scalable_units == 4
