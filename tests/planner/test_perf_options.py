"""Issue 11, item 5: tensor-parallel overlap and optimizer offload as layout options
(planner/perf/options.py), with hand-worked figures."""

from pathlib import Path

import numpy as np
import pytest

import planner
from planner import validation as v
from planner.perf.calibration import DEFAULT
from planner.perf.options import HOST_MEMORY_EFFICIENCY
from planner.perf.predict import machine_of, search, shape_of

ROOT = Path(__file__).resolve().parents[2]
LLAMA_70B = ("{layers: 80, hidden: 8192, heads: 64, kv_heads: 8, ffn_hidden: 28672, mlp: swiglu, "
             "sequence_length: 8192, vocabulary: 128256}")
P_70B = 70.5537e9  # planner.sections.counts of that shape


def plan(nodes: int, parallelism: str, software: str = "megatron", system: str = "dgx-h100", batch: int = 64):
    return planner.loads(f"""
name: options
phases: [{{name: A, nodes: [{{system: {system}, count: {nodes}}}]}}]
workloads:
  - {{name: w, model: {LLAMA_70B}, tokens: 1e12, global_batch: {batch}, software: {software},
     parallelism: {parallelism}}}
""")


def predicted(p):
    return planner.evaluate(p).workloads[0].predicted


def inputs(p):
    r = planner.evaluate(p)
    w, res = p.workloads[0], r.workloads[0]
    return shape_of(w), w.global_batch, machine_of(p, planner.catalog.for_plan(p), 0, r.phases[0], w.precision,
                                                   res.gpus, w)


# -- optimizer offload ----------------------------------------------------------------------------
def test_70b_on_8_h100_fits_only_with_the_optimizer_on_the_host():
    layout = "{tensor: 1, pipeline: 1, data: 8, microbatch: 1, zero: 3, recompute: full, OFF}"
    on_gpu = predicted(plan(1, layout.replace("OFF", "offload: none"), "fsdp"))
    off = predicted(plan(1, layout.replace("OFF", "offload: optimizer"), "fsdp"))
    # ZeRO-3 over 8 ranks: 8.82e9 parameters each; on the GPU 16 bytes a parameter (141 GB) before
    # activations, above 92% of 80 GB
    assert on_gpu.memory_parts["optimizer_bytes"] == pytest.approx(12 * P_70B / 8, rel=1e-6)  # 105.8 GB of Adam
    local = on_gpu.memory_parts["optimizer_bytes"] / 12
    assert not on_gpu.fits and on_gpu.memory_per_gpu_bytes > 141e9
    # offloaded: the 12 bytes a parameter leave; 4 (bf16 weights + gradients) = 35.3 GB + activations remain
    assert off.memory_parts["optimizer_bytes"] == 0.0 and off.fits
    assert off.memory_per_gpu_bytes == pytest.approx(on_gpu.memory_per_gpu_bytes - 12 * local, rel=1e-9)
    assert off.memory_per_gpu_bytes < 0.92 * 80e9
    # time: gradients down and weights up, 4 B x 8.82e9 / 55 GB/s (PCIe 5.0 x16, dgx-h100) = 0.641 s, and
    # CPU Adam, 28 B x 8.82e9 / (76.8 GB/s x 0.5) = 6.431 s; the GPU's own optimizer pass,
    # 28 B x 8.82e9 / (3.35 TB/s x 0.75) = 0.098 s, goes
    link, adam = 4 * local / 55e9, 28 * local / (76.8e9 * HOST_MEMORY_EFFICIENCY)
    assert (link, adam) == (pytest.approx(0.6414, abs=1e-4), pytest.approx(6.4307, abs=1e-4))
    assert off.step_parts["offload_s"] == pytest.approx(link + adam, rel=1e-9)
    assert on_gpu.step_parts["optimizer_s"] == pytest.approx(28 * local / (3.35e12 * 0.75), rel=1e-9)
    assert off.step_parts["optimizer_s"] == 0.0
    assert off.step_time_s - on_gpu.step_time_s == pytest.approx(7.072 - 0.0983, abs=1e-3)
    assert off.layout.text() == "t1 p1 d8 m1 v1 z3 full optimizer-offload"


def test_a_grace_host_offloads_faster():
    """GB200: NVLink-C2C 225 GB/s a direction per GPU and Grace's 256 GB/s of LPDDR5X per GPU."""
    layout = "{tensor: 1, pipeline: 1, data: 72, microbatch: 1, zero: 3, recompute: full, offload: optimizer}"
    pr = predicted(plan(1, layout, "fsdp", "gb200-nvl72", batch=72))
    local = P_70B / 72
    assert pr.step_parts["offload_s"] == pytest.approx(4 * local / 225e9 + 28 * local / (256e9 * 0.5), rel=1e-6)


def test_the_search_offloads_only_when_nothing_fits_without():
    for software in ("fsdp", "deepspeed", "megatron"):
        eight = predicted(plan(1, "auto", software))
        assert eight.fits and eight.layout.offload == "optimizer", software
        assert eight.step_parts["offload_s"] > 0
    sixty_four = predicted(plan(8, "auto", "fsdp"))
    assert sixty_four.fits and sixty_four.layout.offload == "none" and sixty_four.step_parts["offload_s"] == 0.0
    # on 64 the search evaluated one space; on 8 it found nothing that fits and searched again offloaded
    shape, batch, machine = inputs(plan(8, "auto", "fsdp"))
    layouts, parts, order, space = search(shape, batch, machine)
    assert not layouts["offload"].any()
    shape, batch, machine = inputs(plan(1, "auto", "fsdp"))
    layouts, parts, order, space = search(shape, batch, machine)
    off = layouts["offload"] == 1
    assert off.any() and (~off).any() and not parts["fits"][~off].any()
    assert not space.truncated and space.considered == len(order)  # both searches, whole
    assert np.all((layouts["zero"][off] >= 1) | (layouts["data"][off] * layouts["context"][off] == 1))


def test_no_second_search_where_offload_cannot_make_anything_fit():
    # 405B on one 8-GPU node: 4 bytes a parameter alone are 203 GB a GPU
    p = planner.loads("""
name: too big
phases: [{name: A, nodes: [{system: dgx-h100, count: 1}]}]
workloads:
  - {name: w, model: {layers: 126, hidden: 16384, heads: 128, kv_heads: 8, ffn_hidden: 53248, mlp: swiglu,
     sequence_length: 8192, vocabulary: 128256}, tokens: 1e12, global_batch: 64, software: fsdp}
""")
    layouts, parts, order, space = search(*inputs(p))
    assert not parts["fits"].any() and not layouts["offload"].any()


# -- tensor-parallel overlap ---------------------------------------------------------------------
def test_tp_overlap_shortens_a_t8_step_by_the_stacks_share():
    layout = "{tensor: 8, pipeline: 1, data: 8, microbatch: 1, zero: 1, recompute: none, TPO}"
    plain = predicted(plan(8, layout.replace("TPO", "tp_overlap: false")))
    over = predicted(plan(8, layout.replace("TPO", "tp_overlap: true")))
    # per all-reduce: ring 2 x 7/8 x (1 x 8192 x 8192 x 2 B) / (450 GB/s x 0.78) + 14 x 1 us = 0.6832 ms;
    # 4 a layer (2 forward, 2 backward), 80 layers, 64 / 8 = 8 microbatches: 1.749 s
    per = 2 * 7 / 8 * 8192 * 8192 * 2 / (450e9 * 0.78) + 14e-6
    assert plain.step_parts["tensor_comm_s"] == pytest.approx(8 * 80 * 4 * per, rel=1e-9)
    assert plain.step_parts["tensor_comm_s"] == pytest.approx(1.749, abs=1e-3)
    # Megatron's overlap hides 0.47 of it (the GEMMs, 3.9x longer, are not the limit): 0.822 s less
    share = DEFAULT.stack("megatron").tp_overlap
    assert share == 0.47
    assert over.step_parts["tensor_comm_s"] == pytest.approx((1 - share) * plain.step_parts["tensor_comm_s"])
    assert over.step_parts["matmul_s"] > 3.5 * plain.step_parts["tensor_comm_s"]
    # ... less what the shorter last backward pass no longer hides of the gradient all-reduce:
    # Megatron's dp_overlap 0.42 x the 0.103 s shorter microbatch x 2/3 (its backward share) = 0.029 s
    dp = over.step_parts["data_comm_exposed_s"] - plain.step_parts["data_comm_exposed_s"]
    assert dp == pytest.approx(0.029, abs=1e-3)
    assert plain.step_time_s - over.step_time_s == pytest.approx(0.822 - dp, rel=1e-3)
    assert over.layout.text() == "t8 p1 d8 m1 v1 z1 none tp-overlap"


def test_tp_overlap_is_searched_where_the_stack_and_generation_offer_it():
    assert predicted(plan(8, "auto", "megatron", batch=256)).layout.tp_overlap
    assert not predicted(plan(8, "auto", "deepspeed", batch=256)).layout.tp_overlap  # no TP overlap in DeepSpeed
    a100 = predicted(plan(8, "auto", "megatron", "dgx-a100", batch=256))
    assert a100.layout.tensor > 1 and not a100.layout.tp_overlap  # userbuffers / symmetric memory: Hopper on


def test_async_tp_pairs_give_the_published_speedup():
    """TorchTitan's async-TP benchmark (June 2025): the 70B pair (validation/runs) sets the share;
    the 8B pair (tests/validation/plans/async-tp, held out) checks it: 1.10x measured."""
    runs = {r.id: r for r in v.load_runs()}
    pair = [runs[f"torchtitan-llama3.1-70b-h100-256-fsdp32-{k}"] for k in ("tp8", "asynctp8")]
    model = v.predicted(pair[1])[0] / v.predicted(pair[0])[0]
    assert pair[1].published / pair[0].published == pytest.approx(652.4 / 597.3)
    assert model == pytest.approx(1.092, abs=0.002)
    held = {r.id: r for r in v.load_runs(ROOT / "tests" / "validation" / "plans" / "async-tp")}
    vanilla, overlap = (held[f"torchtitan-llama3.1-8b-h100-64-fsdp8-{k}"] for k in ("tp8", "asynctp8"))
    assert overlap.published / vanilla.published == pytest.approx(1.099, abs=0.001)
    assert v.predicted(overlap)[0] / v.predicted(vanilla)[0] == pytest.approx(1.103, abs=0.002)


def test_host_figures_reach_the_machine():
    for system, link, dram in (("dgx-h100", 55e9, 76.8e9), ("dgx-a100", 27e9, 51.2e9),
                               ("gb200-nvl72", 225e9, 256e9), ("mi300x-platform", 55e9, 76.8e9)):
        machine = inputs(plan(1, "auto", system=system, batch=8))[2]
        assert (machine.host_bandwidth, machine.host_memory_bandwidth) == (link, dram), system


def test_stated_options_the_stack_or_layout_cannot_use_are_warned_about():
    text = """
name: t
phases: [{name: A, nodes: [{system: dgx-a100, count: 8}]}]
workloads:
  - {name: W, model: {layers: 32, hidden: 4096, heads: 32}, tokens: 1e10, global_batch: 512,
     parallelism: {tensor: 8, pipeline: 1, microbatch: 1, zero: 0, tp_overlap: true, offload: optimizer}}
"""
    r = planner.evaluate(planner.loads(text))
    messages = {w.code: w.message for w in r.warnings}
    assert messages["tp-overlap-not-offered"] == ("W: tensor-parallel overlap is ignored: megatron does not overlap "
                                                 "it on ampere (Hopper and later, Megatron-LM or FSDP)")
    assert messages["offload-without-sharding"].startswith("W: optimizer offload with ZeRO 0 keeps a whole optimizer "
                                                           "per data-parallel rank on each host (8 copies)")
    h100 = planner.evaluate(planner.loads(text.replace("dgx-a100", "dgx-h100").replace("zero: 0", "zero: 1")))
    assert not {"tp-overlap-not-offered", "offload-without-sharding"} & {w.code for w in h100.warnings}
    assert h100.workloads[0].predicted.layout.tp_overlap
