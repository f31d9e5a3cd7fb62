"""Benchmark of the layout search. Prints figures; asserts nothing.

    python benchmarks/bench_layouts.py

GPT-3 175B on 4,096 A100 (512 DGX A100): every valid layout evaluated by the vectorised model
(numpy over the candidate set), next to the scalar path (the same model called once per
candidate), in candidates per second (goal: all layouts in under 5 s).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.perf.layouts import enumerate_layouts  # noqa: E402
from planner.perf.predict import rank, run_model  # noqa: E402
from planner.perf.step import Machine, Shape, parameters_of  # noqa: E402

A100 = Machine(gpus=4096, gpus_per_node=8, peak_flops=312e12, memory_bytes=80e9, memory_bandwidth=2039e9,
               scale_up_bandwidth=300e9, scale_out_bandwidth=25e9)
GPT3 = Shape(96, 12288, 96, 2048, 51200, parameters_of(96, 12288, 2048, 51200))
BATCH = 1536


def main() -> None:
    t0 = time.perf_counter()
    layouts = enumerate_layouts(GPT3, BATCH, A100.gpus, A100.gpus_per_node)
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
    best = {k: int(v[order[0]]) for k, v in layouts.items()}
    print(f"GPT-3 175B on 4,096 A100: {n:,} valid layouts")
    print(f"  enumerate              {1e3 * (t1 - t0):8.1f} ms")
    print(f"  evaluate + rank (numpy){1e3 * (t2 - t1):8.1f} ms   {n / (t2 - t1):12,.0f} candidates/s")
    print(f"  scalar path            {1e3 * (t4 - t3) * n / sample:8.1f} ms*  {scalar_rate:12,.0f} candidates/s "
          f"(*{sample:,} timed, scaled to all)")
    print(f"  total search           {1e3 * (t2 - t0):8.1f} ms (goal: < 5 s)")
    print(f"  best: {best}, step {parts['step_time_s'][order[0]]:.2f} s")


if __name__ == "__main__":
    main()
