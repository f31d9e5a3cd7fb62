"""Property-based tests (hypothesis): random valid plans, and random damage to real plan files."""

import dataclasses
import datetime as dt
import math
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner import PlanError, edit
from planner.plan import Dataset, Facility, Network, NodeGroup, Phase, Plan, StorageTier, Workload
from tests.conftest import PRESETS

SYSTEMS = sorted(planner.builtin_catalog().systems)
FABRICS = sorted(planner.builtin_catalog().fabrics)
COOLING = sorted(planner.builtin_catalog().cooling)
FUZZ_EXAMPLES = 400
PLAN_EXAMPLES = 150

finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def plans(draw):
    n_phases = draw(st.integers(1, 3))
    phases = []
    has_storage = False
    for i in range(n_phases):
        nodes = tuple(NodeGroup(system=draw(st.sampled_from(SYSTEMS)), count=draw(st.integers(1, 3000)))
                      for _ in range(draw(st.integers(0 if i else 1, 2))))
        storage = tuple(StorageTier(name=f"tier {i}.{j}", capacity_bytes=draw(st.floats(1e12, 1e18, **finite)),
                                    read_bandwidth_bytes_per_s=draw(st.floats(1e9, 2e13, **finite)),
                                    power_w=draw(st.floats(0, 2e6, **finite)))
                        for j in range(draw(st.integers(0, 2))))
        has_storage = has_storage or bool(storage)
        online = draw(st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2035, 1, 1))))
        phases.append(Phase(name=f"Phase {i + 1}", online=online, nodes=nodes, storage=storage))
    network = Network(fabric=draw(st.sampled_from(FABRICS)), topology=draw(st.sampled_from(["fat-tree",
                                                                                            "rail-optimized"])),
                      oversubscription=draw(st.floats(1, 8, **finite)))
    facility = Facility(pue=draw(st.one_of(st.none(), st.floats(1, 2, **finite))),
                        cooling=draw(st.sampled_from(COOLING)),
                        rack_power_limit_w=draw(st.one_of(st.none(), st.floats(5e3, 2e5, **finite))),
                        power_budget_w=draw(st.one_of(st.none(), st.floats(1e5, 1e9, **finite))))
    workloads = []
    for k in range(draw(st.integers(0, 2))):
        dataset = None
        if has_storage and draw(st.booleans()):
            dataset = Dataset(size_bytes=draw(st.floats(1e9, 1e18, **finite)))
        workloads.append(Workload(name=f"run {k}", parameters=draw(st.floats(1e8, 1e12, **finite)),
                                  tokens=draw(st.floats(1e9, 1e13, **finite)), precision="fp16",
                                  mfu=draw(st.one_of(st.none(), st.floats(0.05, 0.6, **finite))),
                                  gpus=draw(st.one_of(st.none(), st.integers(1, 100_000))), dataset=dataset))
    return Plan(name=draw(st.text(min_size=1, max_size=30)), phases=tuple(phases), network=network,
                facility=facility, workloads=tuple(workloads))


def numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


@settings(max_examples=PLAN_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_random_plans_evaluate_to_finite_non_negative_figures(plan):
    assert edit.check(plan) == []
    data = planner.evaluate(plan).to_dict()
    for x in numbers(data):
        assert x is not None and math.isfinite(x) and x >= 0, x


@settings(max_examples=PLAN_EXAMPLES, deadline=None)
@given(plans())
def test_save_then_load_returns_an_equal_plan(plan):
    assert planner.loads(planner.dumps(plan)) == plan


@settings(max_examples=PLAN_EXAMPLES, deadline=None)
@given(plans())
def test_more_accelerators_never_lengthen_compute(plan):
    doubled = dataclasses.replace(plan, phases=tuple(
        dataclasses.replace(p, nodes=tuple(dataclasses.replace(g, count=g.count * 2) for g in p.nodes))
        for p in plan.phases))
    a, b = planner.evaluate(plan), planner.evaluate(doubled)
    for wa, wb, w in zip(a.workloads, b.workloads, plan.workloads, strict=True):
        if w.gpus is None:
            assert wb.compute_time_s <= wa.compute_time_s * (1 + 1e-12)


@settings(max_examples=PLAN_EXAMPLES, deadline=None)
@given(plans(), st.floats(0.01, 1.0, **finite))
def test_higher_pue_never_lowers_facility_power(plan, more):
    pue = planner.evaluate(plan).power.pue
    higher = dataclasses.replace(plan, facility=dataclasses.replace(plan.facility, pue=min(5.0, pue + more)))
    assert planner.evaluate(higher).power.facility_w >= planner.evaluate(plan).power.facility_w


@settings(max_examples=PLAN_EXAMPLES, deadline=None)
@given(plans(), st.sampled_from(SYSTEMS), st.integers(0, 100))
def test_adding_a_phase_never_lowers_the_cumulative_count(plan, system, count):
    nodes = (NodeGroup(system=system, count=count),) if count else ()
    more = edit.insert_at(plan, ("phases",), len(plan.phases), Phase(name="Added", nodes=nodes))
    before, after = planner.evaluate(plan), planner.evaluate(more)
    assert [p.gpus for p in after.phases[:-1]] == [p.gpus for p in before.phases]
    assert after.gpus >= before.gpus


# -- damaged plan files ----------------------------------------------------------------------
TEXTS = [p.read_text() for p in sorted(PRESETS.glob("*.yaml"))]
NASTY = ["-1", "0", ".nan", "1e308", "-.inf", "[]", "{}", "~", "''", "!!python/object:os.system x", "&a 1",
         "*a", "yes", "2022-13-45", "1 furlongs", "'" + "z" * 300 + "'", "{system: nope, count: 1}", "[1, [2, [3]]]"]


@st.composite
def damaged(draw):
    text = draw(st.sampled_from(TEXTS))
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "rename", "replace", "truncate"]))
        data = bytearray("\n".join(lines).encode())
        if not lines or not data:
            break
        if op == "flip":
            for _ in range(draw(st.integers(1, 8))):
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
            lines = data.decode("utf-8", "replace").splitlines() or [""]
        elif op == "cut" and len(lines) > 1:
            del lines[draw(st.integers(0, len(lines) - 1))]
        elif op == "rename":
            i = draw(st.integers(0, len(lines) - 1))
            if ":" in lines[i]:
                key, rest = lines[i].split(":", 1)
                lines[i] = key[: len(key) - len(key.lstrip(" -"))] + draw(st.text("abcxyz_", min_size=1,
                                                                                  max_size=8)) + ":" + rest
        elif op == "replace":
            i = draw(st.integers(0, len(lines) - 1))
            if ": " in lines[i]:
                key = lines[i].split(": ", 1)[0]
                lines[i] = key + ": " + draw(st.sampled_from(NASTY))
        elif op == "truncate":
            lines = lines[: draw(st.integers(0, len(lines)))]
    return "\n".join(lines) + "\n"


@settings(max_examples=FUZZ_EXAMPLES, deadline=timedelta(seconds=1))
@given(damaged())
def test_damaged_plans_load_or_raise_plan_error(text):
    try:
        plan = planner.loads(text, "damaged.yaml")
    except PlanError as exc:
        assert exc.problems and all(p.expected for p in exc.problems)
        assert "damaged.yaml" in str(exc)
        return
    results = planner.evaluate(plan)  # what loads must evaluate
    assert results.gpus >= 0
