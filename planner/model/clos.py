"""Folded-Clos (fat-tree) arithmetic shared by the fat-tree and rail-optimized sizings
(planner/model/network.py, planner/model/rail.py): capacity, levels, tiers above the leaves.

A fat tree of radix-k switches with L levels holds K * d * (k/2)^(L-2) endpoints, K the top
tier's radix and d the down ports of a switch just below the top tier: k/2 non-blocking,
k*r/(r+1) with oversubscription r (Al-Fares et al., SIGCOMM 2008: k^3/4 hosts at three levels).
"""

from __future__ import annotations

import math

MAX_LEVELS = 6


def down_below_top(radix: int, oversubscription: float) -> int:
    # Ports facing down on the switches under the top tier; r = down/up.
    return max(1, min(radix - 1, math.floor(radix * oversubscription / (oversubscription + 1))))


def capacity(radix: int, levels: int, oversubscription: float = 1.0, top: int | None = None) -> int:
    """Most endpoints a fabric of this radix (``top``: the top tier's radix) and number of levels
    can connect."""
    top = top or radix
    if levels <= 1:
        return top
    d = down_below_top(radix, oversubscription)
    return top * d * (radix // 2) ** (levels - 2)


def pod_size(radix: int, levels: int, oversubscription: float = 1.0) -> int:
    """Endpoints that reach each other without crossing the top tier (so without its
    oversubscription): a leaf's for two levels, an aggregation block's for three."""
    if levels <= 1:
        return radix
    return down_below_top(radix, oversubscription) * (radix // 2) ** (levels - 2)


def levels_needed(endpoints: int, radix: int, oversubscription: float = 1.0, top: int | None = None) -> int:
    levels = 1
    while capacity(radix, levels, oversubscription, top) < endpoints and levels < MAX_LEVELS:
        levels += 1
    return levels


def tiers_above(below: int, radix: int, top: int, levels_above: int, oversubscription: float):
    """Switches of each tier above the first, bottom-up, and the switch-to-switch links, for
    ``below`` links arriving from the tier under them (k/2 down per switch, d_top just under
    the top tier, every port of the top tier down)."""
    per_level, links = [], below
    half = radix // 2
    d_top = down_below_top(radix, oversubscription)
    for i in range(levels_above - 1):
        down = d_top if i == levels_above - 2 else half
        n = math.ceil(below / down)
        per_level.append(n)
        below = n * (radix - down)
        links += below
    per_level.append(math.ceil(below / top))
    return per_level, links
