"""Declarative fields for the plan and catalog dataclasses, and the generic reader/writer.

Each dataclass field carries a ``Spec`` in its metadata: the YAML key, the kind of value,
its dimension and limits, and a sentence saying what it means. One reader turns YAML
data into frozen dataclasses (collecting every problem), one writer turns them back into
readable YAML data, and the desktop app builds its editors and tooltips from the same
specs.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import math
from dataclasses import dataclass
from typing import Any

from . import ranges, units
from .errors import Problem
from .yamlio import Document

MISSING = dataclasses.MISSING


@dataclass(frozen=True)
class Spec:
    key: str
    kind: str  # str | int | number | quantity | date | choice | list | object | map
    doc: str = ""
    dim: str | None = None  # for quantity / map
    display: str | None = None  # display family, e.g. "bitrate" for a bandwidth in Gb/s
    choices: tuple[str, ...] = ()
    item: type | None = None  # for list / object
    required: bool = False
    minimum: float = 0.0
    strict_min: bool = False  # value must be > minimum
    maximum: float = 1e27
    unit_hint: str = ""  # for the editor: the unit shown next to the value
    per_gpu: bool = False  # written back as "... per GPU"
    ref: str | None = None  # a catalog id of this kind (accelerators, systems, fabrics, cooling)
    keywords: tuple[str, ...] = ()  # words accepted instead of a value, e.g. "auto", "predicted"
    # For a list of tagged items (workloads): a function returning (tag key, default tag,
    # {tag: dataclass}); each item's tag picks its type (planner.kinds).
    variants: Any = None
    # A number or quantity field that also accepts a range {low, mode, high} (planner.ranges):
    # the plan holds a ranges.Range, evaluated at its mode; planner.uncertainty samples it.
    ranged: bool = False


def field(key: str, kind: str, doc: str = "", default: Any = None, **kw) -> Any:
    """A dataclass field with its Spec. ``default=MISSING`` makes the key required."""
    required = default is MISSING
    spec = Spec(key=key, kind=kind, doc=doc, required=required, **kw)
    if required:
        return dataclasses.field(metadata={"spec": spec})
    if isinstance(default, (list, dict)):
        raise TypeError("use tuples or None for container defaults")
    return dataclasses.field(default=default, metadata={"spec": spec})


def specs(cls) -> list[tuple[str, Spec]]:
    """(attribute name, Spec) for each field of a plan/catalog dataclass, in order."""
    return [(f.name, f.metadata["spec"]) for f in dataclasses.fields(cls) if "spec" in f.metadata]


def spec_of(cls, attr: str) -> Spec:
    for name, spec in specs(cls):
        if name == attr:
            return spec
    raise KeyError(attr)


def _kind_text(spec: Spec) -> str:
    text = _plain_kind_text(spec)
    if spec.keywords:
        text += " or " + " or ".join(f"'{k}'" for k in spec.keywords)
    return text


def _dim(spec: Spec) -> str:
    """The dimension of a quantity or map field (declaring one without it is our own bug)."""
    assert spec.dim is not None, f"field {spec.key} has no dimension"
    return spec.dim


def _plain_kind_text(spec: Spec) -> str:
    if spec.kind == "quantity":
        return units.describe(_dim(spec))
    if spec.kind == "int":
        return "a whole number" + (" > 0" if spec.strict_min else " >= 0")
    if spec.kind == "number":
        return "a number"
    if spec.kind == "date":
        return "a date like 2022-01-24"
    if spec.kind == "bool":
        return "true or false"
    if spec.kind == "choice":
        return "one of: " + ", ".join(spec.choices)
    if spec.kind == "list":
        return "a list"
    if spec.kind in ("object", "map"):
        return "a mapping of keys to values"
    return "text"


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


class Reader:
    """Turns YAML data into dataclasses, collecting problems against a Document."""

    def __init__(self, doc: Document, refs: dict | None = None):
        self.doc = doc
        self.problems: list[Problem] = []
        self.refs = refs  # kind -> known ids, to check references while reading

    def problem(self, path, expected: str, found: str = "") -> None:
        self.problems.append(self.doc.problem(path, expected, found))

    def build(self, cls, raw: Any, path: tuple, extra: dict | None = None):
        if not isinstance(raw, dict):
            self.problem(path, f"a mapping with keys {', '.join(s.key for _, s in specs(cls))}", _found(raw))
            return None
        fields = specs(cls)
        known = {s.key: (name, s) for name, s in fields}
        for key in raw:
            if key not in known:
                close = difflib.get_close_matches(key, list(known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(path + (key,), "one of the keys " + ", ".join(known) + hint, f"'{key}'")
        values = dict(extra or {})
        ok = True
        for name, spec in fields:
            if spec.key not in raw or raw[spec.key] is None:
                if spec.required:
                    self.problem(path, f"the key '{spec.key}' ({spec.doc or _kind_text(spec)})", "none")
                    ok = False
                continue
            value = self.value(spec, raw[spec.key], path + (spec.key,))
            if value is _BAD:
                ok = False
                continue
            values[name] = value
        if not ok:
            return None
        return cls(**values)

    def build_tagged(self, spec: Spec, raw: Any, path: tuple):
        """One item of a tagged list: its tag (``kind:``) picks its dataclass."""
        tag, default, types = spec.variants()
        if not isinstance(raw, dict) or tag not in raw:
            return self.build(types[default], raw, path)
        name = raw[tag]
        if not isinstance(name, str) or name not in types:
            close = difflib.get_close_matches(str(name), list(types), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.problem(path + (tag,), "one of: " + ", ".join(types) + hint, _found(name))
            return None
        return self.build(types[name], {k: v for k, v in raw.items() if k != tag}, path)

    def value(self, spec: Spec, raw: Any, path: tuple):
        kind = spec.kind
        if spec.keywords and isinstance(raw, str) and raw.strip() in spec.keywords:
            return raw.strip()
        if kind == "str":
            if isinstance(raw, (dict, list)) or isinstance(raw, bool):
                self.problem(path, "text", _found(raw))
                return _BAD
            if spec.ref and self.refs is not None and spec.ref in self.refs and str(raw) not in self.refs[spec.ref]:
                known = sorted(self.refs[spec.ref])
                close = difflib.get_close_matches(str(raw), known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                kind = {"cooling": "cooling", "switches": "switch"}.get(spec.ref, spec.ref.rstrip("s"))
                self.problem(path, f"a {kind} id from the catalog: {', '.join(known)}{hint}", _found(raw))
                return _BAD
            return str(raw)
        if kind == "choice":
            if not isinstance(raw, str) or raw not in spec.choices:
                close = difflib.get_close_matches(str(raw), spec.choices, n=1) if isinstance(raw, str) else []
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(path, "one of: " + ", ".join(spec.choices) + hint, _found(raw))
                return _BAD
            return raw
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "yes", "no"):
                return raw.strip().lower() in ("true", "yes")
            self.problem(path, "true or false", _found(raw))
            return _BAD
        if kind == "date":
            if isinstance(raw, _dt.datetime):
                return raw.date()
            if isinstance(raw, _dt.date):
                return raw
            if isinstance(raw, str):
                try:
                    return _dt.date.fromisoformat(raw.strip())
                except ValueError:
                    pass
            self.problem(path, "a date like 2022-01-24", _found(raw))
            return _BAD
        if kind in ("int", "number", "quantity"):
            return self.number(spec, raw, path)
        if kind == "list":
            if not isinstance(raw, list):
                self.problem(path, "a list", _found(raw))
                return _BAD
            if spec.variants is not None:
                items = [self.build_tagged(spec, v, path + (i,)) for i, v in enumerate(raw)]
            else:
                items = [self.build(spec.item, v, path + (i,)) for i, v in enumerate(raw)]
            if any(i is None for i in items):
                return _BAD
            return tuple(items)
        if kind == "table":
            if not isinstance(raw, dict):
                self.problem(path, "a mapping of ids to entries", _found(raw))
                return _BAD
            entries = [self.build(spec.item, v, path + (str(k),), {"id": str(k)}) for k, v in raw.items()]
            if any(e is None for e in entries):
                return _BAD
            return tuple(entries)
        if kind == "object":
            built = self.build(spec.item, raw, path)
            return _BAD if built is None else built
        if kind == "map":
            if not isinstance(raw, dict):
                self.problem(path, "a mapping of keys to values", _found(raw))
                return _BAD
            inner = dataclasses.replace(spec, kind="quantity")
            out = {}
            for k, v in raw.items():
                if spec.choices and k not in spec.choices:
                    self.problem(path + (k,), "one of the keys " + ", ".join(spec.choices), f"'{k}'")
                    continue
                got = self.number(inner, v, path + (k,))
                if got is not _BAD:
                    out[str(k)] = got
            return out if len(out) == len(raw) else _BAD
        raise AssertionError(f"unknown kind {kind}")  # our own bug, not the user's

    def number(self, spec: Spec, raw: Any, path: tuple):
        dim = _dim(spec) if spec.kind == "quantity" else "count"
        if isinstance(raw, dict) and spec.ranged:
            return ranges.read_range(self, dataclasses.replace(spec, ranged=False, keywords=()), raw, path, _BAD)
        if isinstance(raw, bool) or isinstance(raw, (dict, list)) or raw is None:
            self.problem(path, _kind_text(spec), _found(raw))
            return _BAD
        if isinstance(raw, str) and units.is_per_accelerator(raw) and not spec.per_gpu:
            self.problem(path, f"{_kind_text(spec)}, without 'per GPU': {spec.key} is not a per-GPU figure",
                         _found(raw))
            return _BAD
        if isinstance(raw, (int, float)):
            try:
                value = float(raw)
            except OverflowError:
                value = math.inf
        else:
            try:
                value, _ = units.parse(str(raw), dim)
            except units.UnitError as exc:
                self.problem(path, str(exc), _found(raw))
                return _BAD
        if math.isnan(value) or math.isinf(value):
            self.problem(path, _kind_text(spec) + " (finite)", _found(raw))
            return _BAD
        low_ok = value > spec.minimum if spec.strict_min else value >= spec.minimum
        if not low_ok:
            sign = ">" if spec.strict_min else ">="
            self.problem(path, f"{_kind_text(spec)} {sign} {spec.minimum:g}".replace(" > 0 > 0", " > 0")
                         .replace(" >= 0 >= 0", " >= 0"), _found(raw))
            return _BAD
        if value > spec.maximum:
            self.problem(path, f"{_kind_text(spec)} of at most {spec.maximum:g}", _found(raw))
            return _BAD
        if spec.kind == "int":
            if not float(value).is_integer():
                self.problem(path, _kind_text(spec), _found(raw))
                return _BAD
            return int(value)
        return value


_BAD = object()


def check_value(spec: Spec, value) -> str | None:
    """What is wrong with an already-typed value for this field (None when nothing is): the
    field checks of the reader, for values set by code (planner.edit) rather than read."""
    from .yamlio import MAX_STRING

    if spec.keywords and isinstance(value, str) and value in spec.keywords:
        return None
    kind = spec.kind
    if kind == "str":
        if not isinstance(value, str):
            return "text"
        return f"text of at most {MAX_STRING:,} characters" if len(value) > MAX_STRING else None
    if kind == "choice":
        return None if value in spec.choices else "one of: " + ", ".join(spec.choices)
    if kind == "bool":
        return None if isinstance(value, bool) else "true or false"
    if kind == "date":
        return None if isinstance(value, _dt.date) else "a date like 2022-01-24"
    if kind in ("int", "number", "quantity"):
        if isinstance(value, ranges.Range):
            if not spec.ranged:
                return _kind_text(spec) + " (this field takes no range)"
            bad = next((b for b in map(lambda v: _check_number(spec, v), (value.low, value.mode, value.high)) if b),
                       None)
            wrong = ranges.order_problem(value.low, value.mode, value.high)
            return bad or (f"a range with low <= mode <= high, not {wrong}" if wrong else None)
        return _check_number(spec, value)
    return None


def _check_number(spec: Spec, value) -> str | None:
    kind = spec.kind
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return _kind_text(spec) + " (finite)"
    if kind == "int" and not float(value).is_integer():
        return _kind_text(spec)
    low_ok = value > spec.minimum if spec.strict_min else value >= spec.minimum
    if not low_ok:
        return (f"{_kind_text(spec)} {'>' if spec.strict_min else '>='} {spec.minimum:g}"
                .replace(" > 0 > 0", " > 0").replace(" >= 0 >= 0", " >= 0"))
    if value > spec.maximum:
        return f"{_kind_text(spec)} of at most {spec.maximum:g}"
    return None


def field_problems(obj, path: tuple = ()) -> list[tuple[tuple, str, str]]:
    """Every field of a plan (or part of one) checked against its spec, walking nested objects
    and lists: (key path, what was expected, what was found) for each bad value. For plans
    made by code rather than read from YAML (the reader does the same while reading)."""
    out: list[tuple[tuple, str, str]] = []
    for name, spec in specs(type(obj)):
        value = getattr(obj, name)
        where = path + (spec.key,)
        if value is None:
            if spec.required:
                out.append((where, f"the key '{spec.key}' ({spec.doc or _kind_text(spec)})", "none"))
            continue
        if spec.kind == "list":
            for i, item in enumerate(value):
                out += field_problems(item, where + (i,))
        elif spec.kind == "table":
            for item in value:
                out += field_problems(item, where + (item.id,))
        elif spec.kind == "object":
            if dataclasses.is_dataclass(value):
                out += field_problems(value, where)
        elif spec.kind != "map":
            bad = check_value(spec, value)
            if bad:
                out.append((where, bad, _found(value)))
    return out


def parse_single(spec: Spec, raw, refs: dict | None = None):
    """One value typed by a person (an editor field): (value, None) or (None, what was expected)."""
    from .yamlio import MAX_STRING
    from .yamlio import Document as _Doc

    if isinstance(raw, str) and len(raw) > MAX_STRING:  # the loader's limit: never save what cannot load
        return None, f"expected text of at most {MAX_STRING:,} characters, found {len(raw):,} characters"
    if isinstance(raw, str):
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError as exc:  # an unpaired surrogate: no file can hold it
            return None, f"expected text a plan file can hold, found the character U+{ord(raw[exc.start]):04X}"
    if spec.ranged and isinstance(raw, str) and ".." in raw:  # a range as an editor shows it: low .. mode .. high
        raw = ranges.parse_text(raw) or raw
    reader = Reader(_Doc(None, {}, ""), refs)
    value = reader.value(spec, raw, (spec.key,))
    if value is _BAD:
        p = reader.problems[0]
        return None, f"expected {p.expected}" + (f", found {p.found}" if p.found else "")
    return value, None


def value_text(spec: Spec, value) -> str:
    """A value as an editor shows it: the same text the plan file would hold."""
    if value is None:
        return ""
    if spec.kind == "map":
        return ", ".join(f"{k}: {v}" for k, v in _value_to_data(spec, value).items())
    if spec.kind == "date":
        return value.isoformat()
    if spec.kind == "bool":
        return "true" if value else "false"
    if isinstance(value, ranges.Range):  # low .. mode .. high, each as the file would hold it
        plain = dataclasses.replace(spec, ranged=False)
        return " .. ".join(str(_value_to_data(plain, v)) for v in (value.low, value.mode, value.high))
    return str(_value_to_data(spec, value))


def to_data(obj) -> dict:
    """A plan or catalog dataclass as YAML-ready data: readable units, defaults left out."""
    out: dict = {}
    for f in dataclasses.fields(obj):
        spec = f.metadata.get("spec")
        if spec is None:
            continue
        value = getattr(obj, f.name)
        if value is None or (isinstance(value, (tuple, dict)) and not value):
            continue
        data = _value_to_data(spec, value)
        if isinstance(data, dict) and not data:
            continue
        out[spec.key] = data
    return out


def number_text(value: float):
    """A plain number as a person writes it: 760, 0.45, 175e9, 15.6e12 (exact on reading back)."""
    if float(value).is_integer() and abs(value) < 1e6:
        return int(value)
    if abs(value) < 1e6:
        return value
    exp = 3 * int(math.floor(math.log10(abs(value)) / 3))
    mant = value / 10.0**exp
    for text in (f"{mant:.6g}e{exp}", f"{mant:.12g}e{exp}"):
        if float(text) == value:
            return text
    return int(value) if float(value).is_integer() else value


def _value_to_data(spec: Spec, value):
    if spec.keywords and isinstance(value, str) and value in spec.keywords:
        return value
    if isinstance(value, ranges.Range):  # {low, mode, high}, each written as a plain value would be
        return {k: _value_to_data(spec, float(v)) for k, v in zip(ranges.KEYS, (value.low, value.mode, value.high),
                                                                   strict=True)}
    if spec.kind == "quantity":
        text = units.to_text(value, _dim(spec), spec.display)
        return f"{text} per GPU" if spec.per_gpu and isinstance(text, str) else text
    if spec.kind in ("int",):
        return int(value)
    if spec.kind == "number":
        return number_text(value)
    if spec.kind == "list" and spec.variants is not None:
        tag, default, _ = spec.variants()
        return [to_data(v) if v.kind == default else {tag: v.kind, **to_data(v)} for v in value]
    if spec.kind == "list":
        return [to_data(v) for v in value]
    if spec.kind == "object":
        return to_data(value)
    if spec.kind == "table":
        return {v.id: to_data(v) for v in value}
    if spec.kind == "map":
        return {k: units.to_text(v, _dim(spec), spec.display) for k, v in value.items()}
    return value
