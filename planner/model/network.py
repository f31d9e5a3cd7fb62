"""Compute-fabric sizing: folded-Clos (fat-tree) levels, switches, links, optics, bandwidth.

A fat tree of radix-k switches with L levels holds K * d * (k/2)^(L-2) endpoints, where K is
the radix of the top tier's switches (k unless a larger model, a director-class chassis, sits
there: ``network.top_switch``) and d the down ports of a switch just below the top tier: k/2
when non-blocking, k*r/(r+1) with oversubscription r (Al-Fares et al., "A Scalable, Commodity
Data Center Network Architecture", SIGCOMM 2008, for the non-blocking case: k^3/4 hosts at three
levels). 16,000 endpoints on 40-port switches is exactly a three-level non-blocking tree; with
800-port directors on top (Meta RSC's "two-level Clos") it is exactly two: 800 x 20.

A rail-optimized fabric is sized by planner/model/rail.py (scalable units, a leaf per rail).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..hardware import Fabric
from . import rail as _rail
from .clos import MAX_LEVELS, capacity, down_below_top, levels_needed, pod_size, tiers_above
from .results import NetworkResult

__all__ = ["MAX_LEVELS", "SwitchModel", "capacity", "levels_needed", "pod_size", "size", "switch_model",
           "tiers_above"]


@dataclass(frozen=True)
class SwitchModel:
    """The switch a tier is built of: a catalog switch, or the fabric's own figures."""

    id: str
    radix: int
    power_w: float
    price_usd: float | None


def switch_model(fabric: Fabric, switch=None) -> SwitchModel:
    if switch is None:
        return SwitchModel(fabric.id, fabric.switch_radix, fabric.switch_power_w, fabric.switch_price_usd)
    return SwitchModel(switch.id, switch.ports, switch.power_w, switch.price_usd)


def _fat_tree(endpoints: int, k: int, top: int, r: float):
    levels = levels_needed(endpoints, k, r, top)
    if levels == 1:
        return levels, [1], 0, 1.0, min(endpoints, top)
    d_top = down_below_top(k, r)
    d_leaf = d_top if levels == 2 else k // 2
    leaves = math.ceil(endpoints / d_leaf)
    above, links = tiers_above(leaves * (k - d_leaf), k, top, levels - 1, r)
    return levels, [leaves] + above, links, r, pod_size(k, levels, r)


def size(fabric: Fabric, topology: str, endpoints: int, accelerators: int, oversubscription: float, *,
         nodes: int = 0, rails: int = 0, scalable_unit: int | None = None, switch=None,
         top_switch=None, ports_per_rail: int = 1) -> NetworkResult:
    """Size the fabric for ``endpoints`` node ports serving ``accelerators`` accelerators on
    ``nodes`` nodes of at most ``rails`` rails of ``ports_per_rail`` ports each (18 for an NVL72
    rack's 4 rails). ``switch`` and ``top_switch`` are catalog switch models (None: the fabric's
    own)."""
    low = switch_model(fabric, switch)
    high = switch_model(fabric, top_switch) if top_switch is not None else low
    k, K = low.radix, high.radix
    speed = fabric.port_speed_bytes_per_s
    if endpoints <= 0:
        return NetworkResult(fabric.id, topology, 0, 0, (), 0, 0, 0, 0, oversubscription, 0, 0, speed,
                             0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    sus = su_nodes = 0
    most = None  # the design's own limit on endpoints, where not the fat tree's
    ups: tuple = ()  # each tier's up-links, where not every switch's k - down (report's formula)
    if topology == "rail-optimized" and nodes > 0:
        q = max(1, ports_per_rail)
        plan = _rail.size(endpoints, nodes, rails or math.ceil(endpoints / nodes / q), scalable_unit, k, K,
                          oversubscription, q)
        levels, per_level, switch_links = plan.levels, list(plan.per_level), plan.switch_links
        r_eff, pod = (oversubscription if levels > 1 else 1.0), plan.pod_endpoints
        sus, su_nodes, most, ups = plan.scalable_units, plan.su_nodes, plan.max_endpoints, plan.up_links
    else:
        levels, per_level, switch_links, r_eff, pod = _fat_tree(endpoints, k, K, oversubscription)
    models = tuple([low.id] * (len(per_level) - 1) + [high.id])
    switches = sum(per_level)
    optical_endpoint = fabric.endpoint_link == "optical"
    transceivers = 2 * switch_links + (2 * endpoints if optical_endpoint else 0)
    switch_power = sum(per_level[:-1]) * low.power_w + per_level[-1] * high.power_w
    optics_power = transceivers * fabric.optic_power_w
    injection = endpoints * speed / accelerators if accelerators else 0.0
    switch_usd = sum(per_level[:-1]) * (low.price_usd or 0.0) + per_level[-1] * (high.price_usd or 0.0)
    capex = switch_usd + transceivers * (fabric.optic_price_usd or 0.0)
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
        max_endpoints=most if most is not None else capacity(k, levels, oversubscription, K),
        pod_endpoints=min(endpoints, pod),
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
        switch_models=models,
        scalable_units=sus,
        scalable_unit_nodes=su_nodes,
        tier_links=(endpoints,) + ups if ups else (),
    )
