"""The parallel layouts a search evaluates, as numpy arrays (one entry per candidate).

A layout is (tensor t, pipeline p, context c, data d, microbatch m, interleave v, ZeRO stage z,
shard group g, expert e, recompute):

- t divides the heads and the hidden size and tiles a node's scale-up domain (t divides the
  accelerators per node: Megatron keeps tensor groups inside a node, SC21 section 3.2);
- p is at most the layers (stages may be uneven: the slowest holds ceil(layers / p), as Llama
  3's 126 layers on 16);
- c splits every sequence (context parallelism): 1, and, for sequences of LONG_SEQUENCE tokens
  or more or when no layout fits without it, the powers of two dividing the sequence up to the
  scale-up domain or sequence / CONTEXT_TOKENS, the larger (Llama 3 trained 128k-token
  sequences on c = 16, section 3.3.2);
- m divides the global batch; for each (t, c) the microbatch grows (``microbatch_limits``)
  until the leanest layout (ZeRO-3, full recomputation, no interleave, experts spread widest)
  no longer fits in memory;
- d is the largest with d x m dividing the batch and t p c d at most the accelerators (those
  left over stay idle): more replicas give each fewer microbatches, so a shorter step; smaller
  d are added next to the best layouts only (``fewer_replicas``, predict.search);
- v divides the layers per stage and, when > 1, needs p > 1 and the microbatch count to be a
  multiple of p (Megatron's interleaved schedule);
- z in 0..3; z > 0 needs d c > 1 (states are sharded over the d x c data ranks);
- g, with z = 3 (when ``shard_groups``, as predict.search asks): 0 (all d c ranks) or a node's
  worth of ranks (accelerators per node / t, at least 2) times a power of two, below d c and
  dividing it: hybrid sharding (PyTorch FSDP's HYBRID_SHARD, ZeRO++'s hpZ); below ZeRO-3 a
  smaller group only costs memory and optimizer time in the step model, so it is not tried;
- e (a mixture of experts): every divisor of the experts that divides d x c (not only their gcd);
- recompute: the choices given; sequence parallelism whenever t > 1.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from .step import RECOMPUTE_CODES, Shape

ZERO_STAGES = (0, 1, 2, 3)
NAMES = ("tensor", "pipeline", "data", "microbatch", "interleave", "zero", "recompute", "context", "expert",
         "shard_group")
LONG_SEQUENCE = 16_384  # context parallelism is searched from this length (or where memory demands it)
CONTEXT_TOKENS = 8_192  # beyond the scale-up domain, c up to sequence / this (Llama 3: 131,072 on 16)
CHUNK_CELLS = 2**20  # rows x divisors handled at once by fewer_replicas (~8 MB of int64)
Fits = Callable[[dict], np.ndarray]  # layouts (as built here) -> whether each fits in memory


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


@functools.lru_cache(maxsize=16)
def divisor_table(n: int, powers_of_two: bool) -> np.ndarray:
    """(n + 1) x k: row i lists the divisors of i (or the powers of two dividing it), ascending,
    0-padded (a sieve: n log n steps)."""
    count = np.zeros(n + 1, dtype=np.int64)
    ks = [k for k in range(1, n + 1) if not powers_of_two or k & (k - 1) == 0]
    for k in ks:
        count[k::k] += 1
    out = np.zeros((n + 1, int(count.max())), dtype=np.int64)
    pos = np.zeros(n + 1, dtype=np.int64)
    for k in ks:
        out[k::k, :][np.arange(len(out[k::k])), pos[k::k]] = k
        pos[k::k] += 1
    out.setflags(write=False)
    return out


def context_sizes(sequence: int, per_node: int, long_only: bool = True) -> list[int]:
    """1 and the context-parallel sizes searched (module docstring); only 1 for a short sequence
    unless ``long_only`` is False (memory demands more)."""
    if long_only and sequence < LONG_SEQUENCE:
        return [1]
    top = max(per_node, sequence // CONTEXT_TOKENS)
    return [1] + [2**k for k in range(1, top.bit_length()) if sequence % 2**k == 0]


def probes(layers: int, top: int) -> np.ndarray:
    """Pipeline sizes whose memory is tried (powers of two, divisors of the layers, the largest)."""
    pow2 = {2**k for k in range(top.bit_length())}
    return np.array(sorted(pow2 | {v for v in divisors(layers) if v <= top} | {top}), dtype=np.int64)


class Grid:
    """Every cell (a (t, c) row, a pipeline size p, a microbatch m) of a search, how many
    candidates each holds (``counts``), and the candidates themselves (``build``). ``thinned``
    names the dimensions narrowed to stay within a budget (search_space.py): shard_group (one
    node's ranks only), interleave and microbatch (powers of two), expert (1, the widest within a
    node, the widest)."""

    def __init__(self, shape: Shape, batch: int, gpus: int, per_node: int, n_recompute: int,
                 fits: Fits | None = None, shard_groups: bool = False):
        self.batch, self.gpus, self.per_node, self.n_rc = batch, gpus, per_node, n_recompute
        self.L = shape.layers
        self.fits, self.shard_groups = fits, shard_groups
        self.micro = np.array(divisors(batch), dtype=np.int64)
        self.experts = shape.experts if shape.experts > 1 and shape.moe_layers else 1
        self.expert_sizes = np.array(divisors(self.experts), dtype=np.int64)
        self.expert_counts = np.array([len(divisors(int(e))) for e in self.expert_sizes], dtype=np.int64)
        self._sizes: dict[int, np.ndarray] = {}
        tensors = [t for t in divisors(per_node) if shape.heads % t == 0 and shape.hidden % t == 0]
        rows = [(t, c) for t in tensors for c in context_sizes(shape.sequence, per_node) if t * c <= gpus]
        limits, fit = self.microbatch_limits(rows)
        self.context_needed = False  # context parallelism searched because only it lets a layout fit
        if fits is not None and shape.sequence < LONG_SEQUENCE and not fit:
            extra = [(t, c) for t in tensors for c in context_sizes(shape.sequence, per_node, False)[1:]
                     if t * c <= gpus]
            more, fit = self.microbatch_limits(extra)
            if fit:
                rows, limits, self.context_needed = rows + extra, limits + more, True
        self.t = np.array([r[0] for r in rows], dtype=np.int64)
        self.c = np.array([r[1] for r in rows], dtype=np.int64)
        self.top = np.minimum(self.L, gpus // (self.t * self.c))  # the largest p of each row
        self.m_count = np.zeros((len(rows), int(self.top.max())), dtype=np.int64)
        for i, (q, n) in enumerate(limits):
            p = np.arange(1, self.top[i] + 1)
            self.m_count[i, :len(p)] = n[np.searchsorted(q, p)]  # the smallest probe >= p

    def sizes(self, m: int) -> np.ndarray:
        if m not in self._sizes:
            self._sizes[m] = np.array(divisors(self.batch // m), dtype=np.int64)
        return self._sizes[m]

    def data(self, m: int, tpc: np.ndarray) -> np.ndarray:
        """The largest d with d m dividing the batch and d x tpc at most the accelerators."""
        sizes = self.sizes(m)
        return sizes[np.searchsorted(sizes, self.gpus // tpc, side="right") - 1]

    def microbatch_limits(self, rows) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
        """For each (t, c) row: its probe pipeline sizes q and, for each, how many of the batch's
        divisors (from the smallest) are searched as microbatches: m grows while the leanest
        layout of (t, q, c, m) fits (the smallest m always). A pipeline size between probes takes
        the next larger probe's (a deeper pipeline holds fewer layers per accelerator). Also
        whether any leanest layout fits at the smallest m."""
        qs = [probes(self.L, min(self.L, self.gpus // (t * c))) for t, c in rows]
        if self.fits is None or not rows:
            return [(q, np.full(len(q), len(self.micro), dtype=np.int64)) for q in qs], bool(rows)
        t = np.concatenate([np.full(len(q), r[0]) for q, r in zip(qs, rows, strict=True)])
        c = np.concatenate([np.full(len(q), r[1]) for q, r in zip(qs, rows, strict=True)])
        p, n = np.concatenate(qs), np.ones(len(t), dtype=np.int64)
        alive = self.fits(self.leanest(t, p, c, int(self.micro[0])))
        fit = bool(alive.any())
        for i, m in enumerate(self.micro[1:], start=2):
            at = np.flatnonzero(alive)
            if not len(at):
                break
            ok = self.fits(self.leanest(t[at], p[at], c[at], int(m)))
            n[at[ok]] = i
            alive[at[~ok]] = False
        return list(zip(qs, np.split(n, np.cumsum([len(q) for q in qs])[:-1]), strict=True)), fit

    def leanest(self, t, p, c, m: int) -> dict[str, np.ndarray]:
        d = self.data(m, t * p * c)
        dc = d * c
        return layouts(t, p, c, np.full(len(t), m), d, np.ones_like(t), np.where(dc > 1, 3, 0),
                       np.full(len(t), RECOMPUTE_CODES["full"]), np.gcd(self.experts, dc), np.zeros_like(t))

    # -- cells and their candidates ---------------------------------------------------------------
    def cells(self, keep: np.ndarray, thinned: frozenset = frozenset()):
        """(row, p, m) of every cell whose (row, p) is kept, m by m: yields (rows, p, m, d)."""
        r, col = np.nonzero(keep)
        n = self.m_count[r, col]
        for i in range(int(n.max(initial=0))):
            m = int(self.micro[i])
            if "microbatch" in thinned and i and m & (m - 1):
                continue
            at = np.flatnonzero(n > i)
            p = col[at] + 1
            yield r[at], p, m, self.data(m, self.t[r[at]] * p * self.c[r[at]])

    def n_cells(self, keep: np.ndarray, thinned: frozenset = frozenset()) -> int:
        pow2 = np.array([i == 0 or m & (m - 1) == 0 for i, m in enumerate(self.micro)])
        n = self.m_count if "microbatch" not in thinned else np.cumsum(pow2)[np.maximum(self.m_count - 1, 0)]
        return int(np.where(keep, n, 0).sum())

    def cell_list(self, keep: np.ndarray, thinned: frozenset = frozenset()):
        """(row, p, m, d) of every cell whose (row, p) is kept, as arrays ordered by row, p, m."""
        parts = [(r, p, np.full(len(r), m), d) for r, p, m, d in self.cells(keep, thinned)]
        if not parts:
            return tuple(np.zeros(0, dtype=np.int64) for _ in range(4))
        r, p, m, d = (np.concatenate(x) for x in zip(*parts, strict=True))
        order = np.lexsort((m, p, r))
        return r[order], p[order], m[order], d[order]

    def cell_counts(self, r, p, m, d, thinned: frozenset = frozenset()) -> np.ndarray:
        """Candidates of each cell."""
        vcount = (divisor_table(self.L, "interleave" in thinned) > 0).sum(axis=1)
        t, dc = self.t[r], d * self.c[r]
        nv = np.where((p > 1) & ((self.batch // (d * m)) % p == 0), vcount[-(-self.L // p)], 1)
        nz = np.where(dc > 1, 4 + self.groups(dc, t, thinned).sum(axis=1), 1)
        return nv * nz * self.expert_options(dc, t, thinned).sum(axis=1) * self.n_rc

    def counts(self, keep: np.ndarray, thinned: frozenset = frozenset()) -> np.ndarray:
        """Candidates of every (row, p), as a matrix like ``keep`` (summed over m)."""
        out = np.zeros(keep.shape, dtype=np.int64)
        for r, p, m, d in self.cells(keep, thinned):
            out[r, p - 1] += self.cell_counts(r, p, m, d, thinned)
        return out

    def groups(self, dc, t, thinned) -> np.ndarray:
        """Which shard groups k 2^j (k a node's ranks) each layout may take: cells x j."""
        if not self.shard_groups:
            return np.zeros((len(dc), 0), dtype=bool)
        g = self.group_sizes(t, dc)
        ok = (g < dc[:, None]) & (dc[:, None] % g == 0)
        return ok[:, :1] if "shard_group" in thinned else ok

    def group_sizes(self, t, dc) -> np.ndarray:
        k = np.maximum(2, self.per_node // t)
        j = max(1, int(np.max(dc // k, initial=1)).bit_length())
        return k[:, None] << np.arange(j)[None, :]

    def expert_options(self, dc, t, thinned) -> np.ndarray:
        """Which expert-parallel sizes (self.expert_sizes) each layout may take: cells x sizes."""
        e = self.expert_sizes[None, :]
        ok = dc[:, None] % e == 0
        if "expert" in thinned:
            widest = np.where(ok, e, 1).max(axis=1)
            in_node = np.where(ok & (t[:, None] * e <= self.per_node), e, 1).max(axis=1)
            ok &= (e == 1) | (e == widest[:, None]) | (e == in_node[:, None])
        return ok

    def build(self, cells, thinned: frozenset, recompute: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Every candidate of the cells (r, p, m, d), in their order, then by v, z, g, e, recompute."""
        r, p, m, d = cells
        t, c = self.t[r], self.c[r]
        # interleaves
        table = divisor_table(self.L, "interleave" in thinned)[-(-self.L // p)]
        ok = (table > 0) & ((table == 1) | ((p > 1) & ((self.batch // (d * m)) % p == 0))[:, None])
        i, j = np.nonzero(ok)
        t, p, c, m, d, v = t[i], p[i], c[i], m[i], d[i], table[i, j]
        # ZeRO stages, then ZeRO-3's shard groups
        dc = d * c
        groups = self.groups(dc, t, thinned)
        ok = np.concatenate([np.ones((len(t), 1), bool), np.repeat((dc > 1)[:, None], 3, axis=1),
                             groups & (dc > 1)[:, None]], axis=1)
        g_all = np.concatenate([np.zeros((len(t), 4), np.int64),
                                self.group_sizes(t, dc)[:, :groups.shape[1]]], axis=1)
        i, j = np.nonzero(ok)
        t, p, c, m, d, v, dc = t[i], p[i], c[i], m[i], d[i], v[i], dc[i]
        z, g = np.minimum(j, 3), g_all[i, j]
        # expert-parallel sizes
        i, j = np.nonzero(self.expert_options(dc, t, thinned))
        cols = [x[i] for x in (t, p, c, m, d, v, z, g)] + [self.expert_sizes[j]]
        codes = np.array([RECOMPUTE_CODES[x] for x in recompute], dtype=np.int64)
        t, p, c, m, d, v, z, g, e = (np.repeat(x, len(codes)) for x in cols)
        return layouts(t, p, c, m, d, v, z, np.tile(codes, len(cols[0])), e, g)


def layouts(t, p, c, m, d, v, z, rc, e, g) -> dict[str, np.ndarray]:
    out = dict(zip(NAMES, (t, p, d, m, v, z, rc, c, e, g), strict=True))
    out["sequence_parallel"] = out["tensor"] > 1
    return out


def fewer_replicas(built: dict[str, np.ndarray], rows: np.ndarray, batch: int, room: int):
    """The layouts at ``rows`` again with each smaller valid data size (d' < d, d' m dividing the
    batch; interleave, ZeRO, shard group and expert size still valid), taking whole rows in the
    order given while the variants fit in ``room``. Returns (variants as arrays, how many there
    were in all). Works on chunks of rows so that memory stays bounded (a row has at most one
    variant per divisor)."""
    ms = np.unique(built["microbatch"][rows]) if len(rows) else np.zeros(0, np.int64)
    sizes = {int(m): np.array(divisors(batch // int(m)), dtype=np.int64) for m in ms}
    chunk = max(1, CHUNK_CELLS // max(len(x) for x in sizes.values())) if sizes else 1
    kept, total, left = [], 0, room
    for start in range(0, len(rows), chunk):
        r, d2 = _variants({k: built[k][rows[start:start + chunk]] for k in NAMES}, sizes, batch)
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
    out = {k: v[rows][r] for k, v in built.items()}  # with any options beside NAMES (predict.search)
    out["data"] = d2
    out["sequence_parallel"] = out["tensor"] > 1
    return out, total


def _variants(rows: dict[str, np.ndarray], sizes: dict, batch: int):
    """(row index, smaller d) of every valid variant, by row then larger d first."""
    p, d, m, v, z, c, e, g = (rows[k] for k in ("pipeline", "data", "microbatch", "interleave", "zero", "context",
                                                 "expert", "shard_group"))
    chunks = [(np.zeros(0, np.int64), np.zeros(0, np.int64))]
    for mb in np.unique(m):
        ds = sizes[int(mb)]
        r, j = np.nonzero((m == mb)[:, None] & (ds[None, :] < d[:, None]))
        d2 = ds[j]
        dc = d2 * c[r]
        ok = (((z[r] == 0) | (dc > 1)) & ((v[r] == 1) | ((batch // (d2 * mb)) % p[r] == 0)) & (dc % e[r] == 0)
              & ((g[r] == 0) | ((g[r] < dc) & (dc % np.maximum(g[r], 1) == 0))))
        chunks.append((r[ok], d2[ok]))
    r, d2 = (np.concatenate(x) for x in zip(*chunks, strict=True))
    order = np.lexsort((-d2, r))
    return r[order], d2[order]
