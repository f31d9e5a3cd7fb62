"""planner.edit's named operations: each returns a new plan or raises PlanError, checks the plan
itself (no YAML), and leaves the old plan untouched."""

import pytest

import planner
from planner import edit
from planner.layout_report import layout_rows
from tests.conftest import PRESETS


@pytest.fixture
def rsc():
    return planner.load(PRESETS / "meta-rsc.yaml")


@pytest.fixture
def no_yaml(monkeypatch):
    """Any YAML round trip during an edit fails the test."""
    import planner.schema
    import planner.yamldata

    def boom(*_a, **_k):
        raise AssertionError("an edit went through YAML")

    monkeypatch.setattr(planner.yamldata, "to_yaml_data", boom)
    monkeypatch.setattr(planner.schema.Reader, "build", boom)


def test_set_field(rsc, no_yaml):
    new = edit.set_field(rsc, ("phases", 0, "nodes", 0, "count"), 800)
    assert new.phases[0].nodes[0].count == 800 and rsc.phases[0].nodes[0].count == 760
    assert planner.evaluate(new).phases[0].gpus == 6400


def test_set_field_refuses_bad_values_with_the_field_and_reason(rsc, no_yaml):
    cases = [
        (("phases", 0, "nodes", 0, "count"), 0, "a whole number > 0"),
        (("facility", "pue"), 0.5, ">= 1"),
        (("network", "topology"), "torus", "one of: fat-tree, rail-optimized"),
        (("phases", 0, "nodes", 0, "system"), "dgx-z900", "a system id from the catalog"),
        (("description",), "x" * 200_001, "at most 100,000 characters"),
        (("workloads", 0, "name"), "GPT-3 175B, Megatron layout on 1,024 GPUs", "a workload name used once"),
        (("phases", 0, "name"), None, "required key 'name'"),
    ]
    for path, value, expected in cases:
        with pytest.raises(planner.PlanError) as err:
            edit.set_field(rsc, path, value)
        assert expected in str(err.value), (path, str(err.value))
        assert "<edited plan>" in str(err.value)


def test_renaming_a_phase_renames_the_workloads_on_it(rsc, no_yaml):
    named = [w.name for w in rsc.workloads if w.phase == rsc.phases[0].name]
    new = edit.set_field(rsc, ("phases", 0, "name"), "Phase one")
    assert [w.name for w in new.workloads if w.phase == "Phase one"] == named and named


def test_first_model_field_creates_a_shape_that_takes_over_from_parameters(rsc, no_yaml):
    assert rsc.workloads[0].model is None and rsc.workloads[0].parameters == 175e9
    new = edit.set_field(rsc, ("workloads", 0, "model", "layers"), 96)
    assert new.workloads[0].model.layers == 96 and new.workloads[0].parameters is None
    # clearing a required field of the shape removes the shape; with no parameters left that is refused
    with pytest.raises(planner.PlanError, match="parameters \\(or a model shape\\)"):
        edit.set_field(new, ("workloads", 0, "model", "layers"), None)


def test_add_duplicate_move_remove(rsc, no_yaml):
    added = edit.add_item(rsc, ("phases",))
    assert added.phases[-1].name == "Phase 3" and len(added.phases) == 3
    dup = edit.duplicate_item(rsc, ("workloads", 0))
    assert dup.workloads[1].name == rsc.workloads[0].name + " (2)"
    moved = edit.move_item(dup, ("workloads", 1), -1)
    assert moved.workloads[0].name == rsc.workloads[0].name + " (2)"
    removed = edit.remove_item(moved, ("workloads", 0))
    assert removed.workloads == rsc.workloads
    with pytest.raises(planner.PlanError, match="workloads\\[0\\].phase: expected one of the phase names"):
        edit.set_field(rsc, ("workloads", 0, "phase"), "Nowhere")
    with pytest.raises(planner.PlanError, match="nothing there"):
        edit.remove_item(rsc, ("workloads", 99))


def test_copy_catalog_entry(rsc, no_yaml):
    new, new_id = edit.copy_catalog_entry(rsc, "systems", "dgx-a100")
    assert new_id == "dgx-a100-custom"
    assert new.catalog.systems[-1].id == new_id and new.catalog.systems[-1].source.startswith("Copied from dgx-a100")
    with pytest.raises(planner.PlanError, match="a systems id from the catalog"):
        edit.copy_catalog_entry(rsc, "systems", "nope")


def test_adopt_layout_from_the_search():
    plan = planner.load(PRESETS / "selene.yaml")
    w, ranking, _ = layout_rows(plan, plan.workloads[0].name, 3)
    rows = ranking.rows
    new = edit.adopt_layout(plan, 0, rows[0]["layout"])
    par = new.workloads[0].parallelism
    assert (par.tensor, par.pipeline, par.data) == (rows[0]["layout"].tensor, rows[0]["layout"].pipeline,
                                                    rows[0]["layout"].data)
    assert planner.evaluate(new).workloads[0].predicted.layout == rows[0]["layout"]


def test_clearing_a_field_with_a_default_puts_the_default_back(rsc):
    """Clearing rack_units used to store None, the model failed and the old figures stayed."""
    changed = edit.set_field(rsc, ("facility", "rack_units"), 48)
    cleared = edit.set_field(changed, ("facility", "rack_units"), None)
    assert cleared.facility.rack_units == 42
    assert planner.evaluate(cleared).racks.racks == planner.evaluate(rsc).racks.racks
    assert edit.set_field(rsc, ("facility", "pue"), None).facility.pue is None  # an optional field: empty
