"""Cross-field checks (planner.validate.findings): silent wrong answers become errors or
warnings with stable codes, at load and at every edit."""

import pytest

import planner
from planner import edit
from tests.conftest import PRESETS

SELENE = (PRESETS / "selene.yaml").read_text()
MEGATRON_LAYOUT = "parallelism: {tensor: 8, pipeline: 8, microbatch: 1, zero: 1, recompute: full}"


def refused(text: str) -> str:
    with pytest.raises(planner.PlanError) as err:
        planner.loads(text, "plan.yaml")
    return str(err.value)


def codes(text: str) -> set:
    return {w.code for w in planner.evaluate(planner.loads(text)).warnings}


def test_layout_using_more_gpus_than_the_run_is_an_error():
    """Selene with data: 192 implied 12,288 GPUs on a 1,024-GPU run and cut 30.0 days to 5.2."""
    text = SELENE.replace(MEGATRON_LAYOUT, MEGATRON_LAYOUT.replace("tensor: 8,", "tensor: 8, data: 192,"))
    msg = refused(text)
    assert "workloads[0].parallelism.data" in msg
    assert "at most the run's 1,024 accelerators" in msg and "8 x 8 x 192 = 12,288" in msg


def test_a_run_on_a_phase_with_no_gpus_is_an_error(minimal_text):
    text = minimal_text.replace("phases:\n", "phases:\n  - {name: Empty, online: 2023-01-01}\n").replace(
        "mfu: 0.4}", "mfu: 0.4, phase: Empty}")
    msg = refused(text)
    assert "workloads[0].phase" in msg and "'Empty', with no accelerators online" in msg


def test_achieved_flops_above_peak_is_an_error():
    """140 TFLOP/s on A100 is fine; 1.58 PFLOP/s (MFU 505%) is a typo."""
    msg = refused(SELENE.replace("achieved_flops: 140 TFLOP/s", "achieved_flops: 1580 TFLOP/s"))
    assert "workloads[1].achieved_flops" in msg and "312 TFLOP/s" in msg and "1.58 PFLOP/s" in msg


def test_token_rate_above_peak_is_an_error(minimal_text):
    text = minimal_text.replace("mfu: 0.4}", "token_rate: 90000 per GPU}")  # 6 x 7e9 x 9e4 = 3.8 PFLOP/s
    msg = refused(text)
    assert "workloads[0].token_rate" in msg and "989.4 TFLOP/s" in msg


def test_parameters_that_disagree_with_the_shape_are_an_error():
    """The MFU 279,300% case: a 175B shape with parameters: 1e15."""
    text = SELENE.replace("    tokens: 300e9\n    global_batch",
                          "    parameters: 1e15\n    tokens: 300e9\n    global_batch",
                          1)
    msg = refused(text)
    assert "workloads[0].parameters" in msg and "within 3%" in msg and "1.746e+11" in msg and "1e+15" in msg
    close = SELENE.replace("    tokens: 300e9\n    global_batch", "    parameters: 175e9\n    tokens: 300e9\n"
                           "    global_batch", 1)
    assert planner.loads(close).workloads[0].parameters == 175e9


def test_interleave_needs_a_pipeline():
    text = SELENE.replace(MEGATRON_LAYOUT, "parallelism: {tensor: 8, pipeline: 1, interleave: 2}")
    assert "workloads[0].parallelism.interleave" in refused(text)


def test_microbatches_must_be_whole():
    """1,536 sequences over data 16 (auto: 1,024 / 64) x microbatch 5 is not a whole number."""
    msg = refused(SELENE.replace("microbatch: 1,", "microbatch: 5,"))
    assert "workloads[0].parallelism.microbatch" in msg and "16 (data auto = 1,024 // (8 x 8)) x 5" in msg


def test_tensor_parallelism_across_nodes_is_a_warning():
    text = SELENE.replace("tensor: 8, pipeline: 8", "tensor: 16, pipeline: 4")
    assert "tensor-spans-nodes" in codes(text)


def test_gpus_above_online_is_a_warning():
    assert "gpus-exceed-online" in codes(SELENE.replace("gpus: 3072", "gpus: 5000"))


def test_the_same_checks_run_at_every_edit():
    plan = planner.loads(SELENE)
    with pytest.raises(planner.PlanError) as err:
        edit.set_field(plan, ("workloads", 0, "parallelism", "data"), 192)
    assert err.value.problems[0].path == "workloads[0].parallelism.data"
    with pytest.raises(planner.PlanError):
        edit.set_field(plan, ("workloads", 1, "achieved_flops_per_gpu"), 1.58e15)
    # and evaluate refuses a plan built in code with the same mistake, rather than answer wrongly
    import dataclasses

    bad = edit.replace_at(plan, ("workloads", 0, "parallelism"),
                          dataclasses.replace(plan.workloads[0].parallelism, data=192))
    with pytest.raises(planner.PlanError, match="12,288"):
        planner.evaluate(bad)


def test_every_preset_is_free_of_errors():
    for path in PRESETS.glob("*.yaml"):
        planner.evaluate(planner.load(path))


def test_a_run_failures_stop_says_so_in_words():
    text = """
name: big
phases: [{name: A, nodes: [{system: dgx-h100, count: 40000}]}]
workloads:
  - {name: w, model: {layers: 126, hidden: 16384, heads: 128}, tokens: 15e12, global_batch: 4096}
"""
    # (8M tokens a step: the search spreads the run over 258,048 accelerators, past the failure limit)
    from planner.summary import as_table

    r = planner.evaluate(planner.loads(text))
    assert r.workloads[0].bound == "failures"
    table = as_table(r)
    assert "never: failures arrive faster than the run recovers (see warnings), bound by failures" in table
    assert "no throughput" not in table


def test_an_absurd_format_is_quoted_short():
    with pytest.raises(planner.PlanError) as err:
        planner.loads("format: cluster-planner/" + "9" * 5000 + "\nname: x\nphases: []\n")
    assert "(5,018 characters)" in str(err.value) and len(str(err.value)) < 300
