"""The points of a sweep: ``--set PATH=VALUES`` read against the plan's field specs, and one
point evaluated into a row of headline figures. Qt-free; pandas loads only when rows are made
into a table. planner/sweep.py runs the points in process or on Dask."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from . import edit
from .errors import PlanError, Problem
from .evaluation import evaluate
from .model.headline import headline
from .schema import Spec, check_value, parse_single, specs
from .yamlio import format_path

MAX_POINTS = 10_000_000  # a grid larger than this is surely a typo in a range
ERROR = "error"  # the column holding why a point could not be evaluated (None when it was)


@dataclass(frozen=True)
class SetAxis:
    """One ``--set``: the field (as the plan file names it), its attribute path for
    planner.edit, and its values in SI units."""

    column: str  # e.g. "phases[0].nodes[0].count"
    path: tuple  # e.g. ("phases", 0, "nodes", 0, "count"): attribute names for edit.set_field
    values: tuple


def _refuse(where: str, expected: str, found: str = "") -> PlanError:
    return PlanError([Problem("--set", None, None, where, expected, found)])


def field_at(plan, key_path: str) -> tuple[tuple, Spec]:
    """The attribute path and Spec of the field a key path names (``facility.pue``,
    ``workloads[0].model.layers``, ``catalog.systems.my-node.price``)."""
    obj: Any = plan
    cls: Any = type(plan)
    out: list = []
    parts = edit.parse_path(key_path)
    if not parts:
        raise _refuse(key_path, "a field path such as phases[0].nodes[0].count or facility.pue", "nothing")
    spec = None
    for n, part in enumerate(parts):
        where = format_path(tuple(parts[: n + 1]))
        if spec is not None and spec.kind not in ("list", "table", "object"):
            raise _refuse(where, f"nothing after {spec.key}: it is a value, not a part of the plan")
        if isinstance(part, int) or (spec is not None and spec.kind == "table"):
            items = obj if isinstance(obj, tuple) else ()
            index = part if isinstance(part, int) else next(
                (i for i, e in enumerate(items) if getattr(e, "id", None) == part), None)
            if index is None or not 0 <= index < len(items):
                raise _refuse(where, f"an entry of the plan's {spec.key if spec else 'list'} "
                                     f"({len(items)} there)", str(part))
            obj, cls, spec = items[index], type(items[index]), None
            out.append(index)
            continue
        known = {s.key: (name, s) for name, s in specs(cls)}
        if part not in known:
            raise _refuse(where, "one of the keys " + ", ".join(known), f"'{part}'")
        name, spec = known[part]
        out.append(name)
        obj = getattr(obj, name, None) if obj is not None else None
        if spec.kind == "object" and spec.item is not None:
            cls = spec.item if not dataclasses.is_dataclass(obj) else type(obj)
    assert spec is not None
    if spec.kind in ("list", "table", "object", "map"):
        raise _refuse(key_path, "a field holding a value (a number, a quantity, an id or a choice)",
                      f"{spec.key}, a {spec.kind}")
    return tuple(out), spec


def _split(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _parse(spec: Spec, raw: str, where: str):
    value, error = parse_single(spec, raw)
    if error:
        raise _refuse(where, error.removeprefix("expected "), "")
    return value


def parse_set(plan, text: str) -> SetAxis:
    """``PATH=VALUES``: a comma list (``760,1000,2000``; ``dgx-a100,dgx-h100``) or an inclusive
    range ``START:STOP:STEP`` (``1.1:1.5:0.1``, ``5 years:7 years:1 year``), each value read with
    the field's own units as the plan file would read it. PlanError if any value is refused."""
    if "=" not in text:
        raise _refuse(text, "PATH=VALUES, e.g. facility.pue=1.1,1.2,1.3 or phases[0].nodes[0].count=500:2000:500")
    key_path, values_text = (s.strip() for s in text.split("=", 1))
    path, spec = field_at(plan, key_path)
    parts = values_text.split(":")
    if len(parts) == 3 and spec.kind in ("int", "number", "quantity"):
        start, stop, step = (_parse(spec if i < 2 else dataclasses.replace(spec, minimum=0.0, strict_min=True),
                                    p.strip(), key_path) for i, p in enumerate(parts))
        count = math.floor((stop - start) / step * (1 + 1e-12)) + 1 if stop >= start else 0
        if count < 1 or count > MAX_POINTS:
            raise _refuse(key_path, f"a range START:STOP:STEP with START <= STOP and at most {MAX_POINTS:,} values",
                          values_text)
        values = tuple(start + i * step for i in range(count))
        if spec.kind == "int":
            values = tuple(int(round(v)) for v in values)
        for v in values:  # the range's inner values obey the field's limits too
            bad = check_value(spec, v)
            if bad:
                raise _refuse(key_path, bad, repr(v))
    else:
        raw = _split(values_text)
        if not raw:
            raise _refuse(key_path, "one or more values, separated by commas", "none")
        values = tuple(_parse(spec, v, key_path) for v in raw)
    return SetAxis(key_path, path, values)


def grid_size(axes) -> int:
    return math.prod(len(a.values) for a in axes)


def combination(axes, index: int) -> tuple:
    """The values of point ``index`` of the grid (the last axis varies fastest)."""
    out = []
    for a in reversed(axes):
        index, i = divmod(index, len(a.values))
        out.append(a.values[i])
    return tuple(reversed(out))


def _set(plan, axis: SetAxis, value):
    """One axis's field set through planner.edit.set_field. A combination may pass through a
    plan that is not valid on the way (heads, then the tensor size dividing them): a refused
    step is applied unchecked, and the whole point is checked when it is evaluated."""
    try:
        return edit.set_field(plan, axis.path, value)
    except PlanError as refused:
        try:
            return edit.replace_at(plan, axis.path, value)
        except (AttributeError, TypeError, IndexError):  # inside a part that is not there: say why not
            raise refused from None


class Applier:
    """Plans with the first k axes set, kept while the points walk the grid in order: the last
    axis varies fastest, so most points cost one set_field, not one per axis."""

    def __init__(self, plan, axes) -> None:
        self.plan, self.axes = plan, tuple(axes)
        self._prefix: list[tuple[tuple, Any]] = []  # (values of axes[:k+1], plan with them set)

    def __call__(self, values: tuple):
        plan, k = self.plan, 0
        while k < len(self._prefix) and self._prefix[k][0] == values[: k + 1]:
            plan, k = self._prefix[k][1], k + 1
        del self._prefix[k:]
        for axis, value in zip(self.axes[k:], values[k:], strict=True):
            plan = _set(plan, axis, value)
            self._prefix.append((values[: len(self._prefix) + 1], plan))
        return plan


def apply(plan, axes, values):
    """The plan with each axis's field set to its value."""
    return Applier(plan, axes)(tuple(values))


def point_row(applier: Applier, values: tuple) -> dict:
    """One row: the set values, the headline figures, and the error (None) or why not."""
    row: dict[str, Any] = {a.column: v for a, v in zip(applier.axes, values, strict=True)}
    try:
        row.update(headline(evaluate(applier(values))))
        row[ERROR] = None
    except PlanError as exc:
        row[ERROR] = "; ".join(f"{p.path}: expected {p.expected}" + (f", found {p.found}" if p.found else "")
                               for p in exc.problems)
    return row


def evaluate_range(plan, axes, start: int, stop: int):
    """Points ``start`` to ``stop - 1`` of the grid as a pandas DataFrame (one Dask task)."""
    import pandas

    applier = Applier(plan, axes)
    rows = [point_row(applier, combination(axes, i)) for i in range(start, stop)]
    return pandas.DataFrame(rows, index=pandas.RangeIndex(start, stop))
