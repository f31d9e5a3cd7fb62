"""Benchmark of grid sweeps (planner.sweep.grid). Prints figures; asserts nothing.

    python benchmarks/bench_sweep.py [POINTS] [WORKERS]

The RSC preset swept over phase 2's node count x PUE x fabric x systems' depreciation (100,000
points by default), evaluated in process, then on a local Dask cluster (WORKERS processes,
default one per core), in points per second; and the smallest grids of the same fields for
which Dask's start-up and transfers are paid back on this machine.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402
import planner.sweep as sweep  # noqa: E402


def sets(points: int) -> list[str]:
    """Four fields whose grid has about ``points`` points (count varies most)."""
    fabrics = "infiniband-hdr,infiniband-ndr,roce-400g,roce-800g"
    per_count = 5 * 4 * 5  # PUE x fabric x depreciation
    counts = max(1, round(points / per_count))
    return [f"phases[1].nodes[0].count=100:{100 + 10 * (counts - 1)}:10", "facility.pue=1.1:1.5:0.1",
            f"network.fabric={fabrics}", "costs.systems_depreciation=3 years:7 years:1 year"]


def timed(plan, grid_sets, scheduler: str, workers: int | None) -> tuple[int, float]:
    start = time.perf_counter()
    table = sweep.grid(plan, grid_sets, scheduler=scheduler, workers=workers, progress=False)
    return len(table), time.perf_counter() - start


def main() -> None:
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 1)
    plan = planner.load(ROOT / "presets" / "meta-rsc.yaml")
    print(f"{os.cpu_count()} cores; RSC preset; {workers} Dask worker processes")
    grid_sets = sets(points)
    n, local = timed(plan, grid_sets, "local", None)
    print(f"{n:>9,} points  in process      {local:7.1f} s  {n / local:8,.0f} points/s")
    n, dask = timed(plan, grid_sets, "dask", workers)
    print(f"{n:>9,} points  local Dask      {dask:7.1f} s  {n / dask:8,.0f} points/s (cluster start-up included)")
    for small in (2_000, 5_000, 10_000, 20_000, 50_000):
        if small >= points:
            break
        s = sets(small)
        n, a = timed(plan, s, "local", None)
        _, b = timed(plan, s, "dask", workers)
        print(f"{n:>9,} points  in process {a:6.2f} s, Dask {b:6.2f} s: {'Dask' if b < a else 'in process'} faster")


if __name__ == "__main__":  # Dask's worker processes import this file again
    main()
