"""Pure edits of a frozen plan by key path: what the desktop app's commands are made of.

A path is a tuple of attribute names and list indexes, e.g. ("phases", 0, "nodes", 1, "count").
Every function returns a new plan and leaves the old one untouched.
"""

from __future__ import annotations

import dataclasses

from .errors import PlanError, Problem
from .plan import Plan


def get_at(obj, path: tuple):
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
    return obj


def replace_at(obj, path: tuple, value):
    """A copy of ``obj`` with the thing at ``path`` replaced by ``value``."""
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


def check(plan: Plan) -> list[Problem]:
    """Problems a plan would have if saved and loaded again (cross-references, names, ...).
    Runs the loader's checks on the data a save would write, without writing YAML text."""
    from .planio import from_document, to_yaml_data
    from .yamlio import Document

    try:
        from_document(Document(to_yaml_data(plan), {}, "<edited plan>"))
    except PlanError as exc:
        return exc.problems
    return []


def rename_phase(plan: Plan, index: int, new_name: str) -> Plan:
    """Rename a phase and every workload that names it."""
    old = plan.phases[index].name
    plan = replace_at(plan, ("phases", index, "name"), new_name)
    workloads = tuple(dataclasses.replace(w, phase=new_name) if w.phase == old else w for w in plan.workloads)
    return dataclasses.replace(plan, workloads=workloads)


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
