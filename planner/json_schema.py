"""The plan format as JSON Schema (draft 2020-12), generated from the field specs that also
generate the README's format reference and the editors (planner/schema.py ``Spec``), so an
editor that reads JSON Schema (VS Code's YAML extension, any yaml-language-server client)
completes keys and catalog ids and flags mistakes as a plan is typed.

Quantities are numbers (SI units) or strings with a unit of their dimension (``175 PB``); the
unit patterns come from planner/units.py. The schema is a first check: the loader has the last
word (cross-field checks, references between parts, YAML 1.1 pitfalls are its alone).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from . import catalog as _catalog
from . import units
from .hardware import CatalogEntries
from .kinds import KINDS
from .plan import FORMAT, Plan
from .schema import Spec, _value_to_data, specs
from .yamlio import MAX_ITEMS, MAX_STRING

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# A number as the loader reads it in text: 300e9, 1,024, .5 (planner/units.py _NUMBER).
NUMBER = r"[-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
PER_GPU = r"(?:\s+[Pp][Ee][Rr]\s+(?:[Gg][Pp][Uu]|[Aa]ccelerator|[Cc]hip|[Dd]evice))?"


def _unit_pattern(dim: str, per_gpu: bool) -> str:
    """A quantity of ``dim`` written as text: a number, then one of its units (spaces inside a
    unit allowed, as the loader allows them: ``1.2 M USD``)."""
    names = sorted((u for u, (d, _) in units.UNITS.items() if d == dim), key=len, reverse=True)
    alts = "|".join(" ?".join(re.escape(ch) for ch in name) for name in names)
    unit = f"(?:{alts})?" if alts else ""
    return rf"^\s*{NUMBER}\s*{unit}{PER_GPU if per_gpu else ''}\s*$"


def _number(spec: Spec, integer: bool = False) -> dict:
    limits: dict[str, Any] = {"exclusiveMinimum" if spec.strict_min else "minimum": spec.minimum}
    if spec.maximum < 1e27:
        limits["maximum"] = spec.maximum
    dim = spec.dim if spec.kind == "quantity" and spec.dim else "count"
    text = {"type": "string", "pattern": _unit_pattern(dim, spec.per_gpu)}
    return {"anyOf": [{"type": "integer" if integer else "number", **limits}, text]}


def _item(spec: Spec) -> type:
    assert spec.item is not None, f"field {spec.key} has no item type"  # our own bug
    return spec.item


def _ref(cls: type) -> dict:
    return {"$ref": f"#/$defs/{cls.__name__}"}


def _ids(kind: str) -> list[str]:
    return sorted(_catalog.builtin().kind(kind))


def _value(spec: Spec, defs: dict) -> dict:
    kind = spec.kind
    if kind == "str":
        out: dict[str, Any] = {"type": "string", "maxLength": MAX_STRING}
        if spec.ref in _catalog.KINDS:  # built-in ids as suggestions; a plan may add its own
            out["examples"] = _ids(spec.ref)
    elif kind == "int":
        out = _number(spec, integer=True)
    elif kind in ("number", "quantity"):
        out = _number(spec)
    elif kind == "bool":
        out = {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false", "yes", "no"]}]}
    elif kind == "date":
        out = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif kind == "choice":
        out = {"enum": list(spec.choices)}
    elif kind == "list":
        out = {"type": "array", "maxItems": MAX_ITEMS, "items": _items(spec, defs)}
    elif kind == "object":
        out = _ref(_define(_item(spec), defs))
    elif kind == "table":
        out = {"type": "object", "additionalProperties": _ref(_define(_item(spec), defs))}
    elif kind == "map":
        inner = dataclasses.replace(spec, kind="quantity", minimum=0.0, strict_min=False)
        out = {"type": "object", "additionalProperties": _number(inner)}
        if spec.choices:
            out["propertyNames"] = {"enum": list(spec.choices)}
    else:
        raise AssertionError(f"no JSON Schema for field kind {kind!r} ({spec.key})")  # our own bug
    if spec.keywords:
        out = {"anyOf": [out, {"enum": list(spec.keywords)}]}
    return out


def _items(spec: Spec, defs: dict) -> dict:
    """A list's items; a tagged list (workloads) picks each item's section by its ``kind``."""
    if spec.variants is None:
        return _ref(_define(_item(spec), defs))
    tag, default, types = spec.variants()
    rules = []
    for name, cls in types.items():
        _define(cls, defs, tag=(tag, name))
        is_this = {"properties": {tag: {"const": name}}, "required": [tag]}
        when = {"anyOf": [{"not": {"required": [tag]}}, is_this]} if name == default else is_this
        rules.append({"if": when, "then": _ref(cls)})
    return {"type": "object", "properties": {tag: {"enum": list(types)}}, "allOf": rules}


def _define(cls: type, defs: dict, tag: tuple[str, str] | None = None) -> type:
    """Add the object schema of a plan or catalog dataclass to ``defs`` (once)."""
    name = cls.__name__
    if name in defs:
        return cls
    defs[name] = {}  # reserved first: a section may refer to itself
    props: dict[str, Any] = {}
    if tag is not None:
        props[tag[0]] = {"const": tag[1], "description": f"Kind of workload: {KINDS[tag[1]].doc}"}
    required = []
    for attr, spec in specs(cls):
        schema = _value(spec, defs)
        schema["description"] = spec.doc + _unit_note(spec)
        default = _default(cls, attr, spec)
        if default is not None:
            schema["default"] = default
        props[spec.key] = schema
        if spec.required:
            required.append(spec.key)
    body: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        body["required"] = required
    if cls.__doc__ and not cls.__doc__.startswith(f"{name}("):
        body["description"] = " ".join(cls.__doc__.split())
    defs[name] = body
    return cls


def _unit_note(spec: Spec) -> str:
    if spec.kind == "quantity" and spec.dim:
        return f" ({units.describe(spec.dim)}; a bare number is in {units.DIMENSIONS[spec.dim]})"
    return ""


def _default(cls: type, attr: str, spec: Spec) -> Any:
    f = next(f for f in dataclasses.fields(cls) if f.name == attr)
    d = f.default
    if d is dataclasses.MISSING or d is None or d == () or dataclasses.is_dataclass(d):
        return None
    return _value_to_data(spec, d)


def plan_schema() -> dict:
    """The JSON Schema of a plan file (format cluster-planner/1)."""
    defs: dict = {}
    _define(Plan, defs)
    _define(CatalogEntries, defs)  # also the shape of the built-in catalog files
    return {
        "$schema": DRAFT,
        "title": f"Cluster Planner plan ({FORMAT})",
        "description": "A cluster design and its build-out (the README's 'Plan format' explains every key). "
                       "Generated by `cluster-planner schema` from the planner's field specs.",
        "$ref": "#/$defs/Plan",
        "$defs": defs,
    }


__all__ = ["plan_schema"]
