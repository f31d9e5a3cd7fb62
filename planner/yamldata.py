"""A Plan as the plain YAML data a save writes, shared by planner.planio (fresh files) and
planner.roundtrip (merging into a person's file): stable key order, small mappings marked for
flow style so they stay on one line."""

from __future__ import annotations

from typing import Any

from .costs_plan import Costs
from .plan import FORMAT, KEY_ORDER, Plan
from .schema import to_data


class FlowDict(dict):
    """A mapping to write on one line ({system: dgx-a100, count: 760})."""


def flow_small(value: Any) -> Any:
    """Small mappings of scalars marked as FlowDict; others left as blocks."""
    if isinstance(value, dict):
        inner = {k: flow_small(v) for k, v in value.items()}
        scalars = all(not isinstance(v, (dict, list)) for v in inner.values())
        short = sum(len(str(k)) + len(str(v)) + 4 for k, v in inner.items()) < 100
        if inner and scalars and short:
            return FlowDict(inner)
        return inner
    if isinstance(value, list):
        return [flow_small(v) for v in value]
    return value


def to_yaml_data(plan: Plan) -> dict:
    """The plan's data in KEY_ORDER, with the format stamp and flow markers."""
    data = to_data(plan)
    data["format"] = FORMAT
    if plan.costs == Costs():  # all defaults: a plan that never mentioned costs is saved without them
        data.pop("costs", None)
    ordered = {k: data[k] for k in KEY_ORDER if k in data}
    return {k: flow_small(v) if k not in ("description", "name") else v for k, v in ordered.items()}
