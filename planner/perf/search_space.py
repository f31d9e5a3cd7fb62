"""How much of the layout space (layouts.py) one search builds and evaluates: all of it when its
candidates fit in CANDIDATE_BUDGET, else the space thinned step by step until they do.

Counting comes before building: the candidates of every cell (a tensor x context row, a pipeline
size, a microbatch) are counted without listing them, so that time and memory stay bounded
whatever the plan's sizes. The thinning steps, in turn (each keeps what the one before kept):

1. one pipeline size per stage size: p = ceil(L / k) for each k layers per stage (a larger p
   with the same slowest stage only adds bubble, transfers and accelerators);
2. ZeRO-3 shard groups of one node's ranks only (besides all of them);
3. pipeline sizes that are powers of two or divisors of the layers (instead of 1);
4. interleaves that are powers of two;
5. expert-parallel sizes 1, the widest within a node and the widest;
6. microbatches that are powers of two;
7. tensor sizes that are powers of two (what published runs use);
8. a cut: every n-th of the remaining (t, p, c) in order of t x p x c, keeping small and large
   model parallelism alike.

A step that removes nothing is not named in the note. A space of more than COUNT_CELLS cells is
not even counted whole: it is counted after the first steps that bring it under (the note says so).
The budget is at least MOST_PER_CELL, the most candidates one cell holds once thinned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layouts import Fits, Grid
from .step import Shape

# Most candidates one search evaluates. The vectorised model evaluates about 3 million
# candidates a second with ~40 float64 arrays alive (benchmarks/bench_layouts.py), so 200,000
# take well under a second and under ~100 MB: an edit in the window stays interactive.
CANDIDATE_BUDGET = 200_000
# The most candidates of one cell once every dimension is thinned (the least budget that holds):
# 14 interleaves (powers of two up to 8,192 layers a stage) x 5 ZeRO stages and shard groups x 3
# expert sizes x 3 recompute choices.
MOST_PER_CELL = 14 * 5 * 3 * 3
COUNT_CELLS = 4_000_000  # most cells counted (a few numpy passes over them: well under a second)
THINNED = (("shard_group", "ZeRO-3 shard groups of one node's ranks only"),
           ("interleave", "interleaves that are powers of two"),
           ("expert", "expert-parallel sizes 1, the widest within a node and the widest"),
           ("microbatch", "microbatches that are powers of two"))


@dataclass(frozen=True)
class SearchSpace:
    considered: int  # candidates built and evaluated
    possible: int  # candidates of the full space (of the part counted where ``uncounted``)
    how: tuple[str, ...] = ()  # how the space was thinned or cut, in words
    budget: int = CANDIDATE_BUDGET
    uncounted: int = 0  # cells of a space too large to count whole (0: counted whole)
    tensors: tuple[int, ...] = ()  # the tensor-parallel sizes searched
    idle_note: str = ""  # why the best layout leaves accelerators idle (predict.search)

    @property
    def truncated(self) -> bool:
        return self.considered < self.possible or self.uncounted > 0

    @property
    def note(self) -> str:
        """What a person reads when the search was cut ('' when it was not)."""
        if not self.truncated:
            return ""
        return (f"search cut to {self.considered:,} of {self.possible:,} candidate layouts "
                f"({100 * self.considered / self.possible:.2g}%) to stay within {self.budget:,}: "
                + "; ".join(self.how))


def _steps(grid: Grid):
    """(kept (row, p) matrix, thinned dimensions, notes in force, the note this step adds) of each
    step, the whole space first."""
    L = grid.L
    p = np.arange(1, grid.m_count.shape[1] + 1)
    within = p[None, :] <= grid.top[:, None]
    stage = within & np.isin(p, -(-L // -(-L // p)))
    thin = within & ((p & (p - 1) == 0) | (L % p == 0))
    p_stage = "one pipeline size per stage size"
    p_thin = f"pipeline sizes that are powers of two or divide the {L:,} layers"
    t_note = "tensor sizes that are powers of two"
    notes = dict(THINNED)
    yield within, frozenset(), (), ""
    yield stage, frozenset(), (p_stage,), p_stage
    yield stage, frozenset({"shard_group"}), (p_stage, notes["shard_group"]), notes["shard_group"]
    yield thin, frozenset({"shard_group"}), (p_thin, notes["shard_group"]), p_thin
    dims = {"shard_group"}
    for name in ("interleave", "expert", "microbatch"):
        dims.add(name)
        yield thin, frozenset(dims), (p_thin,) + tuple(notes[k] for k, _ in THINNED if k in dims), notes[name]
    yield (thin & (grid.t & (grid.t - 1) == 0)[:, None], frozenset(dims),
           (p_thin,) + tuple(notes[k] for k, _ in THINNED) + (t_note,), t_note)


def _name(note: str) -> str:
    return next((name for name, text in THINNED if text == note), "")


def select(grid: Grid, budget: int = CANDIDATE_BUDGET):
    """The (row, p) kept, the dimensions thinned, and the SearchSpace (module docstring)."""
    steps = list(_steps(grid))
    start, uncounted = 0, 0
    whole = grid.n_cells(steps[0][0])
    if whole > COUNT_CELLS:
        uncounted = whole
        start = next((i for i, (keep, dims, _, _) in enumerate(steps) if grid.n_cells(keep, dims) <= COUNT_CELLS),
                     len(steps) - 1)
    idle = {"shard_group": not grid.shard_groups, "expert": grid.experts == 1}  # dimensions with one choice
    useful = {note for note in steps[start][2] if not idle.get(_name(note), False)}  # steps that removed some
    possible = last = -1
    for keep, dims, in_force, new in steps[start:]:
        n = grid.counts(keep, dims)
        total = int(n.sum())
        if possible < 0:
            possible = last = total
        elif total < last:
            useful.add(new)
        last = total
        how = tuple(x for x in in_force if x in useful)
        if uncounted:
            how += (f"counted once thinned so: the whole space has {uncounted:,} cells, more than {COUNT_CELLS:,} "
                    f"to count",)
        if total <= budget:
            found = grid.cell_list(keep, dims)
            return found, dims, SearchSpace(total, possible, how, budget, uncounted, _tensors(grid, found))
    # a cut: every stride-th cell, in order of t x p x c
    r, p, m, d = grid.cell_list(keep, dims)
    order = np.lexsort((m, p, r, grid.t[r] * p * grid.c[r]))
    r, p, m, d = r[order], p[order], m[order], d[order]
    k = grid.cell_counts(r, p, m, d, dims)
    stride = int(-(-k.sum() // budget))
    while k[::stride].sum() > budget and stride < len(k):
        stride += 1
    how += (f"then 1 in {stride} of the {len(k):,} tensor x pipeline x context x microbatch choices left, "
            f"in order of t x p x c",)
    cut = (r[::stride], p[::stride], m[::stride], d[::stride])
    return cut, dims, SearchSpace(int(k[::stride].sum()), possible, how, budget, uncounted, _tensors(grid, cut))


def _tensors(grid: Grid, cells) -> tuple[int, ...]:
    return tuple(int(t) for t in np.unique(grid.t[cells[0]]))


def candidates(shape: Shape, batch: int, gpus: int, gpus_per_node: int, recompute: tuple[str, ...],
               budget: int = CANDIDATE_BUDGET, fits: Fits | None = None,
               shard_groups: bool = False) -> tuple[dict[str, np.ndarray], SearchSpace]:
    """The candidate layouts of a search (layouts.py; ``fits`` bounds the microbatches by memory)
    within the budget, as arrays, and the space they were taken from."""
    grid = Grid(shape, batch, gpus, gpus_per_node, len(recompute), fits, shard_groups)
    cells, dims, space = select(grid, budget)
    return grid.build(cells, dims, recompute), space


def search_space(shape: Shape, batch: int, gpus: int, gpus_per_node: int, n_recompute: int,
                 budget: int = CANDIDATE_BUDGET, fits: Fits | None = None, shard_groups: bool = False) -> SearchSpace:
    """How much of the space a search takes (counted, not built)."""
    return select(Grid(shape, batch, gpus, gpus_per_node, n_recompute, fits, shard_groups), budget)[2]


def enumerate_layouts(shape: Shape, batch: int, gpus: int, gpus_per_node: int,
                      recompute: tuple[str, ...] = ("none", "selective", "full"),
                      budget: int = CANDIDATE_BUDGET, fits: Fits | None = None,
                      shard_groups: bool = False) -> dict[str, np.ndarray]:
    """The candidates of ``candidates``, as arrays named by layouts.NAMES and ``sequence_parallel``."""
    return candidates(shape, batch, gpus, gpus_per_node, recompute, budget, fits, shard_groups)[0]
