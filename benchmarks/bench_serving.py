"""Benchmark of the serving model. Prints figures; asserts nothing.

    python benchmarks/bench_serving.py

- evaluate() of a plan with one serving workload (Llama 3.1 70B on 16 DGX H100, tensor 'auto':
  four tensor sizes searched, each over its batch sizes), and of the GPT-3 preset;
- the full search the Performance tab, the charts and `cluster-planner layout` show (tensor sizes
  x precisions), and the charts of the workload;
- the same evaluate() with 'precision: auto' (the search over precisions runs inside it).
"""

from __future__ import annotations

import statistics
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402
from planner.chart_builders import charts_for  # noqa: E402
from planner.kinds.serving_search import search  # noqa: E402
from tests.planner.test_serving import PLAN  # noqa: E402


def per_call(fn, number: int) -> tuple[float, float]:
    runs = timeit.repeat(fn, number=number, repeat=7)
    return min(runs) / number, statistics.median(runs) / number


def show(label: str, fn, number: int, extra: str = "") -> None:
    best, med = per_call(fn, number)
    print(f"  {label:<48} {best * 1e3:7.2f} ms (median {med * 1e3:7.2f} ms){extra}")


def main() -> None:
    plan = planner.loads(PLAN)
    auto = planner.loads(PLAN.replace("precision: fp8\n    kv_cache_precision: fp8\n", "precision: auto\n"))
    gpt3 = planner.load(planner.preset_path("gpt3-serving-2020"))
    r = planner.evaluate(plan)
    machine = r.phases[0].machine
    designs = search(plan.workloads[0], machine, all_precisions=True)
    points = sum(len(d.points) for d in designs)
    print("serving (best / median of 7 repeats):")
    show("evaluate: Llama 70B serving + a training run", lambda: planner.evaluate(plan), 50)
    show("evaluate: the same, precision auto", lambda: planner.evaluate(auto), 20)
    show("evaluate: GPT-3 preset (two serving workloads)", lambda: planner.evaluate(gpt3), 50)
    show("search: tensor sizes x precisions", lambda: search(plan.workloads[0], machine, all_precisions=True), 20,
         f"   {len(designs)} layouts, {points} batch points")
    show("charts of the serving workload", lambda: charts_for(plan, r, 0, "bf16"), 20)


if __name__ == "__main__":
    main()
