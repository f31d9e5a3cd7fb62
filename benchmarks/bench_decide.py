"""Benchmark of compare, sensitivity and uncertainty. Prints figures; asserts nothing.

    python benchmarks/bench_decide.py

- uncertainty: 10,000 Monte Carlo samples of the RSC preset with eleven inputs given as ranges
  (the plan of tests/planner/test_uncertainty.py), whole call (one evaluate at the modes, the
  draws, the closed form, the percentiles) and the closed form alone (goal: well under 1 s);
- the same with 1,000,000 samples, to show the cost per sample;
- sensitivity of the first run's time for each preset (two evaluations per input);
- compare of RSC and Selene (two evaluations and the field differences).
"""

from __future__ import annotations

import statistics
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import planner  # noqa: E402
from planner.compare import compare  # noqa: E402
from planner.propagate import figures  # noqa: E402
from planner.sensitivity import sensitivity  # noqa: E402
from planner.uncertainty import draw, uncertainty  # noqa: E402
from tests.ranged_plans import ranged_rsc  # noqa: E402


def best(fn, number: int = 1, repeat: int = 7) -> tuple[float, float]:
    runs = timeit.repeat(fn, number=number, repeat=repeat)
    return min(runs) / number, statistics.median(runs) / number


def main() -> None:
    plan = ranged_rsc()
    r = planner.evaluate(plan)
    for n in (10_000, 1_000_000):
        whole = best(lambda n=n: uncertainty(plan, 0, n), repeat=5 if n > 10_000 else 15)
        draws = draw(plan, n)
        closed = best(lambda n=n, d=draws: figures(plan, r, 0, d, n), repeat=5 if n > 10_000 else 15)
        print(f"uncertainty, RSC with 11 ranges, {n:>9,} samples: {whole[0] * 1e3:8.2f} ms "
              f"(median {whole[1] * 1e3:8.2f} ms); closed form alone {closed[0] * 1e3:7.2f} ms "
              f"({closed[0] / n * 1e9:.0f} ns per sample)")
    for name in planner.presets():
        p = planner.load(planner.preset_path(name))
        s = sensitivity(p, "time", 0)
        t = best(lambda p=p: sensitivity(p, "time", 0), repeat=3)
        moved = len(s.effects) + s.unaffected + len(s.refused)
        print(f"sensitivity of time, {name:<22} {t[0] * 1e3:7.1f} ms for {moved} inputs moved "
              f"({len(s.effects)} move it)")
    rsc, selene = (planner.load(planner.preset_path(n)) for n in ("meta-rsc", "selene"))
    t = best(lambda: compare([("rsc", rsc), ("selene", selene)]), number=10)
    print(f"compare meta-rsc selene: {t[0] * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
