"""A workload's run time against its GPU count, for any kind: its evaluator run on the same
phase with the workload's ``gpus`` replaced (the machine description is computed once).

The counts lie on a fixed grid (eight per doubling), so that an edit which moves the range
keeps most points, and whole sweeps are cached by their inputs (the plan, frozen and hashable,
and the workload). A caller on a GUI thread can ask for a sweep within a time budget
(``within``): a sweep that would take longer is left for a worker thread (``compute``), and
a placeholder with no points is returned meanwhile."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import math
import threading
import time
from collections import OrderedDict

import numpy as np

from .. import catalog as _catalog
from ..model.cluster import phase_result
from ..model.context import WorkloadContext
from ..perf.predict import SearchNotCached, cached_searches_only
from . import evaluator_of

PER_DOUBLING = 8  # grid points per doubling of the GPU count (48 over the 64x range)
SWEEPS_CACHED = 32

_cache: OrderedDict = OrderedDict()  # (plan, workload, counts) -> (counts, times)
_lock = threading.Lock()
_budget: contextvars.ContextVar[float | None] = contextvars.ContextVar("sweep_budget", default=None)
_wanted: contextvars.ContextVar[list | None] = contextvars.ContextVar("sweep_wanted", default=None)


def gpu_counts(online: int, points: int = 48) -> np.ndarray:
    """From 1/16 of the GPUs online to 4 x, with ``online`` itself: both ends, and between them
    the points of a fixed log grid (``PER_DOUBLING`` per doubling; ``points`` over the range)."""
    online = max(online, 1)
    lo, hi = max(1.0, online / 16), online * 4.0
    per_doubling = max(1, round(points / 6))  # the range is 64 x: 6 doublings
    first, last = math.ceil(math.log2(lo) * per_doubling), math.floor(math.log2(hi) * per_doubling)
    grid = np.round(2.0 ** (np.arange(first, last + 1) / per_doubling)).astype(int)
    counts = np.concatenate((grid, [round(lo), round(hi), online]))
    return np.unique(counts[(counts >= round(lo)) & (counts <= round(hi))])


class _Same:
    """A plan that cannot be hashed (a catalog entry of its own holds a dict) keyed by identity:
    the key holds the plan, so its id is not reused while it is cached."""

    __slots__ = ("plan",)

    def __init__(self, plan):
        self.plan = plan

    def __hash__(self) -> int:
        return id(self.plan)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Same) and other.plan is self.plan


def _key(plan, workload: int, counts) -> tuple:
    try:
        hash(plan)
    except TypeError:
        plan = _Same(plan)
    return plan, workload, None if counts is None else tuple(int(n) for n in counts)


def cached(plan, workload: int, counts=None):
    """The sweep if it has been computed for exactly these inputs, else None."""
    with _lock:
        hit = _cache.get(_key(plan, workload, counts))
        if hit is not None:
            _cache.move_to_end(_key(plan, workload, counts))
        return hit


def _store(key: tuple, value) -> None:
    with _lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > SWEEPS_CACHED:
            _cache.popitem(last=False)


@contextlib.contextmanager
def within(seconds: float):
    """Sweeps asked for inside this block stay short: one that needs a layout search not cached
    yet (each costs milliseconds), or takes longer than ``seconds``, stops, returns no points,
    and is listed in ``wanted()`` for ``compute`` (on a worker thread)."""
    budget, wanted = _budget.set(seconds), _wanted.set([])
    try:
        yield
    finally:
        _budget.reset(budget)
        _wanted.reset(wanted)


def wanted() -> list[tuple]:
    """The sweeps left undone inside the current ``within`` block, as (plan, workload) pairs."""
    return list(_wanted.get() or [])


def compute(plan, workload: int) -> None:
    """Compute and cache a sweep (for a worker thread: it touches nothing but the cache)."""
    time_vs_gpus(plan, workload)


def time_vs_gpus(plan, workload: int, counts=None) -> tuple[np.ndarray, np.ndarray]:
    """(GPU counts, run time in seconds) for workload number ``workload`` of the plan."""
    key = _key(plan, workload, counts)
    hit = cached(plan, workload, counts)
    if hit is not None:
        return hit
    w = plan.workloads[workload]
    cat = _catalog.for_plan(plan)
    index = plan.workload_phase(w)
    phase = phase_result(plan, cat, index)
    if counts is None:
        counts = gpu_counts(phase.gpus)
    kind = evaluator_of(w)
    budget = _budget.get()
    deadline = None if budget is None else time.perf_counter() + budget
    times = []
    guard = cached_searches_only if deadline is not None else contextlib.nullcontext
    for n in counts:
        try:
            with guard():
                times.append(kind.evaluate(WorkloadContext(plan, cat, workload, dataclasses.replace(w, gpus=int(n)),
                                                           index, phase)).time_s)
        except SearchNotCached:
            deadline = -1.0  # a search is needed: the worker thread does it
        if deadline is not None and len(times) < len(counts) and time.perf_counter() > deadline:
            _wanted.get().append((plan, workload))  # type: ignore[union-attr]
            return np.zeros(0), np.zeros(0)
    value = (np.asarray(counts, dtype=float), np.array(times, dtype=float))
    for v in value:
        v.setflags(write=False)
    _store(key, value)
    return value
