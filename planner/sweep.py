"""Sweeps over one input of a plan: a workload's run time against its GPU count (any kind),
cached by their inputs; ``within`` / ``wanted`` / ``compute`` let a GUI thread leave a slow
sweep to a worker thread."""

from __future__ import annotations

from .kinds.sweep import cached, compute, gpu_counts, time_vs_gpus, wanted, within

__all__ = ["cached", "compute", "gpu_counts", "time_vs_gpus", "wanted", "within"]
