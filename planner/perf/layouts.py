"""Every valid parallel layout of a run, as numpy arrays (one entry per candidate)."""

from __future__ import annotations

import itertools

import numpy as np

from .step import RECOMPUTE_CODES, Shape

MICROBATCHES = (1, 2, 4, 8, 16)
INTERLEAVES = (1, 2, 4, 8)
ZERO_STAGES = (0, 1, 2, 3)


def divisors(n: int) -> list[int]:
    return [k for k in range(1, n + 1) if n % k == 0]


def enumerate_layouts(shape: Shape, batch: int, gpus: int, gpus_per_node: int,
                      recompute: tuple[str, ...] = ("none", "selective", "full")) -> dict[str, np.ndarray]:
    """All (tensor, pipeline, data, microbatch, interleave, zero, recompute) that are valid:

    tensor divides the heads and fits in a node's scale-up domain; pipeline is at most the layers
    (stages may be uneven: the slowest holds ceil(layers / pipeline), as Llama 3's 126 layers on 16);
    data = gpus // (tensor x pipeline) (accelerators left over stay idle); microbatch x data
    divides the global batch; interleave divides the layers per stage and, when > 1, needs
    pipeline > 1 and the microbatch count to be a multiple of the pipeline size (Megatron's
    interleaved schedule); sequence parallelism whenever tensor > 1.
    """
    tensors = [t for t in divisors(gpus_per_node) if shape.heads % t == 0 and shape.hidden % t == 0]
    pipelines = [p for p in range(1, min(shape.layers, gpus) + 1)]
    rows = []
    for t, p in itertools.product(tensors, pipelines):
        d = gpus // (t * p)
        if d < 1:
            continue
        for m in MICROBATCHES:
            if batch % (d * m):
                continue
            micro = batch // (d * m)
            for v in INTERLEAVES:
                if v > 1 and (p == 1 or -(-shape.layers // p) % v or micro % p):
                    continue
                for z in ZERO_STAGES:
                    if z > 0 and d == 1:
                        continue
                    for rc in recompute:
                        rows.append((t, p, d, m, v, z, RECOMPUTE_CODES[rc]))
    arr = np.array(rows, dtype=np.int64).reshape(-1, 7)
    names = ("tensor", "pipeline", "data", "microbatch", "interleave", "zero", "recompute")
    out = {name: arr[:, i] for i, name in enumerate(names)}
    out["sequence_parallel"] = out["tensor"] > 1
    return out
