import pytest

import planner
from planner import edit
from planner.explain import KEYS, explain
from tests.conftest import PRESETS


@pytest.fixture(scope="module")
def rsc():
    return planner.load(PRESETS / "meta-rsc.yaml")


def test_replace_at_changes_only_the_path(rsc):
    new = edit.replace_at(rsc, ("phases", 0, "nodes", 0, "count"), 100)
    assert new.phases[0].nodes[0].count == 100
    assert rsc.phases[0].nodes[0].count == 760
    assert new.phases[1] is rsc.phases[1]
    assert planner.evaluate(new).gpus == (100 + 1240) * 8


def test_insert_remove_move(rsc):
    phase = edit.get_at(rsc, ("phases", 1))
    new = edit.insert_at(rsc, ("phases",), 2, phase)
    assert len(new.phases) == 3
    assert edit.remove_at(new, ("phases",), 2) == rsc
    moved = edit.move_at(rsc, ("phases",), 0, 1)
    assert [p.name for p in moved.phases] == ["Phase 2", "Phase 1"]
    assert edit.move_at(rsc, ("phases",), 0, -1) is rsc


def test_check_finds_cross_reference_problems(rsc):
    broken = edit.remove_at(rsc, ("phases",), 0)  # a workload names Phase 1
    problems = edit.check(broken)
    assert any(p.path == "workloads[1].phase" for p in problems)
    assert edit.check(rsc) == []


def test_unique_name():
    assert edit.unique_name(["Phase 1"], "Phase 1") == "Phase 1 (2)"
    assert edit.unique_name(["A", "A (2)"], "A") == "A (3)"


@pytest.mark.parametrize("key", KEYS)
def test_every_headline_figure_explains_itself(rsc, key):
    r = planner.evaluate(rsc)
    e = explain(rsc, r, key)
    assert e.formula and e.value and e.inputs


def test_explain_time_numbers(rsc):
    r = planner.evaluate(rsc)
    e = explain(rsc, r, "time", workload=1)
    assert e.value == "33.91 days"
    assert ("GPUs", "1,024", "workloads[1].gpus") in e.inputs
