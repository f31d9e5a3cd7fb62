"""Checks that span fields: catalog ids exist, names are unique, workloads are well posed."""

from __future__ import annotations

from .catalog import Catalog
from .errors import Problem
from .plan import FORMAT_VERSION, Plan
from .yamlio import Document


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
        return [doc.problem(("format",), f"cluster-planner/{FORMAT_VERSION}", repr(raw["format"]))]
    if version < 1:
        return [doc.problem(("format",), f"a plan format a release of this planner wrote (cluster-planner/1 to "
                                         f"cluster-planner/{FORMAT_VERSION})", f"cluster-planner/{version}")]
    if version > FORMAT_VERSION:
        return [doc.problem(("format",), f"a plan format this planner reads (cluster-planner/{FORMAT_VERSION} "
                                         f"or older); upgrade the planner",
                            f"cluster-planner/{version}, which is newer")]
    return []


def check_references(plan: Plan, catalog: Catalog, doc: Document) -> list[Problem]:
    problems = []
    if not plan.phases:
        problems.append(doc.problem(("phases",), "at least one phase", "an empty list"))
    names = set()
    any_nodes = False
    for i, phase in enumerate(plan.phases):
        if phase.name in names:
            problems.append(doc.problem(("phases", i, "name"), "a phase name used once", f"'{phase.name}' again"))
        names.add(phase.name)
        any_nodes = any_nodes or bool(phase.nodes)
    if plan.phases and not any_nodes:
        problems.append(doc.problem(("phases",), "at least one node group ({system: ..., count: ...}) in some phase",
                                    "no nodes"))
    if problems:
        return problems
    workload_names = set()
    for i, w in enumerate(plan.workloads):
        path = ("workloads", i)
        if w.name in workload_names:
            problems.append(doc.problem(path + ("name",), "a workload name used once", f"'{w.name}' again"))
        workload_names.add(w.name)
        index = len(plan.phases) - 1
        if w.phase is not None:
            if w.phase not in names:
                problems.append(doc.problem(path + ("phase",), "one of the phase names: " + ", ".join(
                    p.name for p in plan.phases), f"'{w.phase}'"))
                continue
            index = plan.phase_index(w.phase)
        params = w.parameters is not None or w.model is not None
        has_pt = params and w.tokens is not None
        if params != (w.tokens is not None) and w.total_flops is None:
            missing = "tokens" if w.tokens is None else "parameters (or a model shape)"
            problems.append(doc.problem(path, f"'{missing}' too: model FLOPs are 6 x parameters x tokens", "only one"))
        elif not has_pt and w.total_flops is None and w.dataset is None:
            problems.append(doc.problem(path, "parameters and tokens, total_flops, or a dataset", "none of them"))
        problems += _check_layout(doc, path, w, plan, index)
        rates = [k for k, v in (("mfu", w.mfu), ("achieved_flops", w.achieved_flops_per_gpu),
                                ("token_rate", w.tokens_per_s_per_gpu)) if v is not None and v != "predicted"]
        if len(rates) > 1:
            problems.append(doc.problem(path + (rates[1],), "one of mfu, achieved_flops or token_rate",
                                        " and ".join(rates)))
        if w.tokens_per_s_per_gpu is not None and w.parameters is None and w.total_flops is None:
            problems.append(doc.problem(path + ("token_rate",), "parameters (or total_flops) with a token rate",
                                        "no parameters"))
        if w.tokens_per_s_per_gpu is not None and w.tokens is None:
            problems.append(doc.problem(path + ("token_rate",), "tokens with a token rate", "no tokens"))
        lacking = sorted({catalog.systems[g.system].accelerator
                          for p in plan.phases[: index + 1] for g in p.nodes
                          if w.precision not in catalog.accelerators[catalog.systems[g.system].accelerator].peak_flops})
        if lacking:
            problems.append(doc.problem(path + ("precision",), f"a precision every accelerator online has "
                                        f"({', '.join(lacking)} has no {w.precision} rate)", f"'{w.precision}'"))
    return problems


def _check_layout(doc: Document, path: tuple, w, plan: Plan, index: int) -> list[Problem]:
    """A stated parallel layout must divide the model and the batch (Megatron-LM's rules)."""
    out = []
    if w.mfu == "predicted" and w.model is None:
        out.append(doc.problem(path + ("mfu",), "a model shape (model: {layers, hidden, heads}) to predict from",
                               "'predicted' without one"))
    if w.parallelism is not None and w.model is None:
        out.append(doc.problem(path + ("parallelism",), "a model shape with a parallel layout", "no model"))
    par, m = w.parallelism, w.model
    if m is None or par is None or par == "auto":
        return out
    where = path + ("parallelism",)
    if m.heads % par.tensor or m.hidden % par.tensor:
        out.append(doc.problem(where + ("tensor",), f"a tensor size dividing heads ({m.heads}) and hidden "
                               f"({m.hidden})", str(par.tensor)))
    if par.pipeline > m.layers:
        out.append(doc.problem(where + ("pipeline",), f"at most one pipeline stage per layer ({m.layers})",
                               str(par.pipeline)))
    elif par.interleave > 1 and -(-m.layers // par.pipeline) % par.interleave:
        out.append(doc.problem(where + ("interleave",), f"an interleave dividing the layers per stage "
                               f"({-(-m.layers // par.pipeline)})", str(par.interleave)))
    if par.data != "auto" and w.global_batch and w.global_batch % (par.data * par.microbatch):
        out.append(doc.problem(where + ("data",), f"data x microbatch dividing the global batch ({w.global_batch})",
                               f"{par.data} x {par.microbatch}"))
    return out
