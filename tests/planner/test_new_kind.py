"""Adding a workload kind is a module pair plus a registration: a kind defined only in the tests
loads, checks, evaluates, prints, charts and explains without any change elsewhere."""

import json

import pytest

import planner
from planner.chart_builders import charts_for
from planner.explain import explain
from planner.kinds import KINDS, Kind, register
from planner.summary import as_table
from tests.conftest import PRESETS

RSC_COPY = (PRESETS / "meta-rsc.yaml").read_text() + """\
  - kind: copy
    name: Copy the corpus
    size: 10 PB
"""


@pytest.fixture
def copy_kind():
    from tests.planner.toy_kind import CopyWorkload

    register(Kind("copy", CopyWorkload, "tests.planner.toy_kind", "a copy across the fabric"))
    yield
    del KINDS["copy"]


def test_a_new_kind_runs_through_every_public_function(copy_kind):
    plan = planner.loads(RSC_COPY)
    assert type(plan.workloads[-1]).__name__ == "CopyWorkload"
    r = planner.evaluate(plan)
    w = r.workloads[-1]
    # 10 PB over 16,000 GPUs x 25 GB/s of HDR each = 25 s
    assert w.kind == "copy" and w.time_s == pytest.approx(1e16 / (16000 * 25e9))
    assert "Fabric bandwidth" in as_table(r) and "400 TB/s" in as_table(r)
    assert json.loads(json.dumps(r.to_dict()))["workloads"][-1]["size_bytes"] == 1e16
    assert charts_for(plan, r, len(plan.workloads) - 1, "bf16")["time"].title == "Copy time"
    assert explain(plan, r, "time", len(plan.workloads) - 1).title == "Copy time of Copy the corpus"
    assert "kind: copy" in planner.dumps(plan)
    assert planner.loads(planner.dumps(plan)) == plan


def test_a_new_kind_brings_its_own_checks(copy_kind):
    with pytest.raises(planner.PlanError, match="workloads\\[3\\].size: expected at most a zettabyte"):
        planner.loads(RSC_COPY.replace("size: 10 PB", "size: 2000 ZB"))


def test_without_registration_the_kind_is_unknown():
    with pytest.raises(planner.PlanError, match="workloads\\[3\\].kind: expected one of: training"):
        planner.loads(RSC_COPY)
