"""Cluster Planner's headless core: plans, the hardware catalog, the analytic model.

    import planner
    plan = planner.load("presets/meta-rsc.yaml")
    results = planner.evaluate(plan)
    results.workloads[0].time_s, results.power.facility_w

This package never imports Qt.
"""

from .catalog import Catalog
from .catalog import builtin as builtin_catalog
from .errors import PlanError, Problem
from .evaluation import evaluate
from .model.results import Results
from .plan import FORMAT, Plan
from .planio import dumps, load, loads, save
from .presets import preset_path, presets

__all__ = [
    "Catalog", "FORMAT", "Plan", "PlanError", "Problem", "Results", "builtin_catalog", "dumps", "evaluate",
    "load", "loads", "preset_path", "presets", "save",
]
__version__ = "0.1.0"
