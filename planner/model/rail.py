"""Rail-optimized fabric sizing (``network.topology: rail-optimized``), as NVIDIA's DGX SuperPOD
reference architectures build it:

- nodes come in scalable units (SUs) of S nodes (``network.scalable_unit``; default: as many
  nodes as a leaf has down ports, 32 on a 64-port NDR switch);
- a node's R fabric ports are its rails (R = fabric ports per node: 8 for DGX/HGX, 72 for an
  NVL72 rack); port i of every node in an SU goes to the leaf of rail i: one leaf per rail per
  SU, or ceil(R S / d) leaves when a leaf's d down ports hold several rails of a small SU (an
  NVL72 SU of 8 racks) or one rail needs several leaves. Leaves and their up-links are
  provisioned for whole SUs, as the reference architectures say to build them;
- two levels while every leaf reaches every spine (leaves <= the spine's radix). Each leaf
  spreads its u up-links evenly, so the spine count is the smallest s >= u x leaves / radix
  that divides u: 3 SUs of DGX H100 (24 leaves x 32 up-links on 64-port spines) take 16
  spines, not 12 (NVIDIA DGX SuperPOD H100 RA, table 4); 4 SUs of 72 DGX B300 on 144-port
  XDR switches take 18, not 16 (B300 XDR RA, table 3);
- beyond that, spines and cores above the leaves as in a fat tree (k/2 down, the top tier's
  ports all down): 16 SUs of DGX B200 = 128 leaves, 128 spines, 64 cores (B200 RA, table 3).

Sources: docs.nvidia.com/dgx-superpod, reference architectures for DGX H100 ("Compute fabric
component count", table 4), DGX B200 ("Larger DGX SuperPOD component counts") and DGX B300 with
XDR InfiniBand (table 3); GB200 RA: scalable units of 8 DGX GB200 racks (576 GPUs, 1.2 MW).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import clos


@dataclass(frozen=True)
class RailPlan:
    levels: int
    per_level: tuple  # switches per tier, leaves first
    switch_links: int
    pod_endpoints: int  # endpoints that reach each other below the top tier
    scalable_units: int
    su_nodes: int


def _layout(nodes: int, rails: int, su_nodes: int | None, down: int):
    s = su_nodes or down
    per_su = math.ceil(rails * s / down)
    sus = math.ceil(nodes / s)
    return s, sus, per_su, sus * per_su


def size(endpoints: int, nodes: int, rails: int, su_nodes: int | None, k: int, top: int,
         oversubscription: float) -> RailPlan:
    """Switches per tier of a rail-optimized fabric (module docstring)."""
    d2 = clos.down_below_top(k, oversubscription)  # leaves under the top tier (two levels)
    s, sus, per_su, leaves = _layout(nodes, rails, su_nodes, d2)
    if leaves <= 1:  # one leaf holds every port: a single switch
        return RailPlan(1, (1,), 0, endpoints, sus, s)
    if leaves <= top:
        up = k - d2
        spines = math.ceil(leaves * up / top)
        while up % spines:
            spines += 1
        # one SU's nodes reach each other through their rails' leaves (and their own scale-up links)
        return RailPlan(2, (leaves, spines), leaves * up, min(endpoints, s * rails), sus, s)
    half = k // 2
    s, sus, per_su, leaves = _layout(nodes, rails, su_nodes, half)
    levels = max(3, clos.levels_needed(leaves * half, k, oversubscription, top))
    above, links = clos.tiers_above(leaves * (k - half), k, top, levels - 1, oversubscription)
    # the nodes whose leaves sit below one switch under the top tier (one leaf of each SU in a
    # rail group), with all their rails: their own scale-up links carry traffic between rails
    pod = max(1, clos.pod_size(k, levels, oversubscription) // half) * s * rails
    return RailPlan(levels, tuple([leaves] + above), links, min(endpoints, pod), sus, s)
