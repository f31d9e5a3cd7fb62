"""Every published run in validation/runs/ (issue 11) is a plan that loads, holding one training
workload with a `published` block: exactly one measured figure and the source it came from."""

import pytest

import planner
from tests.conftest import ROOT

RUNS = sorted((ROOT / "validation" / "runs").glob("*.yaml"))


def test_the_suite_holds_the_published_runs():
    assert len(RUNS) >= 35
    names = {p.stem for p in RUNS}
    # one from each kind of source: a paper's table, a framework's README, a GPU-hour derivation
    assert {"narayanan-2021-table1-1008b", "mosaicml-mpt-70b-h100-64", "deepseek-2024-v3-671b"} <= names


@pytest.mark.parametrize("path", RUNS, ids=[p.stem for p in RUNS])
def test_run_file_loads_with_one_published_figure(path):
    plan = planner.load(path)  # raises PlanError on any error-level finding
    training = [w for w in plan.workloads if w.kind == "training"]
    assert len(plan.workloads) == 1 and len(training) == 1
    published = training[0].published
    assert published is not None, f"{path.name}: no published block"
    assert len(published.figures()) == 1, f"{path.name}: {published.figures()}"
    assert published.source.strip(), f"{path.name}: empty source"
    assert training[0].model is not None, f"{path.name}: no model shape"


@pytest.mark.parametrize("stem, figure, value", [
    ("smith-2022-mt-nlg-530b-3360", "step_time_s", 44.4),  # MT-NLG, 420 DGX A100
    ("dubey-2024-llama3-405b-16384-cp16", "achieved_flops", 380e12),  # Llama 3 Table 4
    ("deepseek-2024-v3-671b", "token_rate", 1543.2),  # 1e12 / (180K GPU-h x 3600 s)
    ("touvron-2023-llama2-70b", "token_rate", 322.9),  # 2e12 / (1,720,320 GPU-h x 3600 s)
])
def test_published_figures_read_in_si_units(stem, figure, value):
    w = planner.load(ROOT / "validation" / "runs" / f"{stem}.yaml").workloads[0]
    assert w.published.figures() == {figure: pytest.approx(value)}


def test_power_cap_is_read_per_accelerator():
    w = planner.load(ROOT / "validation" / "runs" / "touvron-2023-llama2-7b.yaml").workloads[0]
    assert w.power_cap_w == 400.0
