"""The numeric inputs of a plan: every number or quantity field of the plan and of the catalog
entries it uses, by key path, with a way to set each one. What sensitivity perturbs and where
uncertainty finds ranges.

Plan fields are set with ``planner.edit.set_field``; a catalog figure is set by putting the
entry, with that figure changed, into the plan's own catalog under the same id (plan entries
override built-in ones of that id, planner.catalog), so the plan stays one the loader accepts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import catalog as _catalog
from . import edit
from .schema import Spec, specs

NUMERIC = ("int", "number", "quantity")


@dataclass(frozen=True)
class Input:
    path: str  # key path as a plan writes it: workloads[0].mfu, catalog.systems.dgx-a100.price
    where: str  # "plan" | "catalog"
    value: float  # SI units, as the model reads it (a range's mode)
    spec: Spec
    set: Callable  # (plan, value) -> plan with this input at value (checked: PlanError if refused)

    @property
    def dim(self) -> str:
        return self.spec.dim if self.spec.kind in ("quantity", "map") and self.spec.dim else "count"


def _walk(obj, attrs: tuple, keys: str) -> Iterator[tuple[tuple, str, Spec, Any]]:
    """(attribute path, key path text, spec, value) of every numeric field under ``obj``."""
    for name, spec in specs(type(obj)):
        value = getattr(obj, name)
        if value is None or name == "catalog":
            continue
        where = f"{keys}.{spec.key}" if keys else spec.key
        if spec.kind in NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
            yield attrs + (name,), where, spec, value
        elif spec.kind == "map":
            for k, v in value.items():
                yield attrs + (name, k), f"{where}.{k}", spec, v
        elif spec.kind == "list":
            for i, item in enumerate(value):
                yield from _walk(item, attrs + (name, i), f"{where}[{i}]")
        elif spec.kind == "object" and dataclasses.is_dataclass(value):
            yield from _walk(value, attrs + (name,), where)


def _set_plan(attrs: tuple) -> Callable:
    return lambda plan, v: edit.set_field(plan, attrs, v)


def _set_catalog(kind: str, entry_id: str, attrs: tuple) -> Callable:
    def apply(plan, v):
        entry = _catalog.for_plan(plan).kind(kind)[entry_id]
        if len(attrs) == 2:  # a map entry: peak_flops.bf16
            changed = dataclasses.replace(entry, **{attrs[0]: {**getattr(entry, attrs[0]), attrs[1]: v}})
        else:
            changed = dataclasses.replace(entry, **{attrs[0]: v})
        return with_entry(plan, kind, changed)
    return apply


def with_entry(plan, kind: str, entry):
    """The plan with ``entry`` in its own catalog (replacing its entry of that id), checked."""
    own = list(getattr(plan.catalog, kind))
    ids = [e.id for e in own]
    if entry.id in ids:
        own[ids.index(entry.id)] = entry
    else:
        own.append(entry)
    catalog = dataclasses.replace(plan.catalog, **{kind: tuple(own)})
    return edit.checked(dataclasses.replace(plan, catalog=catalog))


def used_entries(plan) -> list[tuple[str, Any]]:
    """(kind, entry) of each catalog entry the plan uses: its systems and their accelerators,
    the fabric and the cooling type."""
    cat = _catalog.for_plan(plan)
    systems = list(dict.fromkeys(g.system for ph in plan.phases for g in ph.nodes))
    accelerators = list(dict.fromkeys(cat.systems[s].accelerator for s in systems))
    return ([("systems", cat.systems[s]) for s in systems] + [("accelerators", cat.accelerators[a])
                                                            for a in accelerators]
            + [("fabrics", cat.fabrics[plan.network.fabric]), ("cooling", cat.cooling[plan.facility.cooling])])


def inputs(plan, workload: int | None = None) -> list[Input]:
    """Every numeric input of the plan (of one workload only, when ``workload`` is given) and of
    the catalog entries it uses, in plan order."""
    out = []
    for attrs, where, spec, value in _walk(plan, (), ""):
        if attrs[0] == "workloads" and workload is not None and attrs[1] != workload:
            continue
        if attrs[0] == "format":
            continue
        out.append(Input(where, "plan", float(value), spec, _set_plan(attrs)))
    for kind, entry in used_entries(plan):
        for attrs, where, spec, value in _walk(entry, (), f"catalog.{kind}.{entry.id}"):
            out.append(Input(where, "catalog", float(value), spec, _set_catalog(kind, entry.id, attrs)))
    return out


def ranged(plan) -> list[tuple[str, Any, Spec]]:
    """(key path, Range, spec) of every input given as a range, in the plan and in the catalog
    (built-in and the plan's own entries)."""
    from .ranges import Range

    out = [(where, value, spec) for _, where, spec, value in _walk(plan, (), "") if isinstance(value, Range)]
    cat = _catalog.for_plan(plan)
    for kind in _catalog.KINDS:
        for entry in cat.kind(kind).values():
            out += [(where, value, spec) for _, where, spec, value in _walk(entry, (), f"catalog.{kind}.{entry.id}")
                    if isinstance(value, Range)]
    return out
