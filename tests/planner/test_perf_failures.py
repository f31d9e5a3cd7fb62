"""Issue 9: runs given total_flops and no tokens, failures that prevent progress, and the
failure model's inputs at their edges."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planner
from planner.cli import main
from planner.perf import constants as C
from planner.perf.failures import failures, max_gpus_for_progress
from planner.perf.step import parameters_of

FLOPS_ONLY = """
name: flops only
phases: [{name: A, nodes: [{system: dgx-h100, count: 4}]}]
workloads:
  - {name: w, model: {layers: 32, hidden: 4096, heads: 32, tied_embeddings: true}, total_flops: 1e23,
     global_batch: 1024}
"""


def test_total_flops_without_tokens_predicts(tmp_path, capsys):
    w = planner.evaluate(planner.loads(FLOPS_ONLY)).workloads[0]
    pr = w.predicted
    params = parameters_of(32, 4096, 2048, 51200)
    tokens = 1e23 / (6 * params)  # total = 6 x parameters x tokens
    assert pr.steps == pytest.approx(tokens / (1024 * 2048), rel=1e-12)
    assert pr.train_time_s == pytest.approx(pr.steps * pr.step_time_s, rel=1e-12)
    assert 0 < pr.time_s < math.inf and 0.9 < pr.goodput < 1.0
    assert w.time_s == pr.time_s and w.total_flops == 1e23
    # the commands that crashed with ZeroDivisionError
    path = tmp_path / "plan.yaml"
    path.write_text(FLOPS_ONLY)
    assert main(["evaluate", str(path)]) == 0
    assert "Compute time" in capsys.readouterr().out
    assert main(["report", str(path), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").stat().st_size > 1000


def test_zero_training_time_has_nothing_to_lose():
    f = failures(train_s=0.0, gpus=1024, parameters=7e9, write_bandwidth=1e11)
    assert (f.time_s, f.lost_s, f.expected_interruptions) == (0.0, 0.0, 0.0)
    assert f.goodput == pytest.approx((1 - (f.checkpoint_interval_s / 2 + C.RESTART_S) / f.mtbf_s)
                                      / (1 + f.checkpoint_write_s / f.checkpoint_interval_s))
    assert not f.progress_impossible


def test_no_accelerators_or_no_failure_rate_means_no_failures():
    for f in (failures(3600.0, 0, 7e9, 1e11), failures(3600.0, -5, 7e9, 1e11),
              failures(3600.0, 1024, 7e9, 1e11, rate_per_gpu_hour=0.0)):
        assert f.mtbf_s == math.inf and f.time_s == 3600.0 and f.goodput == 1.0 and f.lost_s == 0.0
    assert max_gpus_for_progress(7e9, 1e11, rate_per_gpu_hour=0.0) == math.inf


def test_zero_parameters_checkpoint_in_no_time():
    f = failures(3600.0, 1024, 0.0, 1e11)
    assert f.checkpoint_write_s == 0.0 and f.checkpoint_interval_s == 0.0
    assert f.goodput == pytest.approx(1 - C.RESTART_S / f.mtbf_s)


def test_progress_impossible_above_the_limit():
    """MTBF = 1 / (N lambda); the run stalls when tau/2 + R >= MTBF with tau = sqrt(2 delta MTBF)."""
    params, bw = 405e9, 1e12
    limit = max_gpus_for_progress(params, bw)
    delta = params * 14 / bw
    mtbf = 3600 / (limit * C.FAILURES_PER_GPU_HOUR)
    assert math.sqrt(2 * delta * mtbf) / 2 + C.RESTART_S == pytest.approx(mtbf, rel=1e-9)
    below, above = failures(86400.0, math.floor(limit), params, bw), failures(86400.0, math.ceil(limit), params, bw)
    assert not below.progress_impossible and below.time_s < math.inf and below.reason() == ""
    assert above.progress_impossible and above.time_s == math.inf and above.goodput == 0.0
    assert above.max_gpus == pytest.approx(limit)
    assert "restart" in above.reason() and "checkpoint interval" in above.reason()


edges = st.one_of(st.floats(allow_nan=True), st.sampled_from([0.0, -1.0, math.inf, -math.inf, math.nan, 1e-300]))


@settings(max_examples=300, deadline=None)
@given(train=edges, gpus=st.integers(-10, 10**13), params=edges, bw=edges, rate=edges, restart=edges)
def test_failures_never_raise_and_stay_meaningful(train, gpus, params, bw, rate, restart):
    f = failures(train, gpus, params, bw, rate, restart)
    assert 0.0 <= f.goodput <= 1.0
    assert f.mtbf_s >= 0 and f.max_gpus >= 0 and f.checkpoint_write_s >= 0 and f.expected_interruptions >= 0
    if f.progress_impossible:
        assert f.time_s == math.inf and f.goodput == 0.0 and f.reason()
    else:
        clean = train if train > 0 else 0.0
        assert f.time_s >= clean and not math.isnan(f.time_s)
        assert not math.isnan(f.lost_s) and f.lost_s >= 0
        if math.isfinite(clean) and f.goodput > 0:
            assert f.time_s == pytest.approx(clean / f.goodput)


def plan_with(nodes: int, gpus: str = "") -> str:
    # a batch of 4,096 sequences (8M tokens): more replicas still pay, so the search spreads the run
    # over 258,048 accelerators (with the default 2,048 it ties on 129,024, below the failure limit)
    return f"""
name: big run
phases: [{{name: A, nodes: [{{system: dgx-h100, count: {nodes}}}]}}]
workloads:
  - {{name: 405B, model: {{layers: 126, hidden: 16384, heads: 128, tied_embeddings: true}}, tokens: 15e12,
     global_batch: 4096{gpus}}}
"""


def test_failures_prevent_progress_is_a_warning_with_the_numbers():
    r = planner.evaluate(planner.loads(plan_with(40_000)))
    w = r.workloads[0]
    pr = w.predicted
    assert pr.failures.progress_impossible and w.time_s == math.inf
    # no storage online: checkpoints at the default 100 GB/s
    limit = max_gpus_for_progress(parameters_of(126, 16384, 2048, 51200), C.DEFAULT_CHECKPOINT_BANDWIDTH)
    assert pr.gpus_used > limit and pr.failures.max_gpus == pytest.approx(limit)
    found = [x for x in r.warnings if x.code == "failures-prevent-progress"]
    assert len(found) == 1 and found[0].path == "workloads[0].gpus"
    text = found[0].message
    mtbf_min = 3600 / (pr.gpus_used * C.FAILURES_PER_GPU_HOUR) / 60
    assert f"never finishes on {pr.gpus_used:,} accelerators" in text
    assert f"a failure every {mtbf_min:.4g} min" in text and "10 min restart" in text
    assert f"Use at most {int(limit):,} accelerators" in text and "write checkpoints faster" in text
    # following the advice: the run finishes and the warning goes
    r = planner.evaluate(planner.loads(plan_with(40_000, f", gpus: {int(limit)}")))
    assert r.workloads[0].time_s < math.inf
    assert "failures-prevent-progress" not in {x.code for x in r.warnings}
