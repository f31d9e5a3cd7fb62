"""Compute-fabric sizing: folded-Clos (fat-tree) levels, switches, links, optics, bandwidth.

A fat tree of radix-k switches with L levels holds k * d * (k/2)^(L-2) endpoints, where d is
the number of down ports of a switch just below the top tier: k/2 when non-blocking, k*r/(r+1)
with oversubscription r (Al-Fares et al., "A Scalable, Commodity Data Center Network
Architecture", SIGCOMM 2008, for the non-blocking case: k^3/4 hosts at three levels).
16,000 endpoints on 40-port switches is exactly a three-level non-blocking tree.
"""

from __future__ import annotations

import math

from ..hardware import Fabric
from .results import NetworkResult

MAX_LEVELS = 6


def _down_below_top(radix: int, oversubscription: float) -> int:
    # Ports facing down on the switches under the top tier; r = down/up.
    return max(1, min(radix - 1, math.floor(radix * oversubscription / (oversubscription + 1))))


def capacity(radix: int, levels: int, oversubscription: float = 1.0) -> int:
    """Most endpoints a fabric of this radix and number of levels can connect."""
    if levels <= 1:
        return radix
    d = _down_below_top(radix, oversubscription)
    return radix * d * (radix // 2) ** (levels - 2)


def pod_size(radix: int, levels: int, oversubscription: float = 1.0) -> int:
    """Endpoints that reach each other without crossing the top tier (so without its
    oversubscription): a leaf's for two levels, an aggregation block's for three."""
    if levels <= 1:
        return radix
    return _down_below_top(radix, oversubscription) * (radix // 2) ** (levels - 2)


def levels_needed(endpoints: int, radix: int, oversubscription: float = 1.0) -> int:
    levels = 1
    while capacity(radix, levels, oversubscription) < endpoints and levels < MAX_LEVELS:
        levels += 1
    return levels


def size(fabric: Fabric, topology: str, endpoints: int, accelerators: int, oversubscription: float) -> NetworkResult:
    """Size the fabric for ``endpoints`` node ports serving ``accelerators`` accelerators."""
    k = fabric.switch_radix
    speed = fabric.port_speed_bytes_per_s
    if endpoints <= 0:
        return NetworkResult(fabric.id, topology, 0, 0, (), 0, 0, 0, 0, oversubscription, 0, 0, speed,
                             0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    levels = levels_needed(endpoints, k, oversubscription)
    half = k // 2
    d_top = _down_below_top(k, oversubscription)
    per_level = []
    switch_links = 0
    if levels == 1:
        per_level.append(1)
        r_eff = 1.0
    else:
        below = endpoints  # links arriving from below at the current level
        for level in range(1, levels):
            down = d_top if level == levels - 1 else half
            n = math.ceil(below / down)
            per_level.append(n)
            below = n * (k - down)
            switch_links += below
        per_level.append(math.ceil(below / k))
        r_eff = oversubscription
    switches = sum(per_level)
    optical_endpoint = fabric.endpoint_link == "optical"
    transceivers = 2 * switch_links + (2 * endpoints if optical_endpoint else 0)
    switch_power = switches * fabric.switch_power_w
    optics_power = transceivers * fabric.optic_power_w
    injection = endpoints * speed / accelerators if accelerators else 0.0
    capex = switches * (fabric.switch_price_usd or 0.0) + transceivers * (fabric.optic_price_usd or 0.0)
    return NetworkResult(
        fabric=fabric.id,
        topology=topology,
        endpoints=endpoints,
        levels=levels,
        switches_per_level=tuple(per_level),
        switches=switches,
        endpoint_links=endpoints,
        switch_links=switch_links,
        transceivers=transceivers,
        oversubscription=r_eff,
        max_endpoints=capacity(k, levels, oversubscription),
        pod_endpoints=min(endpoints, pod_size(k, levels, oversubscription)),
        port_speed_bytes_per_s=speed,
        injection_bandwidth_per_accelerator_bytes_per_s=injection,
        bandwidth_per_accelerator_bytes_per_s=injection / r_eff,
        # Bisection of a full fat tree: half the endpoints send to the other half at line
        # rate, divided by the oversubscription of the top tier.
        bisection_bandwidth_bytes_per_s=endpoints * speed / 2 / r_eff,
        switch_power_w=switch_power,
        optics_power_w=optics_power,
        power_w=switch_power + optics_power,
        capex_usd=capex,
    )
