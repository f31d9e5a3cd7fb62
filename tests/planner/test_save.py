import os

import pytest

import planner
from tests.conftest import PRESETS


@pytest.mark.parametrize("path", sorted(PRESETS.glob("*.yaml")), ids=lambda p: p.stem)
def test_presets_round_trip(path, tmp_path):
    plan = planner.load(path)
    out = tmp_path / "plan.yaml"
    planner.save(plan, out)
    assert planner.load(out) == plan
    # saving again gives the same bytes: a stable key order
    text = out.read_text()
    planner.save(planner.load(out), out)
    assert out.read_text() == text


def test_saved_plan_is_readable(tmp_path):
    plan = planner.load(PRESETS / "meta-rsc.yaml")
    text = planner.dumps(plan)
    assert text.startswith("format: cluster-planner/1\nname: Meta AI Research SuperCluster\n")
    for fragment in ("{system: dgx-a100, count: 760}", "capacity: 175 PB", "read_bandwidth: 2.5 TB/s",
                     "parameters: 175e9", "achieved_flops: 140 TFLOP/s per GPU", "electricity_price: 0.07 USD/kWh",
                     "online: 2022-01-24"):
        assert fragment in text
    keys = [line.split(":")[0] for line in text.splitlines() if line and not line[0].isspace() and line[0] != "-"]
    assert keys == ["format", "name", "description", "phases", "network", "facility", "workloads"]


def test_save_leaves_no_temporary_file(tmp_path):
    planner.save(planner.load(PRESETS / "selene.yaml"), tmp_path / "s.yaml")
    assert os.listdir(tmp_path) == ["s.yaml"]


def test_failed_save_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "s.yaml"
    plan = planner.load(PRESETS / "selene.yaml")
    planner.save(plan, target)
    before = target.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="No space"):
        planner.save(plan, target)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["s.yaml"]


def test_shared_objects_are_written_without_aliases(tmp_path):
    from planner import edit

    plan = planner.load(PRESETS / "meta-rsc.yaml")
    twice = edit.insert_at(plan, ("phases",), 2, plan.phases[1])  # the same objects twice
    twice = edit.replace_at(twice, ("phases", 2, "name"), "Phase 3")
    text = planner.dumps(twice)
    assert "&id" not in text and "*id" not in text
    assert planner.loads(text) == twice
