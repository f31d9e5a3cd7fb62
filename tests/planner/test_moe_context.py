"""Expert parallelism (all-to-all per MoE layer, experts spread over e ranks) and context
parallelism (each sequence split over c ranks, K/V passed around a ring) in the step model."""

import pytest

import planner

MOE = """
name: MoE
phases: [{name: A, nodes: [{system: dgx-h100, count: 64}]}]
workloads:
  - name: Mixtral-like
    model: {layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn_hidden: 14336, mlp: swiglu, vocabulary: 32000,
            experts: 8, top_k: 2, sequence_length: 4096}
    tokens: 1e12
    global_batch: 1024
    parallelism: PARALLELISM
"""


def predicted(parallelism: str):
    r = planner.evaluate(planner.loads(MOE.replace("PARALLELISM", parallelism)))
    return r.workloads[0].predicted


def test_expert_parallelism_spreads_expert_weights_and_pays_all_to_alls():
    one = predicted("{tensor: 1, pipeline: 1, zero: 1}")
    eight = predicted("{tensor: 1, pipeline: 1, zero: 1, expert: 8}")
    assert one.layout.expert == 1 and eight.layout.expert == 8 and eight.layout.text().endswith(" e8")
    assert one.step_parts["expert_comm_s"] == 0 and eight.step_parts["expert_comm_s"] > 0
    # 8 experts of 3 x 4096 x 14336 weights in each of 32 layers = 45.1 B; weights are bf16
    expert_weights = 32 * 8 * 3 * 4096 * 14336
    saved = one.memory_parts["weights_bytes"] - eight.memory_parts["weights_bytes"]
    assert saved == pytest.approx(2 * expert_weights * 7 / 8, rel=1e-6)
    # all-to-all volume per GPU per MoE layer: 4 x (tokens x top_k x h x 2 bytes x 7/8) per microbatch,
    # inside one 8-GPU node over NVLink (450 GB/s x 0.78), plus one NVLink latency (1 us) per all-to-all
    # (2026-11-29: the latency added, 0.04283 s -> 0.04308 s)
    micro = 1024 / 512
    per_layer = 4 * (4096 * 2 * 4096 * 2 * 7 / 8 / (450e9 * 0.78) + 1e-6)
    assert eight.step_parts["expert_comm_s"] == pytest.approx(micro * 32 * per_layer, rel=1e-6)


def test_the_search_spreads_the_experts_over_the_data_ranks():
    pr = predicted("auto")
    assert pr.layout.expert == 8 and pr.fits


def test_context_parallelism_splits_sequences_and_passes_kv_around():
    base = predicted("{tensor: 8, pipeline: 1, zero: 1}")
    cp = predicted("{tensor: 8, pipeline: 1, zero: 1, context: 2}")
    assert cp.layout.context == 2 and cp.gpus_used == base.gpus_used == 512
    assert cp.layout.data * 2 == base.layout.data  # the same accelerators, half as many replicas
    # activations per GPU halve with half the tokens of each sequence
    assert cp.memory_parts["activations_bytes"] == pytest.approx(base.memory_parts["activations_bytes"] / 2,
                                                                 rel=0.01)
    assert cp.layout.text().endswith(" c2")


@pytest.mark.parametrize("parallelism, expected", [
    ("{tensor: 1, context: 3}", "parallelism.context: expected a context-parallel size dividing the sequence"),
    ("{tensor: 1, expert: 3}", "parallelism.expert: expected an expert-parallel size dividing the 8 experts"),
    ("{tensor: 8, pipeline: 8, context: 16}", "tensor x pipeline x context x data at most"),
])
def test_impossible_context_and_expert_layouts_are_refused(parallelism, expected):
    with pytest.raises(planner.PlanError, match=expected.replace("(", "\\(")):
        planner.loads(MOE.replace("PARALLELISM", parallelism))


def test_expert_parallelism_on_a_dense_model_is_refused():
    dense = MOE.replace("experts: 8, top_k: 2, ", "")
    with pytest.raises(planner.PlanError, match="expert 1 for a dense model"):
        planner.loads(dense.replace("PARALLELISM", "{tensor: 1, expert: 2}"))


# -- the MoE terms of planner/perf/moe.py, each against a figure worked by hand --------------------

QWEN3_30B = """
name: Qwen3-30B-A3B
phases: [{name: A, nodes: [{system: dgx-h100, count: 2}]}]
network: {fabric: infiniband-ndr}
workloads:
  - name: Qwen3-30B-A3B
    model: {layers: 48, hidden: 2048, heads: 32, kv_heads: 4, head_dim: 128, ffn_hidden: 6144, mlp: swiglu,
            experts: 128, top_k: 8, expert_ffn_hidden: 768, sequence_length: 4096, vocabulary: 151936}
    tokens: 1e12
    global_batch: 512
    precision: PRECISION
    parallelism: {tensor: 1, pipeline: 2, microbatch: 2, interleave: 24, zero: 1, recompute: none, expert: EP,
                  sequence_parallel: false}
"""


def qwen3(ep=8, precision="bf16"):
    from planner.perf.predict import shape_of
    plan = planner.loads(QWEN3_30B.replace("EP", str(ep)).replace("PRECISION", precision))
    return plan, shape_of(plan.workloads[0])


def test_expert_gemms_run_at_their_own_narrower_width():
    """Qwen3-30B-A3B's experts are 768 wide beside a hidden of 2,048: the up projection (gate + up,
    2 x 768 = 1,536 wide) runs at the efficiency of width 1,536 and the down projection at 768's,
    with efficiency w / (w + 250) (Hopper), so they take 1.0846 x the time of dense GEMMs of
    width 2,048, weighted 2:1 by FLOPs: 0.8912 x (2 / 0.8600 + 1 / 0.7544) / 3."""
    from planner.perf import moe
    from planner.perf.calibration import DEFAULT
    _, shape = qwen3()
    eff = lambda w: w / (w + 250.0)  # noqa: E731 - a rate law of the shape step.py uses
    no_rows = DEFAULT.set(("expert_tokens_half",), 0.0)
    factor = moe.expert_matmul_factor(shape, eff, 1, 8192.0, 8, no_rows)
    xf = shape.expert_matmul_fraction
    width_slow = eff(2048) * (2 / eff(1536) + 1 / eff(768)) / 3
    assert width_slow == pytest.approx(1.0846, abs=1e-4)
    assert factor == pytest.approx(1 - xf + xf * width_slow * 1.10)  # and the busiest expert: +10%
    # rows: 8,192 tokens x top-8 x 8 ranks / 128 experts = 4,096 per expert, halving at 1,830: x 1.4468
    assert moe.expert_tokens(shape, 8192.0, 8) == 4096
    with_rows = moe.expert_matmul_factor(shape, eff, 1, 8192.0, 8, DEFAULT.set(("expert_tokens_half",), 1830.0))
    assert with_rows == pytest.approx(1 - xf + xf * width_slow * (4096 + 1830) / 4096 * 1.10)


def test_permutation_and_router_bytes():
    """Per token of a Qwen3-30B-A3B layer (h 2,048, top-8, 128 experts) on a rank of 8 holding 16
    experts: router 3 x 128 fp32 = 1,536 B; permutation + unpermutation 2 x (1 + 8) x 2,048 x 2 =
    73,728 B; the local sort by expert and back 2 x 2 x 8 x 2,048 x 2 = 131,072 B; in FP8 the cast of
    the 7 extra copies 3 x 7 x 2,048 = 43,008 B. With one expert per rank (EP 128) there is no sort."""
    from planner.perf import moe
    _, shape = qwen3()
    assert moe.permutation_bytes(shape, 1.0, 8, False) == 1536 + 73728 + 131072
    assert moe.permutation_bytes(shape, 1.0, 8, True) == 1536 + 73728 + 131072 + 43008
    assert moe.permutation_bytes(shape, 1.0, 128, False) == 1536 + 73728
    assert moe.permutation_bytes(shape, 8192.0, 1, False) == 8192 * (1536 + 73728)  # no dispatch, no sort


def test_permutation_bytes_join_the_memory_bound_time():
    from planner.catalog import for_plan
    from planner.perf.calibration import DEFAULT
    from planner.perf.predict import batch_of, machine_of, run_model, stated_layout
    plan, shape = qwen3()
    w = plan.workloads[0]
    results = planner.evaluate(plan)
    machine = machine_of(plan, for_plan(plan), 0, results.phases[0], w.precision, 16, w)
    parts = run_model(shape, batch_of(w), machine, stated_layout(w, shape, 16))
    # 32 microbatches of 8,192 tokens x 24 MoE layers per stage x (forward + backward) x 206,336 B
    # over H100's 3.35 TB/s x 0.75 (Hopper's memory-bound efficiency): 1.033 s
    expected = 32 * 24 * 2 * 8192 * (1536 + 73728 + 131072) / (3.35e12 * DEFAULT.generation("hopper").memory_efficiency)
    assert expected == pytest.approx(1.033, abs=1e-3)
    assert parts["expert_permute_s"][0] == pytest.approx(expected, rel=1e-9)
    pr = results.workloads[0].predicted
    assert pr.step_parts["memory_bound_s"] == pytest.approx(parts["memory_bound_s"][0])
    assert pr.step_parts["memory_bound_s"] > expected


def test_all_to_all_over_nvlink_inside_a_node_and_the_fabric_beyond():
    """8,192 tokens x top-8 copies of 2,048 (bf16) = 268 MB per rank. EP 8 in an 8-GPU node: 7/8 of
    it over NVLink. EP 16 over two nodes: 7/16 over NVLink, 8/16 through the NIC, side by side, so the
    NIC's 134 MB at 50 GB/s sets the time; with routed_nodes 1 a token crosses to one node at most, as
    one copy, not 4 (8 x 8/16)."""
    from planner.perf import moe
    _, shape = qwen3()
    up, out = 450e9 * 0.78, 50e9 * 0.78
    volume = 8192 * 8 * 2048 * 2
    in_node = moe.all_to_all_s(shape, 8192.0, 1, 8, 8, 16, up, out, out, 1e-6, 5.9e-6)
    assert in_node == pytest.approx(volume * 7 / 8 / up + 1e-6)
    two = moe.all_to_all_s(shape, 8192.0, 1, 16, 8, 16, up, out, out, 1e-6, 5.9e-6)
    assert two == pytest.approx(max(volume * 7 / 16 / up, volume * 8 / 16 / out) + 5.9e-6)
    import dataclasses
    limited = dataclasses.replace(shape, routed_nodes=1)
    # 2 nodes, at most 1 reached: 1 x (2 - 1) / 2 = 0.5 copies of h per token through the NIC; 8 x 7/8 over NVLink
    one = moe.all_to_all_s(limited, 8192.0, 1, 16, 8, 16, up, out, out, 1e-6, 5.9e-6)
    assert one == pytest.approx(max(8192 * 7 * 2048 * 2 / up, 8192 * 0.5 * 2048 * 2 / out) + 5.9e-6)
    # beyond the pod (a pod of 8 here): the remote half at the top tier's bandwidth
    across = 25e9 * 0.78
    far = moe.all_to_all_s(shape, 8192.0, 1, 16, 8, 8, up, out, across, 1e-6, 5.9e-6)
    assert far == pytest.approx(volume * 8 / 16 / across + 5.9e-6)


def test_overlapped_all_to_alls_cost_only_what_compute_cannot_hide():
    """DualPipe: an all-to-all beside another chunk's compute is hidden, but its kernels hold 20 of
    132 SMs, slowing that compute by 20 / 112 of the hidden time."""
    from planner.perf import moe
    assert moe.overlapped(10.0, 30.0) == pytest.approx(10 * 20 / 112)
    assert moe.overlapped(40.0, 30.0) == pytest.approx(10 + 30 * 20 / 112)


def test_host_launches_per_local_expert():
    """16 local experts x 6 GEMM launches (2 forward, 4 backward) x 50 us = 4.8 ms per MoE layer and
    microbatch; the shipped 45 us (fitted) gives 4.32 ms."""
    from planner.perf import moe
    from planner.perf.calibration import DEFAULT
    _, shape = qwen3()
    cal = DEFAULT.set(("expert_launch_s",), 50e-6)
    assert moe.host_launch_s(shape, 8, 3.0, cal) == pytest.approx(4.8e-3)
    assert moe.host_launch_s(shape, 8, 4.0, cal) == pytest.approx(6.4e-3)  # recomputed forward
    assert moe.host_launch_s(shape, 8, 3.0, DEFAULT) == pytest.approx(4.32e-3)
    plan, _ = qwen3()
    pr = planner.evaluate(plan).workloads[0].predicted
    assert pr.step_parts["expert_host_s"] > 0.0


def test_deepseek_v3_overlaps_its_all_to_alls_and_limits_them_to_four_nodes():
    """The published run (validation/runs/deepseek-2024-v3-671b.yaml): EP 64 over 8 nodes, each
    token's experts on at most 4 of them, DualPipe hiding the all-to-alls behind compute."""
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "validation" / "runs" / "deepseek-2024-v3-671b.yaml"
    text = path.read_text()
    pr = planner.evaluate(planner.loads(text)).workloads[0].predicted
    assert pr.layout.expert_overlap and pr.layout.text().endswith("e64 overlapped")
    plain = planner.evaluate(planner.loads(text.replace("expert_overlap: true", "expert_overlap: false")
                                           .replace("routed_nodes: 4, ", ""))).workloads[0].predicted
    assert not plain.layout.expert_overlap
    # the all-to-alls dominate without either; with both, less than a tenth of them is exposed
    assert plain.step_parts["expert_comm_s"] > plain.step_parts["matmul_s"]
    assert pr.step_parts["expert_comm_s"] < 0.1 * plain.step_parts["expert_comm_s"]
    assert 1.8 < pr.tokens_per_s / plain.tokens_per_s < 2.2
