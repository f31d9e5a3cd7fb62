"""Checks that span fields, in one place: catalog ids exist, names are unique, workloads are
well posed and consistent with the machine (layout vs GPUs, GPUs vs online, shape vs
parameters, achieved vs peak). Run at load (planio) and at every edit (planner.edit); each
finding has a stable code (README, "Checks")."""

from __future__ import annotations

import difflib

from .catalog import Catalog
from .errors import Problem
from .findings import Finding, error
from .kinds import KINDS, kind_of
from .model.context import CheckContext
from .plan import FORMAT_VERSION, Plan
from .schema import field_problems
from .yamlio import Document, format_path


def parse_format(value) -> int | None:
    """The version number of a ``format`` value, or None when it is not ours."""
    if not isinstance(value, str) or not value.startswith("cluster-planner/"):
        return None
    tail = value.split("/", 1)[1]
    digits = tail.lstrip("0") or "0"
    # ASCII digits only (str.isdigit also takes '²'), and short: int() refuses over 4,300 digits
    return int(digits) if tail.isascii() and tail.isdigit() and len(digits) <= 9 else None


def check_format(doc: Document, raw: dict) -> list[Problem]:
    if "format" not in raw:
        return []
    version = parse_format(raw["format"])
    if version is None:
        found = repr(raw["format"])
        found = found if len(found) <= 60 else f"{found[:57]}... ({len(found):,} characters)"
        return [doc.problem(("format",), f"cluster-planner/{FORMAT_VERSION}", found)]
    if version < 1:
        return [doc.problem(("format",), f"a plan format a release of this planner wrote (cluster-planner/1 to "
                                         f"cluster-planner/{FORMAT_VERSION})", f"cluster-planner/{version}")]
    if version > FORMAT_VERSION:
        return [doc.problem(("format",), f"a plan format this planner reads (cluster-planner/{FORMAT_VERSION} "
                                         f"or older); upgrade the planner",
                            f"cluster-planner/{version}, which is newer")]
    return []


CODES = {
    "bad-value": "error: a field's value outside what it accepts (a plan made by code or an edit)",
    "no-phases": "error: a plan without phases",
    "no-nodes": "error: no phase adds any nodes",
    "duplicate-name": "error: two phases or two workloads with one name",
    "unknown-id": "error: a catalog id that neither the built-in catalog nor the plan defines",
    "unknown-phase": "error: a workload naming a phase the plan does not have",
    "no-gpus-online": "error: a workload on a phase with no accelerators online",
}


def all_codes() -> dict[str, str]:
    """Every check's stable code and what it means: the plan's, the cluster's and each kind's."""
    from .model.warnings import CODES as CLUSTER

    out = {**CODES, **CLUSTER}
    for kind in KINDS.values():
        out.update(getattr(kind.evaluator(), "CODES", {}))
    return out


def findings(plan: Plan, catalog: Catalog) -> list[Finding]:
    """Every cross-field check of a plan, in one place: errors (the plan is refused at load and
    at every edit) and warnings (shown with the results), each with a stable code. Pure: no
    YAML, no model; work grows linearly with the plan."""
    out = [error("bad-value", path, expected, found) for path, expected, found in field_problems(plan)]
    out += _structure(plan) + _references(plan, catalog)
    if out:
        return out  # the checks below assume phases, nodes and catalog ids exist
    phase_names = {p.name for p in plan.phases}
    index_of = {p.name: i for i, p in reversed(list(enumerate(plan.phases)))}
    last = len(plan.phases) - 1
    needed = {index_of[w.phase] if w.phase is not None else last for w in plan.workloads
              if w.phase is None or w.phase in phase_names}
    online = _online(plan, catalog, needed)
    names = set()
    for i, w in enumerate(plan.workloads):
        path = ("workloads", i)
        if w.name in names:
            out.append(error("duplicate-name", path + ("name",), "a workload name used once", f"'{w.name}' again"))
        names.add(w.name)
        if w.phase is not None and w.phase not in phase_names:
            out.append(error("unknown-phase", path + ("phase",),
                             "one of the phase names: " + ", ".join(p.name for p in plan.phases), f"'{w.phase}'"))
            continue
        index = index_of[w.phase] if w.phase is not None else last
        gpus, per_node, accelerators = online[index]
        if gpus == 0:
            out.append(error("no-gpus-online", path + ("phase",),
                             "a phase with accelerators online (an earlier phase adds none)",
                             f"'{plan.phases[index].name}', with no accelerators online"))
            continue
        ctx = CheckContext(plan, catalog, i, w, index, gpus, per_node, accelerators, path)
        out += kind_of(w).evaluator().check(ctx)
    return out


def _structure(plan: Plan) -> list[Finding]:
    out = []
    if not plan.phases:
        out.append(error("no-phases", ("phases",), "at least one phase", "an empty list"))
    names = set()
    any_nodes = False
    for i, phase in enumerate(plan.phases):
        if phase.name in names:
            out.append(error("duplicate-name", ("phases", i, "name"), "a phase name used once",
                             f"'{phase.name}' again"))
        names.add(phase.name)
        any_nodes = any_nodes or bool(phase.nodes)
    if plan.phases and not any_nodes:
        out.append(error("no-nodes", ("phases",), "at least one node group ({system: ..., count: ...}) in some phase",
                         "no nodes"))
    return out


def _references(plan: Plan, catalog: Catalog) -> list[Finding]:
    """Catalog ids the plan names exist (the loader checks them while reading; edits need it too)."""
    out = []

    def ref(kind: str, value: str, path: tuple) -> None:
        known = catalog.kind(kind)
        if value not in known:
            close = difflib.get_close_matches(value, list(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            what = {"cooling": "cooling", "switches": "switch"}.get(kind, kind.rstrip("s"))
            out.append(error("unknown-id", path, f"a {what} id from the catalog: {', '.join(sorted(known))}{hint}",
                             f"'{value}'"))

    for system in plan.catalog.systems:
        ref("accelerators", system.accelerator, ("catalog", "systems", system.id, "accelerator"))
    for i, phase in enumerate(plan.phases):
        for j, g in enumerate(phase.nodes):
            ref("systems", g.system, ("phases", i, "nodes", j, "system"))
    ref("fabrics", plan.network.fabric, ("network", "fabric"))
    for key in ("switch", "top_switch"):
        if getattr(plan.network, key) is not None:
            ref("switches", getattr(plan.network, key), ("network", key))
    ref("cooling", plan.facility.cooling, ("facility", "cooling"))
    return out


def _online(plan: Plan, catalog: Catalog, needed: set) -> dict:
    """For each phase index in ``needed``: (accelerators online, the scale-up domain of the most
    numerous system, accelerator ids online), in one pass over the phases."""
    out: dict = {}
    gpus = 0
    systems: dict = {}
    for i, phase in enumerate(plan.phases):
        for g in phase.nodes:
            n = g.count * catalog.systems[g.system].accelerators
            gpus += n
            systems[g.system] = systems.get(g.system, 0) + n
        if i in needed:
            main = catalog.systems[max(systems, key=systems.__getitem__)].domain if systems else 0
            accelerators = tuple(sorted({catalog.systems[s].accelerator for s in systems}))
            out[i] = (gpus, main, accelerators)
    return out


def problems_of(found: list[Finding], file: str, doc: Document | None = None) -> list[Problem]:
    """Errors as Problems a person can act on: file, line (when the text is known), key path."""
    out = []
    for f in found:
        if f.severity != "error":
            continue
        if doc is not None:
            out.append(doc.problem(f.path, f.expected, f.found))
        else:
            out.append(Problem(file, None, None, format_path(f.path), f.expected, f.found))
    return out


def check_plan(plan: Plan, catalog: Catalog, doc: Document) -> list[Problem]:
    """The errors of a plan just read from ``doc``, with their lines."""
    return problems_of(findings(plan, catalog), doc.file, doc)
