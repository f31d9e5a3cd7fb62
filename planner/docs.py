"""The plan-format reference, generated from the field specs (``python -m planner.docs``).

The README's "Plan format" tables are this module's output; a test keeps them in step.
"""

from __future__ import annotations

import dataclasses

from .costs_plan import Costs
from .hardware import Accelerator, Cooling, Fabric, Switch, System
from .kinds import DEFAULT_KIND, KINDS
from .plan import Dataset, Facility, ModelShape, Network, NodeGroup, Parallelism, Phase, Plan, StorageTier, Workload
from .schema import specs
from .units import DIMENSIONS, to_text

SECTIONS = [
    ("Top level", Plan), ("phases[]", Phase), ("phases[].nodes[]", NodeGroup),
    ("phases[].storage[]", StorageTier), ("network", Network), ("facility", Facility), ("costs", Costs),
    ("workloads[]", Workload), ("workloads[].dataset", Dataset), ("workloads[].model", ModelShape),
    ("workloads[].parallelism", Parallelism),
    ("catalog.accelerators.ID", Accelerator), ("catalog.systems.ID", System),
    ("catalog.fabrics.ID", Fabric), ("catalog.switches.ID", Switch), ("catalog.cooling.ID", Cooling),
]


def _unit(spec) -> str:
    text = _plain_unit(spec)
    return text + " or a range `{low, mode, high}`" if spec.ranged else text


def _plain_unit(spec) -> str:
    if spec.kind == "quantity":
        return f"{DIMENSIONS[spec.dim]}"
    if spec.kind == "map":
        return f"{DIMENSIONS[spec.dim]} per precision"
    if spec.kind == "choice":
        return " \\| ".join(spec.choices)
    if spec.keywords:
        return {"int": "whole number", "number": "number", "object": "mapping"}.get(spec.kind, spec.kind) + \
            " or " + " \\| ".join(f"`{k}`" for k in spec.keywords)
    return {"int": "whole number", "number": "number", "date": "date", "str": "text", "list": "list",
            "object": "mapping", "table": "mapping"}.get(spec.kind, spec.kind)


def _default(cls, name, spec) -> str:
    if spec.required:
        return "required"
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    d = f.default
    if d == "":
        return "empty"
    if d is dataclasses.MISSING or d is None or d == () or dataclasses.is_dataclass(d):
        return "—"
    if spec.kind == "quantity":
        return f"`{to_text(d, spec.dim, spec.display)}`"
    return f"`{d}`"


def kind_sections() -> list[tuple[str, type, str]]:
    """(title, section class, kind) of each workload kind but the default, and of the objects
    nested in its section that no table above describes (its demand, targets, layout, ...)."""
    seen = {cls for _, cls in SECTIONS}
    out = []
    for name, kind in KINDS.items():
        if name == DEFAULT_KIND:
            continue
        out.append((f"workloads[] (kind: {name})", kind.section, name))
        for _, spec in specs(kind.section):
            if spec.kind == "object" and spec.item is not None and spec.item not in seen:
                seen.add(spec.item)
                out.append((f"workloads[].{spec.key} (kind: {name})", spec.item, ""))
    return out


def reference() -> str:
    out = []
    for title, cls, kind in [(t, c, "") for t, c in SECTIONS] + kind_sections():
        out += [f"#### `{title}`", "", "| key | unit / values | default | meaning |", "|---|---|---|---|"]
        if cls is Workload:
            kinds = "; ".join(f"`{k}`: {v.doc}" for k, v in KINDS.items())
            choices = " \\| ".join(KINDS)
            out.append(f"| `kind` | {choices} | `{DEFAULT_KIND}` | Kind of workload ({kinds}); "
                       "the keys below are those of a training run |")
        if kind:
            out.append(f"| `kind` | `{kind}` | required | {KINDS[kind].doc[:1].upper() + KINDS[kind].doc[1:]} |")
        for name, spec in specs(cls):
            out.append(f"| `{spec.key}` | {_unit(spec)} | {_default(cls, name, spec)} | {spec.doc} |")
        out.append("")
    return "\n".join(out)


def checks() -> str:
    """The table of check codes (planner.validate.all_codes)."""
    from .validate import all_codes

    rows = ["| code | severity | meaning |", "|---|---|---|"]
    for code, text in sorted(all_codes().items()):
        severity, meaning = ("error", text[len("error: "):]) if text.startswith("error: ") else ("warning", text)
        rows.append(f"| `{code}` | {severity} | {meaning} |")
    return "\n".join(rows) + "\n"


START, END = "<!-- format-reference:start -->", "<!-- format-reference:end -->"
CHECKS_START, CHECKS_END = "<!-- checks:start -->", "<!-- checks:end -->"


def _between(text: str, start: str, end: str, body: str) -> str:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}{end}{tail}"


def write_readme(path: str = "README.md") -> None:
    """Replace the format reference and the table of checks between their markers in the README."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    text = _between(text, START, END, reference())
    text = _between(text, CHECKS_START, CHECKS_END, checks())
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--write"]:
        write_readme(sys.argv[2] if len(sys.argv) > 2 else "README.md")
    else:
        print(reference())
