"""Benchmark of the headless engine. Prints figures; asserts nothing.

    python benchmarks/bench_engine.py

- in-process evaluate() time per preset (median of many runs; goal: RSC under 200 us);
- load() time per preset;
- wall time of `cluster-planner evaluate` next to a bare `python3 -c pass`, same run
  (goal: at most 150 ms more).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402


def per_call(fn, number: int) -> float:
    runs = timeit.repeat(fn, number=number, repeat=7)
    return min(runs) / number, statistics.median(runs) / number


def wall(cmd: list[str], n: int = 15) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    print("evaluate() and load() per preset (best / median of 7 repeats):")
    for name, path in planner.presets().items():
        plan = planner.load(path)
        best, med = per_call(lambda plan=plan: planner.evaluate(plan), 2000)
        lbest, lmed = per_call(lambda path=path: planner.load(path), 50)
        print(f"  {name:<24} evaluate {best * 1e6:7.1f} us (median {med * 1e6:7.1f} us)   "
              f"load {lbest * 1e3:6.2f} ms")
    exe = str(Path(sys.executable).with_name("cluster-planner"))
    rsc = str(ROOT / "presets" / "meta-rsc.yaml")
    bare = wall([sys.executable, "-c", "pass"])
    cli = wall([exe, "evaluate", rsc]) if Path(exe).exists() else wall(
        [sys.executable, "-m", "planner", "evaluate", rsc])
    print(f"python3 -c pass                     {bare * 1e3:7.1f} ms (median of 15)")
    print(f"cluster-planner evaluate meta-rsc   {cli * 1e3:7.1f} ms (median of 15)")
    print(f"difference                          {(cli - bare) * 1e3:7.1f} ms (goal: <= 150 ms)")


def many_phases(n: int) -> str:
    """A plan of ``n`` one-node phases and two workloads (the issue's 5 MB file has ~92,000)."""
    lines = ["format: cluster-planner/1", "name: Many phases", "phases:"]
    lines += [f"  - {{name: P{i}, nodes: [{{system: dgx-h100, count: 1}}]}}" for i in range(n)]
    lines += ["workloads:", "  - {name: Early, parameters: 7e9, tokens: 1e12, mfu: 0.4, phase: P10}",
              "  - {name: Last, parameters: 7e9, tokens: 1e12}"]
    return "\n".join(lines) + "\n"


def phases_scaling() -> None:
    print("load + evaluate against the number of phases (work should grow linearly):")
    for n in (1_000, 8_000, 40_000):
        text = many_phases(n)
        t0 = time.perf_counter()
        plan = planner.loads(text)
        t1 = time.perf_counter()
        planner.evaluate(plan)
        t2 = time.perf_counter()
        print(f"  {n:>6,} phases ({len(text) / 1e6:4.2f} MB)   load {t1 - t0:6.2f} s   evaluate {t2 - t1:6.2f} s   "
              f"per phase {(t2 - t0) / n * 1e6:6.1f} us")


if __name__ == "__main__":
    main()
    phases_scaling()
