"""Benchmark of the layout search. Prints figures; asserts nothing.

    python benchmarks/bench_layouts.py

1. GPT-3 175B on 4,096 A100 (512 DGX A100): every valid layout evaluated by the vectorised
   model (numpy over the candidate set), next to the scalar path (the same model called once
   per candidate), in candidates per second (goal: all layouts in under 5 s).
2. A 10,000-layer model on 1,000,000 H100 (125,000 DGX H100), the plan limit on layers.
3. One custom 720,720-accelerator node (a catalog system with ``accelerators: 720720``), with
   a shape whose sizes have many divisors: tens of millions of candidates before the budget.

4. Mixtures of experts: the DeepSeek-V3 preset's run (671B, 256 experts, 2,048 H800) and a
   Mixtral-8x7B-like run on 256 H100 (32 DGX H100): layouts considered and possible, time per
   search and the best layout.

For 2 and 3: the search (count, build, evaluate, rank) and a whole ``planner.evaluate`` of the
plan, each with its time and peak Python memory (tracemalloc), and how far the search was cut
(goal: a few seconds and memory bounded by the candidate budget, whatever the plan's sizes).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402
from planner import catalog as _catalog  # noqa: E402
from planner.model.cluster import phase_result  # noqa: E402
from planner.perf.predict import _pick, batch_of, machine_of, rank, run_model, search, shape_of  # noqa: E402
from planner.perf.search_space import CANDIDATE_BUDGET, candidates  # noqa: E402
from planner.perf.step import Machine, Shape, parameters_of  # noqa: E402

A100 = Machine(gpus=4096, gpus_per_node=8, peak_flops=312e12, memory_bytes=80e9, memory_bandwidth=2039e9,
               scale_up_bandwidth=300e9, scale_out_bandwidth=25e9)
GPT3 = Shape(96, 12288, 96, 2048, 51200, parameters_of(96, 12288, 2048, 51200))
BATCH = 1536

H100 = dict(peak_flops=989e12, memory_bytes=80e9, memory_bandwidth=3350e9, scale_up_bandwidth=450e9,
            scale_out_bandwidth=50e9)
DEEP = Shape(10_000, 4096, 32, 2048, 51200, parameters_of(10_000, 4096, 2048, 51200))
WIDE = Shape(10_000, 720_720, 55_440, 2048, 51200, parameters_of(10_000, 720_720, 2048, 51200))
PLANS = {
    "10,000-layer model on 1,000,000 H100": """
name: deep
phases: [{name: A, nodes: [{system: dgx-h100, count: 125000}]}]
workloads:
  - {name: w, model: {layers: 10000, hidden: 4096, heads: 32}, tokens: 1e12}
""",
    "one custom 720,720-GPU node": """
name: wide
catalog:
  systems:
    huge: {accelerator: h100-sxm, accelerators: 720720, max_power: 10 MW}
phases: [{name: A, nodes: [{system: huge, count: 1}]}]
workloads:
  - {name: w, model: {layers: 10000, hidden: 720720, heads: 55440}, tokens: 1e12, global_batch: 720720}
""",
}


def measured(fn):
    """(result, seconds, peak bytes traced) of fn()."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, seconds, peak


def gpt3() -> None:
    t0 = time.perf_counter()
    layouts, _ = candidates(GPT3, BATCH, A100.gpus, A100.gpus_per_node, ("none", "full"),
                            fits=lambda lay: run_model(GPT3, BATCH, A100, lay)["fits"], shard_groups=True)
    t1 = time.perf_counter()
    parts = run_model(GPT3, BATCH, A100, layouts)
    order = rank(parts)
    t2 = time.perf_counter()
    n = len(order)
    sample = min(n, 2000)
    t3 = time.perf_counter()
    for i in range(sample):
        run_model(GPT3, BATCH, A100, {k: v[i:i + 1] for k, v in layouts.items()})
    t4 = time.perf_counter()
    scalar_rate = sample / (t4 - t3)
    best = _pick(layouts, parts, int(order[0]), GPT3)[0].text()
    print(f"GPT-3 175B on 4,096 A100: {n:,} valid layouts")
    print(f"  enumerate (with memory probes){1e3 * (t1 - t0):8.1f} ms")
    print(f"  evaluate + rank (numpy){1e3 * (t2 - t1):8.1f} ms   {n / (t2 - t1):12,.0f} candidates/s")
    print(f"  scalar path            {1e3 * (t4 - t3) * n / sample:8.1f} ms*  {scalar_rate:12,.0f} candidates/s "
          f"(*{sample:,} timed, scaled to all)")
    print(f"  total search           {1e3 * (t2 - t0):8.1f} ms (goal: < 5 s)")
    print(f"  best: {best}, step {parts['step_time_s'][order[0]]:.2f} s")
    (_, _, _, space), seconds, peak = measured(lambda: search(GPT3, BATCH, A100))
    print(f"  search with the ties' fewer-replica layouts: {space.considered:,} layouts, {1e3 * seconds:.1f} ms, "
          f"peak {peak / 1e6:.1f} MB")


def large(title: str, shape: Shape, batch: int, machine: Machine) -> None:
    (layouts, parts, order, space), seconds, peak = measured(lambda: search(shape, batch, machine))
    i = int(order[0])
    best = _pick(layouts, parts, i, shape)[0].text()
    print(f"{title}: search")
    print(f"  {space.considered:,} of {space.possible:,} candidates evaluated (budget {CANDIDATE_BUDGET:,}), "
          f"{seconds:.2f} s, peak {peak / 1e6:.0f} MB")
    print(f"  {space.note or 'not cut'}")
    print(f"  best: {best} on {int(parts['gpus_used'][i]):,} accelerators, step {parts['step_time_s'][i]:.2f} s"
          + ("" if parts["fits"][i] else " (no layout fits)"))
    plan = planner.loads(PLANS[title])
    result, seconds, peak = measured(lambda: planner.evaluate(plan))
    pr = result.workloads[0].predicted
    print(f"  planner.evaluate of the plan: {seconds:.2f} s, peak {peak / 1e6:.0f} MB; "
          f"{pr.searched:,} layouts, layout {pr.layout.text()} on {pr.gpus_used:,}")


MIXTRAL = """
name: mixtral
phases: [{name: A, nodes: [{system: dgx-h100, count: 32}]}]
workloads:
  - name: Mixtral-8x7B-like
    model: {layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn_hidden: 14336, mlp: swiglu, vocabulary: 32000,
            experts: 8, top_k: 2, sequence_length: 4096}
    tokens: 1e12
    global_batch: 1024
"""

# Nothing fits on 8 H100 (16 bytes a parameter are 141 GB a GPU): the search runs again with the
# optimizer offloaded to the host (predict.search), so it costs two searches.
OFFLOAD = """
name: offload
phases: [{name: A, nodes: [{system: dgx-h100, count: 1}]}]
workloads:
  - name: Llama-3.1-70B
    model: {layers: 80, hidden: 8192, heads: 64, kv_heads: 8, ffn_hidden: 28672, mlp: swiglu, vocabulary: 128256,
            sequence_length: 8192}
    tokens: 1e12
    global_batch: 512
    software: fsdp
"""


def moe(title: str, plan) -> None:
    """The search of a plan's first workload on its phase (as planner.evaluate runs it, uncached)."""
    w = plan.workloads[0]
    cat = _catalog.for_plan(plan)
    index = plan.phase_index(w.phase) if w.phase is not None else len(plan.phases) - 1
    phase = phase_result(plan, cat, index)
    shape, batch = shape_of(w), batch_of(w)
    machine = machine_of(plan, cat, index, phase, w.precision, w.gpus or phase.gpus)
    (layouts, parts, order, space), _, peak = measured(lambda: search(shape, batch, machine))
    runs = []
    for _ in range(3):  # timed without tracemalloc, which slows allocation
        t0 = time.perf_counter()
        search(shape, batch, machine)
        runs.append(time.perf_counter() - t0)
    layout, row = _pick(layouts, parts, int(order[0]), shape)
    print(f"{title} ({machine.gpus:,} accelerators, batch {batch:,}):")
    print(f"  {space.considered:,} layouts considered of {space.possible:,} possible, "
          f"{1e3 * min(runs):.0f} ms per search (best of 3), peak {peak / 1e6:.0f} MB")
    print(f"  {space.note or 'not cut'}")
    print(f"  best: {layout.text()} on {int(row['gpus_used']):,}, step {row['step_time_s']:.2f} s, "
          f"{'fits' if row['fits'] else 'does not fit'} ({row['memory_bytes'] / 1e9:.1f} GB)")


def main() -> None:
    gpt3()
    print()
    # global batch: the default of about 4M tokens (predict.batch_of), 2,048 sequences of 2,048
    large("10,000-layer model on 1,000,000 H100", DEEP, 2048, Machine(gpus=1_000_000, gpus_per_node=8, **H100))
    print()
    large("one custom 720,720-GPU node", WIDE, 720_720, Machine(gpus=720_720, gpus_per_node=720_720, **H100))
    print()
    moe("DeepSeek-V3 (preset deepseek-v3-h800)", planner.load(ROOT / "presets" / "deepseek-v3-h800.yaml"))
    print()
    moe("Mixtral-8x7B-like on 256 H100", planner.loads(MIXTRAL))
    print()
    moe("Llama 3.1 70B on 8 H100 (optimizer offload)", planner.loads(OFFLOAD))


if __name__ == "__main__":
    main()
