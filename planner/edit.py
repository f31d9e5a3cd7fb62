"""Edits as named, pure operations on a frozen plan: what the desktop app's undo commands are
made of, and what a script or notebook uses to change a plan.

Each operation returns a new plan, or raises PlanError (and the old plan is untouched) when the
result would be a plan the loader refuses. Checks run on the plan itself (planner.validate,
field specs), never through YAML text.

A path is a tuple of attribute names and list indexes, e.g. ("phases", 0, "nodes", 1, "count");
``parse_path("phases[0].nodes[1].count")`` reads the text form.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import catalog as _catalog
from .errors import PlanError, Problem
from .hardware import CatalogEntries
from .plan import NodeGroup, Phase, Plan, StorageTier, Workload
from .schema import check_value, spec_of
from .sections import ModelShape, Parallelism
from .yamlio import format_path

FILE = "<edited plan>"
# Where a nested object starts when its first field is set: a 7B-class model, a one-node layout.
TEMPLATES: dict[type, Any] = {ModelShape: ModelShape(layers=32, hidden=4096, heads=32), Parallelism: Parallelism()}
# Built-in entries that a new custom catalog entry starts from.
CATALOG_TEMPLATES = {"accelerators": "h100-sxm", "systems": "dgx-h100", "fabrics": "infiniband-ndr",
                     "cooling": "liquid"}
LISTS = ("phases", "nodes", "storage", "workloads")


# -- low-level, unchecked: building blocks of the operations below ---------------------------
def get_at(obj, path: tuple):
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
    return obj


def replace_at(obj, path: tuple, value):
    """A copy of ``obj`` with the thing at ``path`` replaced by ``value`` (no checks)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(obj)
        items[head] = replace_at(items[head], rest, value)
        return tuple(items)
    return dataclasses.replace(obj, **{head: replace_at(getattr(obj, head), rest, value)})


def insert_at(obj, list_path: tuple, index: int, item):
    items = list(get_at(obj, list_path))
    items.insert(index, item)
    return replace_at(obj, list_path, tuple(items))


def remove_at(obj, list_path: tuple, index: int):
    items = list(get_at(obj, list_path))
    del items[index]
    return replace_at(obj, list_path, tuple(items))


def move_at(obj, list_path: tuple, index: int, offset: int):
    items = list(get_at(obj, list_path))
    target = index + offset
    if not 0 <= target < len(items):
        return obj
    items[index], items[target] = items[target], items[index]
    return replace_at(obj, list_path, tuple(items))


def unique_name(existing, base: str) -> str:
    names = set(existing)
    if base not in names:
        return base
    n = 2
    while f"{base} ({n})" in names:
        n += 1
    return f"{base} ({n})"


def parse_path(text: str) -> tuple:
    """``phases[0].nodes[1].count`` -> ("phases", 0, "nodes", 1, "count")."""
    out: list = []
    for part in text.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("[") and part.endswith("]") and part[1:-1].isdigit():
            out.append(int(part[1:-1]))
        else:
            out.append(part)
    return tuple(out)


# -- checks ------------------------------------------------------------------------------------
def problems(plan: Plan) -> list[Problem]:
    """The errors that would stop this plan loading (cross-field checks on the plan itself)."""
    from .validate import findings, problems_of

    return problems_of(findings(plan, _catalog.for_plan(plan)), FILE)


def check(plan: Plan) -> list[Problem]:  # the former name
    return problems(plan)


def checked(plan: Plan) -> Plan:
    """``plan`` if it has no errors; PlanError listing them otherwise."""
    found = problems(plan)
    if found:
        raise PlanError(found)
    return plan


def _refuse(path: tuple, expected: str, found: str = "") -> PlanError:
    return PlanError([Problem(FILE, None, None, format_path(path), expected, found)])


def _item(obj, path: tuple):
    try:
        return get_at(obj, path)
    except (IndexError, AttributeError, TypeError):
        raise _refuse(path, "a path to a part of the plan", "nothing there") from None


# -- operations --------------------------------------------------------------------------------
def set_field(plan: Plan, path: tuple, value: Any) -> Plan:
    """Set the field at ``path`` to ``value`` (SI units; None clears an optional field).

    Setting a field of an absent optional object (a workload's model or parallelism) creates
    it from a template; clearing a required field of one removes it. Renaming a phase renames
    the workloads that name it. A model shape created beside stated parameters takes over from
    them (the shape's count is derived; the two would disagree)."""
    path = tuple(path)
    if not path or isinstance(path[-1], int):
        raise _refuse(path, "a path ending in a field name")
    parent_path, attr = path[:-1], path[-1]
    parent = _item(plan, parent_path)
    if parent is None or isinstance(parent, str):
        return checked(_create_nested(plan, parent_path, attr, value))
    try:
        spec = spec_of(type(parent), attr)
    except (KeyError, TypeError):
        raise _refuse(path, f"a field of {type(parent).__name__}", f"'{attr}'") from None
    if value is None and spec.required:
        owner_path = parent_path
        if owner_path and not isinstance(owner_path[-1], int):  # a required field of an optional object
            return checked(replace_at(plan, owner_path, None))
        raise _refuse(path, f"a value for the required key '{spec.key}'", "nothing")
    if value is None:  # clearing a field that has a default puts the default back
        default = next(f.default for f in dataclasses.fields(parent) if f.name == attr)
        value = None if default is dataclasses.MISSING else default
    if value is not None:
        bad = check_value(spec, value)
        if bad:
            raise _refuse(path, bad, repr(value))
    if len(path) == 3 and path[0] == "phases" and attr == "name":
        return checked(rename_phase(plan, path[1], value))
    return checked(replace_at(plan, path, value))


def _create_nested(plan: Plan, object_path: tuple, attr: str, value) -> Plan:
    owner = _item(plan, object_path[:-1])
    try:
        spec = spec_of(type(owner), object_path[-1])
    except (KeyError, TypeError):
        raise _refuse(object_path, "a part of the plan", "nothing there") from None
    cls = spec.item
    if cls is None:  # not an object field
        raise _refuse(object_path, "a part of the plan that holds fields", "a value")
    if value is None:
        return plan  # clearing a field of an object that is not there: nothing to do
    bad = check_value(spec_of(cls, attr), value)
    if bad:
        raise _refuse(object_path + (attr,), bad, repr(value))
    template = TEMPLATES.get(cls)
    if template is not None:
        created = dataclasses.replace(template, **{attr: value})
    else:
        required = {f.name for f in dataclasses.fields(cls) if f.metadata["spec"].required} - {attr}
        if required:
            raise _refuse(object_path, f"{object_path[-1]}.{', '.join(sorted(required))} set first")
        created = cls(**{attr: value})
    new_owner = dataclasses.replace(owner, **{object_path[-1]: created})
    if cls is ModelShape and getattr(owner, "parameters", None) is not None:
        new_owner = dataclasses.replace(new_owner, parameters=None)
    return replace_at(plan, object_path[:-1], new_owner)


def rename_phase(plan: Plan, index: int, new_name: str) -> Plan:
    """Rename a phase and every workload that names it (unchecked; set_field checks)."""
    old = plan.phases[index].name
    plan = replace_at(plan, ("phases", index, "name"), new_name)
    workloads = tuple(dataclasses.replace(w, phase=new_name) if w.phase == old else w for w in plan.workloads)
    return dataclasses.replace(plan, workloads=workloads)


def new_item(plan: Plan, list_path: tuple):
    """What Add puts in a list: a new phase, node group, storage tier, workload or catalog entry,
    named so that it does not clash."""
    kind = list_path[-1]
    if kind == "phases":
        return Phase(name=unique_name([p.name for p in plan.phases], f"Phase {len(plan.phases) + 1}"))
    if kind == "nodes":
        groups = [g for p in plan.phases for g in p.nodes]
        return NodeGroup(system=groups[-1].system if groups else "dgx-h100", count=1)
    if kind == "storage":
        return StorageTier(name="New tier", capacity_bytes=1e15, read_bandwidth_bytes_per_s=100e9)
    if kind == "workloads":
        return Workload(name=unique_name([w.name for w in plan.workloads], "New run"), parameters=7e9, tokens=1e12)
    if list_path[:1] == ("catalog",) and kind in CATALOG_TEMPLATES:
        template = _catalog.builtin().kind(kind)[CATALOG_TEMPLATES[kind]]
        ids = set(_catalog.for_plan(plan).kind(kind))
        return dataclasses.replace(template, id=unique_name(ids, f"custom-{template.id}"),
                                   source="Custom entry of this plan, copied from " + template.id)
    raise _refuse(list_path, "a list of the plan (phases, nodes, storage, workloads, catalog entries)")


def add_item(plan: Plan, list_path: tuple, index: int | None = None, item=None) -> Plan:
    """Insert ``item`` (default: ``new_item``) at ``index`` (default: the end) of a list."""
    items = _item(plan, list_path)
    if not isinstance(items, tuple):
        raise _refuse(list_path, "a list", type(items).__name__)
    index = len(items) if index is None else index
    if not 0 <= index <= len(items):
        raise _refuse(list_path, f"a position from 0 to {len(items)}", str(index))
    return checked(insert_at(plan, list_path, index, new_item(plan, list_path) if item is None else item))


def duplicate_item(plan: Plan, path: tuple) -> Plan:
    """Insert a copy after the item at ``path``, renamed (or re-identified) so that it does not clash."""
    list_path, index = path[:-1], path[-1]
    item = _item(plan, path)
    siblings = get_at(plan, list_path)
    if list_path[-1] in ("phases", "workloads", "storage"):
        item = dataclasses.replace(item, name=unique_name([s.name for s in siblings], item.name))
    if list_path[:1] == ("catalog",):
        item = dataclasses.replace(item, id=unique_name(set(_catalog.for_plan(plan).kind(list_path[1])), item.id))
    return checked(insert_at(plan, list_path, index + 1, item))


def remove_item(plan: Plan, path: tuple) -> Plan:
    _item(plan, path)
    return checked(remove_at(plan, path[:-1], path[-1]))


def move_item(plan: Plan, path: tuple, offset: int) -> Plan:
    """Move the item at ``path`` by ``offset`` places; the same plan when it cannot move."""
    _item(plan, path)
    return checked(move_at(plan, path[:-1], path[-1], offset))


def copy_catalog_entry(plan: Plan, kind: str, entry_id: str, new_id: str | None = None) -> tuple[Plan, str]:
    """Copy a catalog entry (built-in or the plan's own) into the plan's catalog under a new id,
    so that it can be edited. Returns (new plan, the new id)."""
    merged = _catalog.for_plan(plan)
    if kind not in _catalog.KINDS:
        raise _refuse(("catalog",), "one of: " + ", ".join(_catalog.KINDS), repr(kind))
    table = merged.kind(kind)
    if entry_id not in table:
        raise _refuse(("catalog", kind), f"a {kind} id from the catalog", repr(entry_id))
    new_id = new_id or unique_name(set(table), f"{entry_id}-custom")
    if new_id in table:
        raise _refuse(("catalog", kind, new_id), "an id not used yet", repr(new_id))
    entry = table[entry_id]
    copy = dataclasses.replace(entry, id=new_id, source=f"Copied from {entry_id}: {entry.source}")
    entries: CatalogEntries = dataclasses.replace(plan.catalog, **{kind: getattr(plan.catalog, kind) + (copy,)})
    return checked(dataclasses.replace(plan, catalog=entries)), new_id


def adopt_layout(plan: Plan, workload_index: int, layout) -> Plan:
    """Set a workload's parallelism to a layout from the layout search (planner.layout_report)."""
    par = Parallelism(tensor=layout.tensor, pipeline=layout.pipeline, data=layout.data,
                      microbatch=layout.microbatch, interleave=layout.interleave, zero=layout.zero,
                      recompute=layout.recompute, sequence_parallel=layout.sequence_parallel)
    _item(plan, ("workloads", workload_index))
    return checked(replace_at(plan, ("workloads", workload_index, "parallelism"), par))


OPERATIONS = ("set_field", "add_item", "duplicate_item", "remove_item", "move_item", "copy_catalog_entry",
              "adopt_layout")
