"""Error bars (issue 11, item 4): planner/perf/intervals.py picks the runs like a prediction,
widens the group when it is small, and turns their residuals into an 80% interval; the ranges
reach the JSON, the text report and the explanation."""

import json
import math

import numpy as np
import pytest

import planner
from planner import interval_text as it
from planner.catalog import builtin
from planner.cli import main
from planner.perf import intervals
from planner.perf.intervals import Interval, inflation, interval
from tests.conftest import PRESETS


def runs(software, generation, gpus, ratios):
    return [{"id": f"{software}-{generation}-{gpus}-{i}", "software": software, "generation": generation,
             "gpus": gpus, "log_ratio": r} for i, r in enumerate(ratios)]


TEN = [round(-0.45 + 0.1 * i, 2) for i in range(10)]  # -0.45 ... 0.45: median 0, P10 -0.36, P90 0.36


def k_of(n, t):
    """The module's inflation by hand: t(0.90, n-1) sqrt(1 + 1/n) / z(0.90)."""
    return t * math.sqrt(1 + 1 / n) / 1.2815516


def test_the_group_of_the_same_stack_generation_and_scale():
    table = (runs("fsdp", "hopper", 64, TEN) + runs("fsdp", "hopper", 2048, [2.0] * 10)
             + runs("fsdp", "ampere", 64, [-1.0] * 10) + runs("megatron", "hopper", 64, [1.0] * 10))
    iv = interval("fsdp", "hopper", 32, table)
    assert (iv.n, iv.basis) == (10, "10 fsdp runs on hopper, up to 64 GPUs")
    k = k_of(10, 1.383)  # t(0.90, 9) = 1.383
    assert iv.low == pytest.approx(math.exp(-0.36 * k), rel=1e-4)  # 0.665
    assert iv.high == pytest.approx(math.exp(0.36 * k), rel=1e-4)  # 1.503
    assert iv.low == pytest.approx(0.665, abs=1e-3)
    # the large runs form their own band
    assert interval("fsdp", "hopper", 4096, table).low == pytest.approx(math.exp(2.0))


def test_an_off_centre_group_keeps_its_bias():
    """A model that under-predicts a stack by 20% gives a range above the prediction."""
    iv = interval("fsdp", "hopper", 8, runs("fsdp", "hopper", 8, [0.2 + x / 10 for x in TEN]))
    centre = math.exp(0.2)
    assert iv.low > 1.0 and iv.low < centre < iv.high
    assert iv.low == pytest.approx(math.exp(0.2 - 0.036 * k_of(10, 1.383)), rel=1e-4)


@pytest.mark.parametrize("table, want", [
    # 5 small + 4 large fsdp hopper runs: the scale band is dropped
    (runs("fsdp", "hopper", 64, TEN[:5]) + runs("fsdp", "hopper", 4096, TEN[5:9]),
     "9 fsdp runs on hopper (any scale)"),
    # 3 fsdp hopper runs: then the generation (fsdp anywhere)
    (runs("fsdp", "hopper", 64, TEN[:3]) + runs("fsdp", "ampere", 64, TEN[3:9]) + runs("megatron", "hopper", 8, TEN),
     "9 fsdp runs (any accelerator)"),
    # 2 fsdp runs in all: then the stack (hopper, any stack)
    (runs("fsdp", "hopper", 64, TEN[:2]) + runs("megatron", "hopper", 8, TEN[:7]) + runs("megatron", "ampere", 8, TEN),
     "9 runs on hopper (any stack)"),
    # too few of anything: every run
    (runs("fsdp", "hopper", 64, TEN[:2]) + runs("megatron", "ampere", 8, TEN[:3]),
     "5 validation runs (all)"),
])
def test_few_runs_widen_the_group(table, want):
    assert interval("fsdp", "hopper", 32, table).basis == want


def test_an_unknown_generation_skips_the_groups_that_need_one():
    table = runs("fsdp", "hopper", 64, TEN[:5]) + runs("megatron", "ampere", 8, TEN)
    assert interval("fsdp", None, 32, table).basis == "15 validation runs (all)"
    assert interval("megatron", None, 32, table).basis == "10 megatron runs (any accelerator)"


def test_few_runs_widen_the_percentiles():
    assert inflation(2) == pytest.approx(2.94, abs=0.01)
    assert inflation(8) == pytest.approx(1.171, abs=0.001)
    assert inflation(23) == pytest.approx(1.053, abs=0.001)
    assert inflation(32) == pytest.approx(k_of(32, 1.3095), abs=0.001)  # beyond the t table: t(0.90, 31)
    assert inflation(2000) == pytest.approx(1.0, abs=0.001)
    ks = [inflation(n) for n in range(2, 200)]
    assert all(a > b for a, b in zip(ks, ks[1:], strict=False))
    # the same spread from 3 runs is wider than from 30
    three = interval("fsdp", "hopper", 8, runs("fsdp", "hopper", 8, [-0.1, 0.0, 0.1]))
    thirty = interval("fsdp", "hopper", 8, runs("fsdp", "hopper", 8, list(np.linspace(-0.1, 0.1, 30))))
    width = lambda iv: math.log(iv.high / iv.low)  # noqa: E731
    assert width(three) == pytest.approx(2 * 0.08 * k_of(3, 1.886), rel=1e-3)  # P10 -0.08, P90 0.08 for both
    assert width(thirty) == pytest.approx(2 * 0.08 * k_of(30, 1.311), rel=1e-3)
    assert width(three) / width(thirty) == pytest.approx(1.63, abs=0.01)


def test_under_two_runs_no_interval():
    assert interval("fsdp", "hopper", 8, runs("fsdp", "hopper", 8, [0.1])) is None
    assert interval("fsdp", "hopper", 8, []) is None


def test_a_time_takes_the_reciprocal_factors_swapped():
    iv = Interval(0.8, 1.25, 10, "x")
    assert iv.rate(100.0) == (80.0, 125.0)
    assert iv.time(10.0) == (8.0, 12.5)


def test_the_shipped_table_and_the_catalog_generations():
    table = intervals.load()
    assert len(table) >= intervals.MIN_RUNS
    assert {r["software"] for r in table} <= {"megatron", "fsdp", "deepspeed"}
    gens = {a.id: a.generation for a in builtin().accelerators.values()}
    assert (gens["a100-80gb"], gens["h100-sxm"], gens["b200"], gens["mi300x"], gens["v100-sxm"]) == (
        "ampere", "hopper", "blackwell", "cdna3", "volta")
    assert all(gens.values())
    # "unknown": a run on a custom accelerator that names no generation (it joins only the groups
    # by stack and all runs)
    assert {r["generation"] for r in table} <= set(gens.values()) | {"unknown"}


@pytest.fixture(scope="module")
def genai():
    return planner.evaluate(planner.load(PRESETS / "meta-genai-2024.yaml"))


SYMMETRIC = runs("megatron", "hopper", 16384, TEN)  # a known table: factors exp(-/+0.36 k(10))


def test_json_ranges_bracket_the_prediction(monkeypatch, capsys):
    monkeypatch.setattr(intervals, "_shipped", lambda: SYMMETRIC)
    assert main(["evaluate", str(PRESETS / "meta-genai-2024.yaml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr()[0])
    w = next(x for x in data["workloads"] if x["predicted"] is not None)
    p = w["predicted"]
    for key in ("tokens_per_s", "step_time_s", "time_s", "train_time_s"):
        low, high = p[key + "_range"]
        assert low < p[key] < high, key
    f = math.exp(0.36 * k_of(10, 1.383))  # 1.503
    assert p["tokens_per_s_range"] == pytest.approx([p["tokens_per_s"] / f, p["tokens_per_s"] * f])
    assert p["step_time_s_range"] == pytest.approx([p["step_time_s"] / f, p["step_time_s"] * f])
    assert p["time_s_range"] == pytest.approx([p["time_s"] / f, p["time_s"] * f])
    assert p["train_time_s_range"] == pytest.approx([p["train_time_s"] / f, p["train_time_s"] * f])
    # without a software field the stack is Megatron-LM's; the preset's H100s are hopper
    assert p["interval_basis"] == "10 megatron runs on hopper, over 1,024 GPUs"


def test_the_shipped_table_scales_the_preset(genai):
    """With the shipped residuals: one interval behind all four ranges, the rate's factors and
    the times' reciprocals."""
    pr = genai.workloads[1].predicted
    iv = interval("megatron", "hopper", pr.gpus_used)
    assert pr.interval_basis == iv.basis and "megatron" in iv.basis
    assert pr.tokens_per_s_range == pytest.approx(iv.rate(pr.tokens_per_s))
    assert pr.step_time_s_range == pytest.approx(iv.time(pr.step_time_s))
    assert pr.time_s_range == pytest.approx(iv.time(pr.time_s))
    assert pr.train_time_s_range == pytest.approx(iv.time(pr.train_time_s))
    assert iv.low < iv.high


def test_text_report_shows_the_ranges(genai, capsys):
    assert main(["evaluate", str(PRESETS / "meta-genai-2024.yaml")]) == 0
    out = capsys.readouterr()[0]
    pr = genai.workloads[1].predicted
    per = pr.tokens_per_s / pr.gpus_used
    lo, hi = (x / pr.gpus_used for x in pr.tokens_per_s_range)
    assert f"Throughput                   {per:,.0f} tokens/s/GPU (80%: {it.sig3(lo)}–{it.sig3(hi)})" in out
    s_lo, s_hi = pr.step_time_s_range
    assert f"Step time                    {pr.step_time_s:.2f} s (80%: {it.sig3(s_lo)}–{it.sig3(s_hi)} s)" in out
    t_lo, t_hi = (x / 86400 for x in pr.time_s_range)
    assert f"Time                         {pr.time_s / 86400:.1f} days (80%: {t_lo:.1f}–{t_hi:.1f} days)" in out
    assert f"80% intervals from the model's errors on {pr.interval_basis}" in out


def test_the_explanation_names_the_interval_and_its_runs(genai):
    from planner.explain import explain

    plan = planner.load(PRESETS / "meta-genai-2024.yaml")
    e = explain(plan, genai, "sustained", 1)
    pr = genai.workloads[1].predicted
    assert e.title == "Tokens/s per GPU of Llama 3 405B, predicted (best layout)"
    assert e.value == f"{pr.tokens_per_s / pr.gpus_used:,.0f}"
    inputs = {label: value for label, value, _ in e.inputs}
    assert inputs["Interval from"] == pr.interval_basis
    assert inputs["80% interval"].endswith("tokens/s per GPU")


@pytest.mark.parametrize("x, text", [(3593, "3,590"), (128.8, "129"), (0.04567, "0.0457"), (7.949, "7.95"),
                                     (2_426_610.9, "2,430,000"), (0.0, "0")])
def test_three_significant_figures(x, text):
    assert it.sig3(x) == text


def test_duration_ranges_read_in_the_point_figures_unit():
    assert it.duration(92.5 * 86400, (80.5 * 86400, 98.7 * 86400)) == "80.5–98.7 days"
    assert it.duration(5 * 3600, (4.1 * 3600, 6.25 * 3600)) == "4.10–6.25 h"
    assert it.duration(7.95, (6.914, 8.479)) == "6.91–8.48 s"
    assert it.duration(7.95, (6.9, float("inf"))) == "never"
    assert it.time_range(float("inf"), (1.0, 2.0)) == ""
