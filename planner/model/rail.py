"""Rail-optimized fabric sizing (``network.topology: rail-optimized``), as NVIDIA's DGX SuperPOD
reference architectures build it:

- a node has R rails of q ports each (the system's ``fabric_rails``; q = its fabric ports / R):
  a DGX/HGX has 8 rails of one port; a GB200 NVL72 rack has 4 rails of 18 ports, one port per
  compute tray, as many rails as a tray has GPUs and ConnectX-7 NICs (GB200 RA, section 4.2);
- nodes come in scalable units (SUs) of S nodes (``network.scalable_unit``; default: as many
  nodes as one leaf holds a rail of, 32 DGX on a 64-port NDR switch); port i of every node in an
  SU goes to a leaf of rail i: one leaf per rail per SU, or ceil(R / floor(d / qS)) leaves when
  a leaf's d down ports hold several whole rails of a small SU. Where a rail of an SU outgrows
  one leaf, a leaf takes that rail of as many whole nodes as fit: one leaf per rail per NVL72
  rack (18 of its 32 down ports, and 18 up-links), 32 leaves per SU of 8 racks (GB200 RA, table
  4.1). Leaves and their up-links are provisioned for whole SUs, as the RAs say to build them;
- two levels while every leaf reaches every spine (leaves <= the spine's radix). Each leaf
  spreads its u up-links evenly, so the spine count is the smallest s >= u x leaves / radix
  that divides u: 3 SUs of DGX H100 (24 leaves x 32 up-links on 64-port spines) take 16
  spines, not 12 (NVIDIA DGX SuperPOD H100 RA, table 4); 4 SUs of 72 DGX B300 on 144-port
  XDR switches take 18, not 16 (B300 XDR RA, table 3);
- past one SU, a fabric whose rails span several leaves per SU (NVL72 racks) is built of
  spine-leaf groups (SLGs), one per rail per SU (the rail's leaves and the fewest spines, half
  their ports down, that take every leaf's up-links evenly: 8 leaves x 18 up-links on 6
  spines), under core groups, one per spine position of an SLG (a core group's switches take
  the up-links of that spine of every SLG, evenly). GB200 RA, table 4.1: 2/4/8/16 SUs = 64/128/
  256/512 leaves, 48/96/192/384 spines, 18/36/72/144 core switches in 6 core groups; it scales
  to 16 SUs, a core group's 24 switches each taking one link from each of its 64 spines;
- otherwise beyond two levels, spines and cores above the leaves as in a fat tree (k/2 down, the
  top tier's ports all down): 16 SUs of DGX B200 = 128 leaves, 128 spines, 64 cores (B200 RA,
  table 3).

Sources: docs.nvidia.com/dgx-superpod, reference architectures for DGX H100 ("Compute fabric
component count", table 4), DGX B200 ("Larger DGX SuperPOD component counts") and DGX B300 with
XDR InfiniBand (table 3); DGX GB200 (RA-11338-001 V01, 2025-06-16, section 4.2 "Compute Fabric",
table 4.1 "Larger SuperPOD component counts"; SUs of 8 DGX GB200 racks, 576 GPUs, 1.2 MW).
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
    max_endpoints: int | None = None  # the design's own limit (None: the fat tree's capacity)
    up_links: tuple = ()  # each tier's up-links below the top, bottom-up (their sum: switch_links)


@dataclass(frozen=True)
class _Layout:
    su_nodes: int
    sus: int
    per_rail: int  # leaves of one rail of one SU (1 also when a leaf holds several rails)
    leaves: int
    used: int  # down ports used on the fullest leaf, for whole SUs


def _layout(nodes: int, rails: int, q: int, su_nodes: int | None, down: int) -> _Layout:
    s = su_nodes or max(1, down // q)
    sus = math.ceil(nodes / s)
    if q * s <= down:  # a rail of an SU fits one leaf, which may hold several whole rails
        per_leaf = min(rails, down // (q * s))
        per_rail, per_su, used = 1, math.ceil(rails / per_leaf), per_leaf * q * s
    elif q <= down:  # a leaf takes one rail of as many whole nodes as fit
        g = down // q
        per_rail, used = math.ceil(s / g), g * q
        per_su = rails * per_rail
    else:  # one node's rail needs several leaves
        m = math.ceil(q / down)
        per_rail, used = s * m, math.ceil(q / m)
        per_su = rails * per_rail
    return _Layout(s, sus, per_rail, sus * per_su, used)


def _even(needed: float, links: int) -> int | None:
    """The fewest switches, at least ``needed``, that take ``links`` up-links evenly (None when
    more than ``links`` are needed: no such count divides them)."""
    n = max(1, math.ceil(needed))
    while n <= links and links % n:
        n += 1
    return n if n <= links else None


def _slg(lay: _Layout, rails: int, up: int, k: int, top: int):
    """Spine-leaf groups under core groups (GB200 RA, section 4.2), or None past their limit."""
    spines = _even(lay.per_rail * up / (k // 2), up)  # per SLG
    if spines is None:
        return None
    spine_up = lay.per_rail * up // spines  # as many up as down: non-blocking
    groups = rails * lay.sus  # SLGs
    per_group = _even(groups * spine_up / top, spine_up)  # core switches per core group
    if per_group is None:  # past top / rails SUs a core group cannot take its spines' up-links
        return None
    per_level = (lay.leaves, groups * spines, spines * per_group)
    return per_level, (lay.leaves * up, groups * spines * spine_up), (top // rails) * lay.su_nodes


def size(endpoints: int, nodes: int, rails: int, su_nodes: int | None, k: int, top: int,
         oversubscription: float, ports_per_rail: int = 1) -> RailPlan:
    """Switches per tier of a rail-optimized fabric (module docstring)."""
    q = max(1, ports_per_rail)
    node_ports = rails * q
    d2 = clos.down_below_top(k, oversubscription)  # leaves under the top tier (two levels)
    lay = _layout(nodes, rails, q, su_nodes, d2)
    s, sus = lay.su_nodes, lay.sus
    pod = min(endpoints, s * node_ports)  # one SU: its nodes' scale-up links join their rails
    if lay.leaves <= 1:  # one leaf holds every port: a single switch
        return RailPlan(1, (1,), 0, endpoints, sus, s)
    up = min(k - d2, math.ceil(lay.used / oversubscription))
    if q > 1 and lay.per_rail > 1 and sus > 1:
        slg = _slg(lay, rails, up, k, top)
        if slg is not None:
            per_level, ups, most = slg
            return RailPlan(3, per_level, sum(ups), pod, sus, s, most * node_ports, ups)
    elif lay.leaves <= top:
        spines = _even(lay.leaves * up / top, up) or up
        # one SU's nodes reach each other through their rails' leaves (and their own scale-up links)
        return RailPlan(2, (lay.leaves, spines), lay.leaves * up, pod, sus, s, top * lay.used,
                        (lay.leaves * up,))
    half = k // 2
    lay = _layout(nodes, rails, q, su_nodes, half)
    s, sus, up = lay.su_nodes, lay.sus, min(k - half, lay.used)
    levels = max(3, clos.levels_needed(lay.leaves * half, k, oversubscription, top))
    above, links = clos.tiers_above(lay.leaves * up, k, top, levels - 1, oversubscription)
    # each tier's up-links as tiers_above takes them: k/2 down, d2 on the tier under the top
    ups = (lay.leaves * up,) + tuple(n * (k - (d2 if i == len(above) - 2 else half)) for i, n in enumerate(above[:-1]))
    # the nodes whose leaves sit below one switch under the top tier (one leaf of each SU in a
    # rail group), with all their rails: their own scale-up links carry traffic between rails
    pod = max(1, clos.pod_size(k, levels, oversubscription) // half) * s * node_ports
    return RailPlan(levels, tuple([lay.leaves] + above), links, min(endpoints, pod), sus, s, None, ups)
