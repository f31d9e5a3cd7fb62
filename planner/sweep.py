"""Sweeps over one input of a plan: a workload's run time against its GPU count (any kind)."""

from __future__ import annotations

from .kinds.sweep import gpu_counts, time_vs_gpus

__all__ = ["gpu_counts", "time_vs_gpus"]
