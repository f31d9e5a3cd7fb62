"""The hardware catalog: built-in entries (YAML inside the package) merged with a plan's own."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .errors import PlanError
from .hardware import Accelerator, CatalogEntries, Cooling, Fabric, Switch, System
from .schema import Reader
from .yamlio import read_file

CATALOG_DIR = Path(__file__).with_name("catalog")
KINDS = ("accelerators", "systems", "fabrics", "switches", "cooling")


@dataclass(frozen=True)
class Catalog:
    """Every known piece of hardware by id. Plan entries override built-in ones of the same id."""

    accelerators: dict
    systems: dict
    fabrics: dict
    switches: dict
    cooling: dict

    def kind(self, name: str) -> dict:
        return getattr(self, name)

    def accelerator(self, id_: str) -> Accelerator:
        return self.accelerators[id_]

    def system(self, id_: str) -> System:
        return self.systems[id_]

    def fabric(self, id_: str) -> Fabric:
        return self.fabrics[id_]

    def switch(self, id_: str) -> Switch:
        return self.switches[id_]

    def with_entries(self, entries: CatalogEntries) -> Catalog:
        if not any(getattr(entries, k) for k in KINDS):
            return self
        merged = {k: {**self.kind(k), **{e.id: e for e in getattr(entries, k)}} for k in KINDS}
        return Catalog(**merged)


@functools.lru_cache(maxsize=1)
def builtin() -> Catalog:
    """The built-in catalog, read once. A broken built-in file is our bug: it raises PlanError."""
    tables = {}
    problems = []
    for kind in KINDS:
        doc = read_file(CATALOG_DIR / f"{kind}.yaml")
        reader = Reader(doc)
        entries = reader.build(CatalogEntries, {kind: doc.data or {}}, ())
        problems += reader.problems
        tables[kind] = {} if entries is None else {e.id: e for e in getattr(entries, kind)}
    if problems:
        raise PlanError(problems)
    return Catalog(**tables)


def for_plan(plan) -> Catalog:
    return builtin().with_entries(plan.catalog)


__all__ = ["Catalog", "builtin", "for_plan", "Accelerator", "System", "Fabric", "Switch", "Cooling", "KINDS"]
