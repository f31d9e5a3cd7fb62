"""The performance model's parts behave as the formulas say."""

import numpy as np
import pytest

import planner
from planner.perf.failures import failures
from planner.perf.search_space import enumerate_layouts
from planner.perf.step import Machine, Shape, evaluate, model_flops_per_step, parameters_of

A100 = Machine(gpus=1024, gpus_per_node=8, peak_flops=312e12, memory_bytes=80e9, memory_bandwidth=2039e9,
               scale_up_bandwidth=300e9, scale_out_bandwidth=25e9)
GPT3 = Shape(96, 12288, 96, 2048, 51200, parameters_of(96, 12288, 2048, 51200), flash_attention=False)


def one(**kw):
    layout = dict(t=8, p=8, d=16, m=1, v=1, z=1, rc=2, sp=True)
    layout.update(kw)
    r = evaluate(GPT3, 1536, A100, *([layout[k]] for k in ("t", "p", "d", "m", "v", "z", "rc", "sp")))
    return {k: float(v[0]) for k, v in r.items()}


def test_parameter_count_of_gpt3():
    assert parameters_of(96, 12288, 2048, 51200) == pytest.approx(174.6e9, rel=0.005)


def test_model_flops_formula():
    # 72 B s l h^2 (1 + s/(6h) + V/(12 l h)) is about 6 x P x tokens
    flops = model_flops_per_step(GPT3, 1536)
    assert flops == pytest.approx(6 * GPT3.parameters * 1536 * 2048, rel=0.06)


def test_step_parts_add_up():
    r = one()
    parts = ("matmul_s", "memory_bound_s", "tensor_comm_s", "pipeline_bubble_s", "pipeline_comm_s",
             "data_comm_exposed_s", "optimizer_s")
    assert sum(r[k] for k in parts) == pytest.approx(r["step_time_s"], rel=1e-9)


def test_bubble_formula():
    r = one()
    micro = 1536 / 16
    # bubble share of the pipelined part = (p - 1) / (v M + p - 1)
    share = r["pipeline_bubble_s"] / (r["matmul_s"] + r["memory_bound_s"] + r["tensor_comm_s"]
                                      + r["pipeline_bubble_s"])
    assert share == pytest.approx(7 / (micro + 7), rel=1e-6)
    assert one(v=2)["pipeline_bubble_s"] == pytest.approx(r["pipeline_bubble_s"] / 2, rel=1e-6)


def test_recompute_trades_time_for_memory():
    none, sel, full = one(rc=0), one(rc=1), one(rc=2)
    assert full["activations_bytes"] < sel["activations_bytes"] < none["activations_bytes"]
    assert full["step_time_s"] > none["step_time_s"]


def test_zero_stages_shard_states():
    z = [one(z=k)["memory_bytes"] for k in range(4)]
    assert z[0] > z[1] > z[2] > z[3]
    # ZeRO (Rajbhandari et al.): 16 bytes per parameter unsharded
    r = one(z=0)
    local = GPT3.parameters / 64
    assert r["weights_bytes"] + r["gradients_bytes"] + r["optimizer_bytes"] == pytest.approx(16 * local, rel=0.02)


def test_tensor_parallel_over_nodes_is_slower():
    machine = Machine(**{**A100.__dict__, "gpus_per_node": 4, "scale_up_bandwidth": 25e9})
    r_node = evaluate(GPT3, 1536, A100, [8], [8], [16], [1], [1], [1], [2], [True])["tensor_comm_s"][0]
    r_slow = evaluate(GPT3, 1536, machine, [8], [8], [16], [1], [1], [1], [2], [True])["tensor_comm_s"][0]
    assert r_slow > 5 * r_node


def test_small_matmuls_run_below_peak():
    # the same work split 8 ways has smaller matrix multiplications: lower efficiency
    wide = evaluate(GPT3, 1536, A100, [1], [8], [128], [1], [1], [3], [2], [False])
    narrow = evaluate(GPT3, 1536, A100, [8], [8], [16], [1], [1], [3], [2], [False])
    per_gpu_wide = wide["matmul_s"][0] / (wide["hardware_flops"][0] / 1024)
    per_gpu_narrow = narrow["matmul_s"][0] / (narrow["hardware_flops"][0] / 1024)
    assert per_gpu_narrow > per_gpu_wide


def test_layouts_are_valid():
    lay = enumerate_layouts(GPT3, 1536, 1024, 8)
    t, p, d, m, v = (lay[k] for k in ("tensor", "pipeline", "data", "microbatch", "interleave"))
    assert len(t) > 1000
    assert np.all(96 % t == 0) and np.all(t <= 8)
    assert np.all(t * p * d <= 1024)
    assert np.all(1536 % (d * m) == 0)
    assert np.all((v == 1) | ((1536 // (d * m)) % p == 0))


def test_failures_young_daly():
    f = failures(train_s=30 * 86400, gpus=16384, parameters=405e9, write_bandwidth=1e12)
    # MTBF of 16,384 GPUs at 1.97e-5 per GPU-hour: about 3.1 hours (Llama 3: 419 in 54 days)
    assert f.mtbf_s / 3600 == pytest.approx(1 / (16384 * 419 / (16384 * 54 * 24)), rel=1e-9)
    assert f.checkpoint_interval_s == pytest.approx((2 * f.checkpoint_write_s * f.mtbf_s) ** 0.5)
    assert 0.8 < f.goodput < 1.0
    assert f.expected_interruptions == pytest.approx(f.time_s / f.mtbf_s)


def test_more_gpus_predict_no_slower_search():
    base = """
name: x
phases: [{name: A, nodes: [{system: dgx-h100, count: COUNT}]}]
workloads:
  - {name: w, model: {layers: 32, hidden: 4096, heads: 32}, tokens: 1e12, global_batch: 1024, parallelism: auto}
"""
    times = [planner.evaluate(planner.loads(base.replace("COUNT", str(n)))).workloads[0].predicted.train_time_s
             for n in (16, 32, 64)]
    assert times[0] > times[1] > times[2]


def test_json_has_prediction(capsys):
    import json

    from planner.cli import main
    from tests.conftest import PRESETS

    assert main(["evaluate", str(PRESETS / "selene.yaml"), "--format", "json"]) == 0
    w = json.loads(capsys.readouterr().out)["workloads"][0]
    pr = w["predicted"]
    for key in ("mfu", "hfu", "achieved_flops_per_gpu", "step_time_s", "step_parts", "tokens_per_s",
                "memory_per_gpu_bytes", "memory_parts", "fits", "expected_interruptions", "goodput", "layout"):
        assert key in pr
    assert pr["layout"]["tensor"] == 8 and pr["layout"]["pipeline"] == 8
    assert w["mfu_source"] == "predicted"


def test_layout_command(capsys):
    from planner.cli import main
    from tests.conftest import PRESETS

    assert main(["layout", str(PRESETS / "selene.yaml"), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "layouts searched" in out and out.count("\n  ") >= 3
    assert main(["layout", str(PRESETS / "meta-rsc.yaml")]) == 1


def test_bad_layout_is_a_plan_error():
    with pytest.raises(planner.PlanError) as info:
        planner.loads("""
name: x
phases: [{name: A, nodes: [{system: dgx-h100, count: 4}]}]
workloads:
  - {name: w, model: {layers: 32, hidden: 4096, heads: 32}, tokens: 1e12, global_batch: 100,
     parallelism: {tensor: 3, pipeline: 64, data: 7}}
""")
    paths = {p.path for p in info.value.problems}
    assert {"workloads[0].parallelism.tensor", "workloads[0].parallelism.pipeline",
            "workloads[0].parallelism.data"} <= paths
