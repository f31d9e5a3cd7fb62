"""Sweeps: a workload's run time against its GPU count (any kind), and grids of whole design
points (``grid``: every combination of the values given for some fields), evaluated in process
or on Dask distributed, as a pandas DataFrame with one row per point.

    import planner, planner.sweep
    plan = planner.load("presets/meta-rsc.yaml")
    df = planner.sweep.grid(plan, ["phases[1].nodes[0].count=500:2000:100", "facility.pue=1.1,1.2,1.3"])

pandas and Dask load only when a grid is run (``pip install 'cluster-planner[sweep]'``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .kinds.sweep import cached, compute, gpu_counts, time_vs_gpus, wanted, within
from .sweep_points import ERROR, SetAxis, evaluate_range, grid_size, parse_set

if TYPE_CHECKING:
    import pandas

__all__ = ["ERROR", "LOCAL_LIMIT", "SetAxis", "cached", "compute", "gpu_counts", "grid", "parse_set", "time_vs_gpus",
           "wanted", "within"]

# Below this many points "auto" runs in process: starting a local Dask cluster (2-3 s here) and
# shipping the plan to its workers costs more than it saves (benchmarks/bench_sweep.py).
LOCAL_LIMIT = 20_000
CHUNKS_PER_WORKER = 8  # tasks per worker: enough to balance, few enough to keep per-task overhead small
MIN_CHUNK, MAX_CHUNK = 50, 5_000


class Progress:
    """A one-line progress bar on a terminal (a line every 10% elsewhere), or nothing."""

    def __init__(self, total: int, stream=None, label: str = "points"):
        self.total, self.done, self.label = total, 0, label
        self.stream = stream
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.start = time.perf_counter()
        self._shown = -1.0

    def add(self, n: int) -> None:
        self.done += n
        if self.stream is None:
            return
        frac = self.done / self.total if self.total else 1.0
        now = time.perf_counter()
        if self.tty and (now - self._shown > 0.1 or self.done >= self.total):
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r[{bar:<30}] {self.done:,}/{self.total:,} {self.label} "
                              f"({self.rate():,.0f}/s)")
            self._shown = now
        elif not self.tty and int(frac * 10) > int(self._shown):
            self.stream.write(f"{self.done:,}/{self.total:,} {self.label} ({self.rate():,.0f}/s)\n")
            self._shown = float(int(frac * 10))
        if self.tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.done / elapsed if elapsed > 0 else 0.0


def _chunks(total: int, workers: int) -> list[tuple[int, int]]:
    size = max(MIN_CHUNK, min(MAX_CHUNK, -(-total // (workers * CHUNKS_PER_WORKER))))
    return [(a, min(a + size, total)) for a in range(0, total, size)]


def _local(plan, axes, total: int, progress: Progress) -> list:
    frames = []
    for start, stop in _chunks(total, 1):
        frames.append(evaluate_range(plan, axes, start, stop))
        progress.add(stop - start)
    return frames


def _dask(plan, axes, total: int, progress: Progress, scheduler: str, workers: int | None) -> list:
    from distributed import Client, LocalCluster, as_completed

    if scheduler == "dask":
        # processes: the model is pure Python, so threads would share one core (the GIL)
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        cluster, client = None, Client(scheduler)
    try:
        n = len(client.scheduler_info()["workers"]) or 1
        shared = client.scatter((plan, tuple(axes)), broadcast=True)  # sent once, not with every task
        futures = [client.submit(_task, shared, a, b, pure=False) for a, b in _chunks(total, n)]
        frames = []
        for future in as_completed(futures):
            frame = future.result()
            frames.append(frame)
            progress.add(len(frame))
        return frames
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _task(shared, start: int, stop: int):
    plan, axes = shared
    return evaluate_range(plan, axes, start, stop)


def grid(plan, sets: Sequence[str | SetAxis], scheduler: str = "auto", workers: int | None = None,
         progress: bool | Any = False) -> pandas.DataFrame:
    """Every combination of the values of ``sets`` (``"PATH=VALUES"`` texts, see
    ``planner.sweep_points.parse_set``, or SetAxis), one row per point in grid order (the last
    set varies fastest): the set values, then ``Results.to_frame()``'s columns, then ``error``
    (None, or why the plan at that point was refused: such a point is a row, not a failure).

    ``scheduler``: ``"local"`` (in process), ``"dask"`` (a local Dask cluster of ``workers``
    processes, default one per core), the address of a running Dask scheduler
    (``"tcp://host:8786"``), or ``"auto"``: in process below LOCAL_LIMIT points, else ``"dask"``.
    ``progress``: True for a progress bar on stderr, or a stream to write it to."""
    import pandas

    axes = [s if isinstance(s, SetAxis) else parse_set(plan, s) for s in sets]
    columns = [a.column for a in axes]
    if len(set(columns)) != len(columns):
        from .errors import PlanError, Problem

        twice = next(c for c in columns if columns.count(c) > 1)
        raise PlanError([Problem("--set", None, None, twice, "each field set once", "twice")])
    total = grid_size(axes)
    stream = sys.stderr if progress is True else (progress or None)
    bar = Progress(total, stream)
    if scheduler == "auto":
        scheduler = "local" if total < LOCAL_LIMIT else "dask"
    if scheduler == "local":
        frames = _local(plan, axes, total, bar)
    else:
        frames = _dask(plan, axes, total, bar, scheduler, workers)
    if not frames:
        return pandas.DataFrame(columns=[*columns, ERROR])
    table = pandas.concat(sorted(frames, key=lambda f: f.index[0]))
    rest = [c for c in table.columns if c not in columns and c != ERROR]
    return table[[*columns, *rest, ERROR]]
