"""Serving workloads (kind: serving): what fits, how fast, how many accelerators, what a token
costs, the checks and the warnings, with figures worked by hand."""

import json
import math

import pytest

import planner
from planner.kinds.serving_model import BANDWIDTH_EFFICIENCY, decode_step, facts_of, replica
from planner.kinds.serving_search import batches, search
from planner.sections import ModelShape, counts
from planner.summary import as_table, workload_cards
from tests.conftest import PRESETS

LLAMA_70B = ModelShape(layers=80, hidden=8192, heads=64, kv_heads=8, ffn_hidden=28672, mlp="swiglu",
                       sequence_length=8192, vocabulary=128256)
MIXTRAL = ModelShape(layers=32, hidden=4096, heads=32, kv_heads=8, ffn_hidden=14336, mlp="swiglu", experts=8,
                     top_k=2, vocabulary=32000)

PLAN = """\
format: cluster-planner/1
name: Llama serving
phases:
  - name: One
    online: 2025-01-01
    nodes:
      - {system: dgx-h100, count: 16}
facility: {pue: 1.2, cooling: liquid}
workloads:
  - name: Llama 3.1 70B chat
    kind: serving
    model: {layers: 80, hidden: 8192, heads: 64, kv_heads: 8, ffn_hidden: 28672, mlp: swiglu,
            sequence_length: 8192, vocabulary: 128256}
    precision: fp8
    kv_cache_precision: fp8
    demand: {requests_per_s: 50, input_tokens: 2000, output_tokens: 500}
    slo: {time_to_first_token: 2 s, time_per_output_token: 50 ms}
    parallelism: {tensor: auto, pipeline: 1, expert: 1}
  - name: Pretrain
    parameters: 7e9
    tokens: 1e12
    mfu: 0.4
    gpus: 64
"""


def evaluate(text):
    return planner.evaluate(planner.loads(text))


@pytest.fixture(scope="module")
def llama():
    plan = planner.loads(PLAN)
    return plan, planner.evaluate(plan)


@pytest.fixture(scope="module")
def gpt3():
    plan = planner.load(PRESETS / "gpt3-serving-2020.yaml")
    return plan, planner.evaluate(plan)


def h100():
    return evaluate(PLAN).phases[0].machine


# -- what a replica holds -----------------------------------------------------------------------
def test_kv_cache_per_token_of_llama_3_1_70b():
    # 80 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes
    assert facts_of(LLAMA_70B, None).kv_bytes_per_token(2.0) == 80 * 8 * 128 * 2 * 2 == 327_680


def test_kv_cache_per_request_and_weights_per_gpu(llama):
    _, r = llama
    s = r.workloads[0].serving
    assert s.kv_cache_bytes_per_request == 163_840 * 2500  # fp8 cache, 2,000 + 500 tokens
    assert s.layout == "t4 p1 e1 fp8, KV fp8"
    assert s.weights_bytes_per_gpu == pytest.approx(counts(LLAMA_70B).total / 4)  # 1 byte each, over 4
    assert s.weights_bytes_per_gpu == pytest.approx(17.64e9, rel=1e-3)
    # the KV cache holds (0.9 x 80 GB - 17.64 GB) / (2,250 tokens x 40,960 B per token per GPU)
    assert s.max_batch == int((72e9 - s.weights_bytes_per_gpu) // (2250 * 40_960)) == 589


def test_a_rough_shape_from_parameters_has_gpt3_proportions():
    f = facts_of(None, 175e9)
    assert (f.layers, f.hidden, f.heads) == (96, 12288, 96)
    assert f.kv_bytes_per_token(2.0) == 96 * 12288 * 2 * 2  # 4.72 MB per token in FP16


# -- how fast -------------------------------------------------------------------------------------
def test_decode_at_batch_1_reads_the_weights_at_the_achieved_bandwidth():
    f = facts_of(LLAMA_70B, None)
    r = replica(f, h100(), 1, 1, 1, "fp8", "fp8")
    step, bound = decode_step(r, 1, 1000)
    read = (f.always_read + 1000 * 163_840) / (3.35e12 * BANDWIDTH_EFFICIENCY)
    assert bound == "bandwidth"
    assert read == pytest.approx(0.0260, rel=0.01)  # 69.5 GB of weights at 80% of 3.35 TB/s
    assert step == pytest.approx(read, rel=0.01)
    assert decode_step(r, 512, 1000)[1] == "compute"


def test_a_mixture_of_experts_reads_only_the_experts_its_tokens_pick():
    f = facts_of(MIXTRAL, None)
    r = replica(f, h100(), 1, 1, 1, "bf16", "bf16")
    one, _ = decode_step(r, 1, 1)
    # batch 1: the dense part plus 2 of 8 experts in each of 32 layers, 2 bytes each
    read = (f.always_read + 32 * 2 * f.expert) * 2 / (3.35e12 * BANDWIDTH_EFFICIENCY)
    assert one == pytest.approx(read, rel=0.01)
    assert f.expert == 3 * 4096 * 14336


def test_pipeline_halves_the_weights_per_gpu_but_not_the_time_per_token():
    f = facts_of(LLAMA_70B, None)
    m = h100()
    one, two = replica(f, m, 2, 1, 1, "fp8", "fp8"), replica(f, m, 2, 2, 1, "fp8", "fp8")
    assert two.weights_bytes_per_gpu == pytest.approx(one.weights_bytes_per_gpu / 2)
    assert decode_step(two, 1, 100)[0] == pytest.approx(decode_step(one, 1, 100)[0], rel=0.02)


def test_the_curve_has_one_point_per_batch_and_trades_latency_for_throughput(llama):
    plan, r = llama
    d = search(plan.workloads[0], r.phases[0].machine)[0]
    assert [p.batch for p in d.points] == batches(589) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 589]
    tpot = [p.tpot_s for p in d.points]
    rate = [p.tokens_per_s_per_gpu for p in d.points]
    assert tpot == sorted(tpot) and rate == sorted(rate)


# -- for the demand -------------------------------------------------------------------------------
def test_replicas_gpus_latency_and_cost_for_the_demand(llama):
    _, r = llama
    w = r.workloads[0]
    s = w.serving
    assert (s.replicas, s.gpus, s.gpus_per_replica, s.batch) == (8, 32, 4, 128)
    assert s.output_tokens_per_s == 50 * 500
    assert s.meets_slo and s.ttft_s < 2.0 and s.tpot_s < 0.05
    assert s.power_w == pytest.approx(32 * r.phases[0].machine.it_power_per_gpu_w)
    assert s.energy_j_per_token == pytest.approx(s.power_w * 1.2 / 25_000)
    assert s.tokens_per_s_per_mw == pytest.approx(25_000 / (s.power_w * 1.2 / 1e6))
    phase = r.phases[0]
    c, year = phase.cost, 365 * 86400
    # the plan's default cost of ownership (systems over 4 years, network 6, storage 5, 5% maintenance)
    owned = (c.nodes_usd / 4 + c.network_usd / 6 + c.storage_usd / 5
             + 0.05 * (c.nodes_usd + c.network_usd + c.storage_usd)) / year / 128
    per_hour = (owned + phase.machine.it_power_per_gpu_w * 1.2 * 0.07 / 3.6e6) * 3600  # + electricity
    assert w.usd_per_gpu_hour == pytest.approx(per_hour)
    assert s.cost_usd_per_year == pytest.approx(32 * per_hour * 8760)
    assert s.usd_per_million_tokens == pytest.approx(32 * per_hour / 3600 / 25_000 * 1e6)


def test_twice_the_demand_needs_about_twice_the_replicas():
    r = evaluate(PLAN.replace("requests_per_s: 50", "requests_per_s: 100"))
    assert 15 <= r.workloads[0].serving.replicas <= 17


def test_a_gpu_cap_below_the_demand_serves_what_it_can_and_warns():
    r = evaluate(PLAN.replace("    parallelism: {tensor: auto, pipeline: 1, expert: 1}\n",
                              "    parallelism: {tensor: auto, pipeline: 1, expert: 1}\n    gpus: 8\n"))
    s = r.workloads[0].serving
    assert s.gpus <= 8 and 0 < s.output_tokens_per_s < 25_000 and not s.meets_slo
    found = [x for x in r.warnings if x.code == "demand-not-met"]
    assert found and found[0].path == "workloads[0].gpus" and "of the 50 requests/s" in found[0].message


def test_an_impossible_target_is_not_met_and_says_how_close_it_gets():
    r = evaluate(PLAN.replace("time_per_output_token: 50 ms", "time_per_output_token: 1 ms"))
    assert not r.workloads[0].serving.meets_slo
    found = [x for x in r.warnings if x.code == "slo-not-met"]
    assert found and "targets 2 s and 1 ms" in found[0].message


def test_a_serving_and_a_training_workload_share_the_phase():
    r = evaluate(PLAN.replace("    gpus: 64\n", ""))
    found = [x for x in r.warnings if x.code == "workloads-exceed-gpus"]
    assert found[0].message == ("Llama 3.1 70B chat holds 32 accelerators and Pretrain runs on 128: 160 in all, "
                                "more than the 128 online at One")
    assert found[0].path == "workloads[1].gpus"
    assert not [x for x in evaluate(PLAN).warnings if x.code == "workloads-exceed-gpus"]


def test_precision_auto_takes_the_cheapest_that_meets_the_slo():
    r = evaluate(PLAN.replace("precision: fp8\n    kv_cache_precision: fp8\n", "precision: auto\n"))
    s = r.workloads[0].serving
    assert s.layout.startswith("t4 p1 e1 fp8") and s.gpus == 32


def test_the_search_ranks_by_cost_among_layouts_that_meet_the_slo(llama):
    plan, r = llama
    designs = search(plan.workloads[0], r.phases[0].machine, all_precisions=True)
    assert {d.replica.precision for d in designs} == {"bf16", "fp8", "int8", "int4"}  # H100: no fp4
    meeting = [d for d in designs if d.meets_slo]
    assert designs[: len(meeting)] == meeting
    assert [d.gpus for d in meeting] == sorted(d.gpus for d in meeting)
    assert designs[0].layout == r.workloads[0].serving.layout


# -- the GPT-3 claim --------------------------------------------------------------------------------
def test_gpt3_fp16_does_not_fit_in_eight_32_gb_v100s(gpt3):
    _, r = gpt3
    s = r.workloads[0].serving
    assert not s.fits and s.gpus == 0 and s.output_tokens_per_s == 0
    assert s.weights_bytes_per_gpu * 8 == pytest.approx(349.2e9, rel=1e-3)  # 350 GB of FP16 weights
    found = [x for x in r.warnings if x.code == "model-does-not-fit"]
    assert found[0].message == ("GPT-3 175B, FP16 weights: at t8 p1 e1 fp16, KV fp16, 43.65 GB of fp16 weights per "
                                "accelerator leave no room for a KV cache in the 28.8 GB usable; int4 and int8 fit "
                                "(best: t8 p1 e1 int4, KV fp16, on 8 accelerators)")


def test_gpt3_int8_on_one_p3dn_instance_costs_a_year_of_its_price(gpt3):
    _, r = gpt3
    w = r.workloads[1]
    s = w.serving
    assert s.fits and s.gpus == 8 and s.meets_slo
    assert s.cost_usd_per_year == pytest.approx(31.212 * 8760)  # 273,417 USD on demand
    assert s.usd_per_million_tokens == pytest.approx(31.212 / 3600 / s.output_tokens_per_s * 1e6)
    assert s.output_tokens_per_s == pytest.approx(1.3 * 128)
    assert 45 < s.usd_per_million_tokens < 60


# -- outputs ------------------------------------------------------------------------------------------
def test_json_has_the_serving_figures(llama):
    plan, r = llama
    w = json.loads(json.dumps(r.to_dict()))["workloads"][0]
    assert w["kind"] == "serving"
    assert list(w["serving"]) == ["replicas", "gpus", "gpus_per_replica", "layout", "fits", "weights_bytes_per_gpu",
                                  "kv_cache_bytes_per_request", "max_batch", "batch", "prefill_tokens_per_s",
                                  "decode_tokens_per_s", "output_tokens_per_s", "ttft_s", "tpot_s", "meets_slo",
                                  "power_w", "energy_j_per_token", "usd_per_million_tokens", "cost_usd_per_year",
                                  "tokens_per_s_per_mw"]
    assert w["serving"]["replicas"] == 8


def test_cards_text_and_round_trip(llama):
    plan, r = llama
    cards = workload_cards(r.workloads[0])
    assert [cards[k][0] for k in ("sustained", "time", "energy", "emissions")] == [
        "GPUs needed", "TTFT / TPOT", "Output tokens/s", "Cost per million tokens"]
    assert cards["sustained"][1] == "32" and cards["energy"][1] == "25,000"
    assert "met" in cards["time"][2]
    assert "KV cache per request        409.6 MB" in as_table(r)
    assert planner.loads(planner.dumps(plan)) == plan
    assert "kind: serving" in planner.dumps(plan)


def test_explanations_of_the_serving_cards(llama):
    from planner.explain import explain

    plan, r = llama
    e = explain(plan, r, "sustained", 0)
    assert e.title == "GPUs needed by Llama 3.1 70B chat" and e.value == "32"
    assert ("Replicas", "8", "") in e.inputs
    assert explain(plan, r, "emissions", 0).title == "Cost per million tokens of Llama 3.1 70B chat"


# -- checks ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("change, message", [
    (("    model: {layers: 80, hidden: 8192, heads: 64, kv_heads: 8, ffn_hidden: 28672, mlp: swiglu,\n"
      "            sequence_length: 8192, vocabulary: 128256}\n", ""),
     "workloads[0]: expected a model shape (model: {layers, hidden, heads, ...}) or parameters, found neither"),
    (("tensor: auto", "tensor: 3"), "workloads[0].parallelism.tensor: expected a tensor size dividing the 64 "
                                    "attention heads, found 3"),
    (("expert: 1", "expert: 2"), "workloads[0].parallelism.expert: expected a mixture of experts (model: "
                                 "experts > 1), found 2"),
    (("tensor: auto, pipeline: 1", "tensor: 16, pipeline: 16"),
     "workloads[0].parallelism.tensor: expected tensor x pipeline x expert at most the 128 accelerators "
     "available, found 16 x 16 x 1 = 256"),
    (("dgx-h100", "dgx-a100"), "workloads[0].precision: expected a precision every accelerator online computes "
                               "(a100-80gb has no fp8 rate), found 'fp8'"),
    (("\n    precision: fp8", "\n    precision: int4"), None),
])
def test_serving_checks(change, message):
    if message is None:  # weight-only int4 computes at the H100's 16-bit rate: no problem
        assert planner.loads(PLAN.replace(*change)).workloads[0].precision == "int4"
        return
    with pytest.raises(planner.PlanError) as exc:
        planner.loads(PLAN.replace(*change))
    assert message in str(exc.value)


def test_an_accelerator_without_a_serving_precision_is_refused():
    text = PLAN.replace("    online: 2025-01-01\n", "").replace("dgx-h100", "box").replace(
        "phases:", "catalog:\n  accelerators:\n    oldie: {peak_flops: {fp32: 10 TFLOP/s}, memory: 16 GB, tdp: 300 W}\n"
        "  systems:\n    box: {accelerator: oldie, accelerators: 8, max_power: 3 kW}\nphases:")
    for precision, need in (("auto", "bf16, fp16, fp8 or fp4 rate"), ("int8", "16-bit rate (int8 and int4 are "
                                                                             "weight-only)")):
        with pytest.raises(planner.PlanError) as exc:
            planner.loads(text.replace("\n    precision: fp8", f"\n    precision: {precision}"))
        assert f"(oldie has no {need}), found '{precision}'" in str(exc.value)


def test_int8_weight_only_runs_on_a_v100_without_an_int8_rate(gpt3):
    plan, _ = gpt3
    assert plan.workloads[1].precision == "int8"  # loads: V100 computes it at its fp16 rate
    assert not math.isinf(planner.evaluate(plan).workloads[1].serving.ttft_s)
