"""Plans with inputs given as ranges, shared by the tests and benchmarks/bench_decide.py."""

import planner
from planner.inputs import inputs
from planner.ranges import Range


def ranged_rsc():
    """RSC with a range on every kind of field its runs use (x its value: low, mode, high)."""
    plan = planner.load(planner.preset_path("meta-rsc"))
    factors = {
        "facility.pue": (0.95, 1.0, 1.2), "facility.electricity_price": (0.8, 1.0, 1.5),
        "facility.carbon_intensity": (0.5, 1.0, 1.2), "workloads[1].achieved_flops": (0.8, 1.0, 1.1),
        "phases[0].storage[0].power": (0.7, 1.0, 1.4), "phases[1].storage[0].power": (0.9, 1.0, 1.1),
        "catalog.systems.dgx-a100.price": (0.9, 1.0, 1.3), "catalog.systems.dgx-a100.typical_power": (0.9, 1.0, 1.2),
        "catalog.fabrics.infiniband-hdr.switch_price": (0.5, 1.0, 2.0),
        "catalog.fabrics.infiniband-hdr.optic_price": (0.5, 1.0, 2.0),
        "catalog.accelerators.a100-80gb.typical_mfu": (0.8, 1.0, 1.1),
    }
    by = {i.path: i for i in inputs(plan)}
    for path, (lo, mode, hi) in factors.items():
        v = by[path].value
        plan = by[path].set(plan, Range(v * lo, v * mode, v * hi))
    return plan
