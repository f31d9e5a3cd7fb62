"""Expert parallelism (all-to-all per MoE layer, experts spread over e ranks) and context
parallelism (each sequence split over c ranks, K/V passed around a ring) in the step model."""

import pytest

import planner

MOE = """
name: MoE
phases: [{name: A, nodes: [{system: dgx-h100, count: 64}]}]
workloads:
  - name: Mixtral-like
    model: {layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn_hidden: 14336, mlp: swiglu, vocabulary: 32000,
            experts: 8, top_k: 2, sequence_length: 4096}
    tokens: 1e12
    global_batch: 1024
    parallelism: PARALLELISM
"""


def predicted(parallelism: str):
    r = planner.evaluate(planner.loads(MOE.replace("PARALLELISM", parallelism)))
    return r.workloads[0].predicted


def test_expert_parallelism_spreads_expert_weights_and_pays_all_to_alls():
    one = predicted("{tensor: 1, pipeline: 1, zero: 1}")
    eight = predicted("{tensor: 1, pipeline: 1, zero: 1, expert: 8}")
    assert one.layout.expert == 1 and eight.layout.expert == 8 and eight.layout.text().endswith(" e8")
    assert one.step_parts["expert_comm_s"] == 0 and eight.step_parts["expert_comm_s"] > 0
    # 8 experts of 3 x 4096 x 14336 weights in each of 32 layers = 45.1 B; weights are bf16
    expert_weights = 32 * 8 * 3 * 4096 * 14336
    saved = one.memory_parts["weights_bytes"] - eight.memory_parts["weights_bytes"]
    assert saved == pytest.approx(2 * expert_weights * 7 / 8, rel=1e-6)
    # all-to-all volume per GPU per MoE layer: 4 x (tokens x top_k x h x 2 bytes x 7/8) per microbatch,
    # inside one 8-GPU node over NVLink (450 GB/s x 0.78)
    micro = 1024 / 512
    per_layer = 4 * 4096 * 2 * 4096 * 2 * 7 / 8 / (450e9 * 0.78)
    assert eight.step_parts["expert_comm_s"] == pytest.approx(micro * 32 * per_layer, rel=1e-6)


def test_the_search_spreads_the_experts_over_the_data_ranks():
    pr = predicted("auto")
    assert pr.layout.expert == 8 and pr.fits


def test_context_parallelism_splits_sequences_and_passes_kv_around():
    base = predicted("{tensor: 8, pipeline: 1, zero: 1}")
    cp = predicted("{tensor: 8, pipeline: 1, zero: 1, context: 2}")
    assert cp.layout.context == 2 and cp.gpus_used == base.gpus_used == 512
    assert cp.layout.data * 2 == base.layout.data  # the same accelerators, half as many replicas
    # activations per GPU halve with half the tokens of each sequence
    assert cp.memory_parts["activations_bytes"] == pytest.approx(base.memory_parts["activations_bytes"] / 2,
                                                                 rel=0.01)
    assert cp.layout.text().endswith(" c2")


@pytest.mark.parametrize("parallelism, expected", [
    ("{tensor: 1, context: 3}", "parallelism.context: expected a context-parallel size dividing the sequence"),
    ("{tensor: 1, expert: 3}", "parallelism.expert: expected an expert-parallel size dividing the 8 experts"),
    ("{tensor: 8, pipeline: 8, context: 16}", "tensor x pipeline x context x data at most"),
])
def test_impossible_context_and_expert_layouts_are_refused(parallelism, expected):
    with pytest.raises(planner.PlanError, match=expected.replace("(", "\\(")):
        planner.loads(MOE.replace("PARALLELISM", parallelism))


def test_expert_parallelism_on_a_dense_model_is_refused():
    dense = MOE.replace("experts: 8, top_k: 2, ", "")
    with pytest.raises(planner.PlanError, match="expert 1 for a dense model"):
        planner.loads(dense.replace("PARALLELISM", "{tensor: 1, expert: 2}"))
