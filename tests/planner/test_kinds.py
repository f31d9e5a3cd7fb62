"""The workload-kind seam and the machine description shared by every kind."""

import dataclasses

import pytest

import planner
from planner.kinds import KINDS, kind_of
from planner.kinds.training import TrainingResult
from planner.model.machine import MachineDescription
from tests.conftest import PRESETS


def test_kind_defaults_to_training_and_explicit_training_loads_the_same(minimal_text):
    implicit = planner.loads(minimal_text)
    explicit = planner.loads(minimal_text.replace("- {name: Run,", "- {kind: training, name: Run,"))
    assert implicit == explicit
    assert kind_of(implicit.workloads[0]).name == "training"
    assert planner.evaluate(implicit).workloads[0].kind == "training"


def test_unknown_kind_is_refused_with_the_known_ones(minimal_text):
    with pytest.raises(planner.PlanError) as err:
        planner.loads(minimal_text.replace("- {name: Run,", "- {kind: trainig, name: Run,"), "plan.yaml")
    text = str(err.value)
    assert "plan.yaml:13" in text and "workloads[0].kind" in text
    assert "one of: training" in text and "did you mean 'training'" in text


def test_training_kind_is_not_written_back(minimal_text):
    """A default kind stays out of the file, so plans written today keep their text."""
    assert "kind:" not in planner.dumps(planner.loads(minimal_text))


def test_every_registered_kind_has_the_whole_interface():
    for kind in KINDS.values():
        module = kind.evaluator()
        for name in ("evaluate", "check", "warnings", "summary_rows", "cards", "explain"):
            assert callable(getattr(module, name)), f"{kind.name} lacks {name}"
        assert kind.section.kind == kind.name


def test_machine_description_of_rsc_phases():
    r = planner.evaluate(planner.load(PRESETS / "meta-rsc.yaml"))
    first, second = (ph.machine for ph in r.phases)
    assert isinstance(first, MachineDescription)
    assert (first.gpus, second.gpus) == (6080, 16000)
    assert first.system == "dgx-a100" and first.accelerator == "a100-80gb" and not first.mixed
    assert first.gpus_per_node == 8
    assert first.peak("bf16") == pytest.approx(312e12)
    assert first.scale_up_bandwidth_bytes_per_s == pytest.approx(300e9)  # 600 GB/s NVLink, one direction
    assert first.scale_out_bandwidth_bytes_per_s == pytest.approx(25e9)  # 200 Gb/s HDR per GPU
    assert first.it_power_per_gpu_w == pytest.approx(r.phases[0].power.it_w / 6080)


def test_workload_results_share_the_kind_independent_fields():
    r = planner.evaluate(planner.load(PRESETS / "selene.yaml"))
    w = r.workloads[1]
    assert isinstance(w, TrainingResult)
    assert w.gpu_hours == pytest.approx(w.gpus * w.time_s / 3600)
    assert w.energy_j == pytest.approx(w.it_power_w * w.time_s * r.power.pue)
    assert r.to_dict()["workloads"][1]["kind"] == "training"


def test_mixed_accelerators_are_named_not_silently_averaged(minimal_text):
    text = minimal_text.replace("      - {system: dgx-h100, count: 4}",
                                "      - {system: dgx-h100, count: 4}\n      - {system: dgx-a100, count: 4}")
    r = planner.evaluate(planner.loads(text))
    m = r.phases[0].machine
    assert m.mixed and set(m.accelerators) == {("a100-80gb", 32), ("h100-sxm", 32)}
    assert m.peak("bf16") == pytest.approx((989e12 + 312e12) / 2, rel=0.01)
    codes = {w.code: w for w in r.warnings}
    assert "mixed-accelerators" in codes and "32 h100-sxm" in codes["mixed-accelerators"].message


def test_evaluation_is_linear_in_phases():
    """4,000 phases evaluate, with cumulative counts right at the end (the work used to be quadratic)."""
    plan = planner.load(PRESETS / "meta-rsc.yaml")
    group = plan.phases[0].nodes[0]
    phases = tuple(planner.plan.Phase(name=f"P{i}", nodes=(dataclasses.replace(group, count=1),))
                   for i in range(4000))
    big = dataclasses.replace(plan, phases=phases, workloads=())
    r = planner.evaluate(big)
    assert r.gpus == 4000 * 8 and r.phases[1999].gpus == 2000 * 8
    assert r.phases[-1].racks.racks == r.racks.racks
