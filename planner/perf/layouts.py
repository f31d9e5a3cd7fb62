"""The parallel layouts a search evaluates, as numpy arrays (one entry per candidate), within a budget.

A layout is (tensor t, pipeline p, data d, microbatch m, interleave v, ZeRO stage z, recompute):

- t divides the heads and the hidden size and tiles a node's scale-up domain (t divides the
  accelerators per node: Megatron keeps tensor groups inside a node, SC21 section 3.2);
- p is at most the layers (stages may be uneven: the slowest holds ceil(layers / p), as Llama
  3's 126 layers on 16);
- d x m divides the global batch and t x p x d is at most the accelerators (those left over
  stay idle); v divides the layers per stage and, when > 1, needs p > 1 and the microbatch
  count to be a multiple of p (Megatron's interleaved schedule); z > 0 needs d > 1; sequence
  parallelism whenever t > 1.

The search takes, for each (t, p, m), the largest such d: more replicas give each fewer
microbatches, so a shorter step. Smaller d are added only next to the layouts that tie for the
best step time (``fewer_replicas``), where using fewer accelerators can win the tie (see
predict.rank). Counting comes before building: the candidates of every (t, p) pair are counted
without listing them, and when the total is over CANDIDATE_BUDGET the choices are thinned
(``search_space``), so that time and memory stay bounded whatever the plan's sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .step import RECOMPUTE_CODES, Shape

MICROBATCHES = (1, 2, 4, 8, 16)
INTERLEAVES = (1, 2, 4, 8)
ZERO_STAGES = (0, 1, 2, 3)
NAMES = ("tensor", "pipeline", "data", "microbatch", "interleave", "zero", "recompute")
# Most candidates one search evaluates. The vectorised model evaluates about 3 million
# candidates a second with ~40 float64 arrays alive (benchmarks/bench_layouts.py), so 200,000
# take well under a second and under ~100 MB: an edit in the window stays interactive.
CANDIDATE_BUDGET = 200_000
CHUNK_CELLS = 2**20  # rows x divisors handled at once by fewer_replicas (~8 MB of int64)


def divisors(n: int) -> list[int]:
    """The divisors of n, ascending, in O(sqrt n) steps."""
    small, large = [], []
    k = 1
    while k * k <= n:
        if n % k == 0:
            small.append(k)
            if k * k != n:
                large.append(n // k)
        k += 1
    return small + large[::-1]


@dataclass(frozen=True)
class SearchSpace:
    tensors: np.ndarray  # one entry per (t, p) pair that is searched
    pipelines: np.ndarray
    considered: int  # candidates built and evaluated
    possible: int  # candidates of the full space
    how: tuple[str, ...] = ()  # how the space was thinned or cut, in words
    budget: int = CANDIDATE_BUDGET

    @property
    def truncated(self) -> bool:
        return self.considered < self.possible

    @property
    def note(self) -> str:
        """What a person reads when the search was cut ('' when it was not)."""
        if not self.truncated:
            return ""
        return (f"search cut to {self.considered:,} of {self.possible:,} candidate layouts "
                f"({100 * self.considered / self.possible:.2g}%) to stay within {self.budget:,}: "
                + "; ".join(self.how))


class _Counter:
    """Counts and builds the candidates of (t, p) pairs."""

    def __init__(self, shape: Shape, batch: int, gpus: int, n_recompute: int):
        self.layers, self.batch, self.gpus, self.n_rc = shape.layers, batch, gpus, n_recompute
        self.data = {m: np.array(divisors(batch // m), dtype=np.int64) for m in MICROBATCHES if batch % m == 0}

    def n_interleaves(self, p: np.ndarray) -> np.ndarray:
        """How many interleaves > 1 divide the layers per stage (0 without a pipeline)."""
        per_stage = -(-self.layers // p)
        return sum(((per_stage % v == 0) & (p > 1)).astype(np.int64) for v in INTERLEAVES if v > 1)

    def _data(self, m: int, t: np.ndarray, p: np.ndarray):
        """The largest d with d x m dividing the batch and t p d <= gpus, and whether there is one."""
        sizes = self.data[m]
        i = np.searchsorted(sizes, self.gpus // (t * p), side="right") - 1
        return sizes[np.maximum(i, 0)], i >= 0

    def counts(self, tensors, pipelines) -> np.ndarray:
        """Candidates of every (t, p): an array of len(tensors) x len(pipelines), one row at a time
        (memory: the result and a few rows)."""
        p = np.asarray(pipelines, dtype=np.int64)
        nv = self.n_interleaves(p)
        out = np.zeros((len(tensors), len(p)), dtype=np.int64)
        for row, t in enumerate(tensors):
            for m in self.data:
                d, ok = self._data(m, np.asarray(t, dtype=np.int64), p)
                n = (1 + nv * ((self.batch // (d * m)) % p == 0)) * np.where(d > 1, len(ZERO_STAGES), 1)
                out[row] += np.where(ok, n, 0)
        return out * self.n_rc

    def build(self, tensors, pipelines, recompute: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Every candidate of the given (t, p) pairs, ordered by pair, m, v, z, recompute."""
        t = np.asarray(tensors, dtype=np.int64)
        p = np.asarray(pipelines, dtype=np.int64)
        parts = []
        for micro in self.data:
            d_m, ok = self._data(micro, t, p)
            found = np.flatnonzero(ok)
            parts.append((found, d_m[ok], np.full(len(found), micro)))
        if parts:
            pair, d, m = (np.concatenate(x) for x in zip(*parts, strict=True))
        else:
            pair = d = m = np.zeros(0, dtype=np.int64)
        order = np.lexsort((m, pair))
        return expand(t[pair][order], p[pair][order], d[order], m[order], self.batch, self.layers, recompute)


def expand(t, p, d, m, batch: int, layers: int, recompute: tuple[str, ...]) -> dict[str, np.ndarray]:
    """(t, p, d, m) rows with every valid interleave, ZeRO stage and recompute choice."""
    micro = batch // (d * m)
    per_stage = -(-layers // p)
    v_ok = np.stack([np.ones(len(p), dtype=bool) if v == 1 else
                     (p > 1) & (per_stage % v == 0) & (micro % p == 0) for v in INTERLEAVES], axis=1)
    row, vi = np.nonzero(v_ok)
    t, p, d, m, v = t[row], p[row], d[row], m[row], np.array(INTERLEAVES, dtype=np.int64)[vi]
    z_ok = np.stack([(d > 1) | (z == 0) for z in ZERO_STAGES], axis=1)
    row, zi = np.nonzero(z_ok)
    t, p, d, m, v, z = t[row], p[row], d[row], m[row], v[row], np.array(ZERO_STAGES, dtype=np.int64)[zi]
    codes = np.array([RECOMPUTE_CODES[r] for r in recompute], dtype=np.int64)
    cols = [np.repeat(x, len(codes)) for x in (t, p, d, m, v, z)] + [np.tile(codes, len(t))]
    out = dict(zip(NAMES, cols, strict=True))
    out["sequence_parallel"] = out["tensor"] > 1
    return out


def fewer_replicas(layouts: dict[str, np.ndarray], rows: np.ndarray, batch: int, room: int):
    """The layouts at ``rows`` again with each smaller valid data size (d' < d, d' m dividing the
    batch; interleave and ZeRO still valid), taking whole rows in the order given while the
    variants fit in ``room``. Returns (variants as arrays, how many there were in all). Works on
    chunks of rows so that memory stays bounded (a row has at most one variant per divisor)."""
    sizes = {m: np.array(divisors(batch // m), dtype=np.int64) for m in MICROBATCHES if batch % m == 0}
    chunk = max(1, CHUNK_CELLS // max(len(x) for x in sizes.values())) if sizes else 1
    kept, total, left = [], 0, room
    for start in range(0, len(rows), chunk):
        r, d2 = _variants({k: layouts[k][rows[start:start + chunk]] for k in NAMES}, sizes, batch)
        total += len(r)
        if left < 0:  # full: count the rest only
            continue
        if len(r) <= left:
            kept.append((r + start, d2))
            left -= len(r)
        else:  # whole rows before the first one that does not fit
            keep = r < r[left]
            kept.append((r[keep] + start, d2[keep]))
            left = -1
    r, d2 = (np.concatenate(x) for x in zip(*kept, strict=True)) if kept else (np.zeros(0, np.int64),) * 2
    out = {k: layouts[k][rows][r] for k in NAMES}
    out["data"] = d2
    out["sequence_parallel"] = out["tensor"] > 1
    return out, total


def _variants(rows: dict[str, np.ndarray], sizes: dict, batch: int):
    """(row index, smaller d) of every valid variant, by row then larger d first."""
    t, p, d, m, v, z, rc = (rows[k] for k in NAMES)
    chunks = [(np.zeros(0, np.int64), np.zeros(0, np.int64))]
    for mb in np.unique(m):
        ds = sizes[int(mb)]
        r, j = np.nonzero((m == mb)[:, None] & (ds[None, :] < d[:, None]))
        d2 = ds[j]
        ok = ((z[r] == 0) | (d2 > 1)) & ((v[r] == 1) | ((batch // (d2 * mb)) % p[r] == 0))
        chunks.append((r[ok], d2[ok]))
    r, d2 = (np.concatenate(x) for x in zip(*chunks, strict=True))
    order = np.lexsort((-d2, r))
    return r[order], d2[order]


def search_space(shape: Shape, batch: int, gpus: int, gpus_per_node: int, n_recompute: int,
                 budget: int = CANDIDATE_BUDGET) -> SearchSpace:
    """The (t, p) pairs to search. Every valid one when their candidates fit in the budget; else,
    in turn, until they do:

    1. one pipeline size per stage size: p = ceil(L / k) for each k layers per stage (a larger p
       with the same slowest stage only adds bubble, transfers and accelerators);
    2. pipeline sizes that are powers of two or divisors of the layers; then also tensor sizes
       that are powers of two (what published runs use);
    3. a cut: every n-th of the remaining pairs in order of t x p, keeping small and large model
       parallelism alike; the note says so.
    """
    counter = _Counter(shape, batch, gpus, n_recompute)
    tensors = np.array([t for t in divisors(gpus_per_node) if shape.heads % t == 0 and shape.hidden % t == 0])
    pipelines = np.arange(1, min(shape.layers, gpus // int(tensors[0])) + 1)
    counts = counter.counts(tensors, pipelines)
    possible = int(counts.sum())
    L = shape.layers

    def pairs(ti, pi):
        sub = counts[np.ix_(ti, pi)]
        tt, pp = np.meshgrid(tensors[ti], pipelines[pi], indexing="ij")
        keep = sub.ravel() > 0
        return tt.ravel()[keep], pp.ravel()[keep], sub.ravel()[keep]

    all_t = np.arange(len(tensors))
    thin_p = np.array([i for i, p in enumerate(pipelines) if p & (p - 1) == 0 or L % p == 0], dtype=np.int64)
    steps = [
        (all_t, np.arange(len(pipelines)), ""),
        (all_t, np.unique(-(-L // -(-L // pipelines))) - 1, "one pipeline size per stage size"),
        (all_t, thin_p, f"pipeline sizes that are powers of two or divide the {L:,} layers"),
        (np.array([i for i, t in enumerate(tensors) if t & (t - 1) == 0]), thin_p,
         f"pipeline sizes that are powers of two or divide the {L:,} layers, tensor sizes that are powers of two"),
    ]
    for ti, pi, note in steps:
        t, p, n = pairs(ti, pi)
        if n.sum() <= budget:
            return SearchSpace(t, p, int(n.sum()), possible, (note,) if note else (), budget)
    order = np.argsort(t * p, kind="stable")
    t, p, n = t[order], p[order], n[order]
    stride = int(-(-n.sum() // budget))
    while n[::stride].sum() > budget and stride < len(n):
        stride += 1
    t, p, n = t[::stride], p[::stride], n[::stride]
    how = (note, f"then 1 in {stride} of the {len(order):,} tensor x pipeline pairs left, in order of t x p")
    return SearchSpace(t, p, int(n.sum()), possible, how, budget)


def enumerate_layouts(shape: Shape, batch: int, gpus: int, gpus_per_node: int,
                      recompute: tuple[str, ...] = ("none", "selective", "full"),
                      budget: int = CANDIDATE_BUDGET) -> dict[str, np.ndarray]:
    """The candidates of ``search_space`` (module docstring), as arrays named by NAMES and
    ``sequence_parallel``."""
    return layouts_of(shape, batch, gpus, search_space(shape, batch, gpus, gpus_per_node, len(recompute), budget),
                      recompute)


def layouts_of(shape: Shape, batch: int, gpus: int, space: SearchSpace,
               recompute: tuple[str, ...]) -> dict[str, np.ndarray]:
    return _Counter(shape, batch, gpus, len(recompute)).build(space.tensors, space.pipelines, recompute)
