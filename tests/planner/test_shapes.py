"""Model shapes of 2026: grouped-query attention, gated MLPs, mixtures of experts. Parameter
counts derived from published shapes match the published totals (planner.sections.counts)."""

import pytest

import planner
from planner.perf.step import parameters_of
from planner.sections import ModelShape, counts
from planner.summary import as_table

# name: (shape, published total, published active or None, tolerance on total, on active, source)
PUBLISHED = {
    "Llama 3.1 8B": (dict(layers=32, hidden=4096, heads=32, kv_heads=8, ffn_hidden=14336, mlp="swiglu",
                          vocabulary=128256), 8.03e9, None, 0.01, None,
                     "Llama 3.1 model card and config.json (Meta, July 2024): 8.03B"),
    "Llama 3.1 70B": (dict(layers=80, hidden=8192, heads=64, kv_heads=8, ffn_hidden=28672, mlp="swiglu",
                           vocabulary=128256), 70.6e9, None, 0.01, None, "Llama 3.1 model card: 70.6B"),
    "Llama 3.1 405B": (dict(layers=126, hidden=16384, heads=128, kv_heads=8, ffn_hidden=53248, mlp="swiglu",
                            vocabulary=128256), 405e9, None, 0.01, None, "Llama 3 paper, Table 3: 405B"),
    "Mixtral 8x7B": (dict(layers=32, hidden=4096, heads=32, kv_heads=8, ffn_hidden=14336, mlp="swiglu",
                          vocabulary=32000, experts=8, top_k=2), 46.7e9, 12.9e9, 0.01, 0.01,
                     "Jiang et al. 2024, Mixtral of Experts, section 2: 47B total, 13B active (46.7B / 12.9B)"),
    "Qwen3-235B-A22B": (dict(layers=94, hidden=4096, heads=64, kv_heads=4, head_dim=128, ffn_hidden=12288,
                             expert_ffn_hidden=1536, mlp="swiglu", vocabulary=151936, experts=128, top_k=8),
                        235e9, 22e9, 0.01, 0.01, "Qwen3 technical report (2025), Table 2: 235B total, 22B active"),
    "Nemotron-4 340B": (dict(layers=96, hidden=18432, heads=96, kv_heads=8, ffn_hidden=73728, mlp="relu2",
                             vocabulary=256000), 340e9, None, 0.01, None,
                        "Nemotron-4 340B technical report (NVIDIA 2024), Table 1"),
    # Multi-head latent attention approximated as grouped-query attention of the same size
    # (128 heads of 96, 8 KV heads: 187 M attention weights per layer, as MLA's low-rank factors)
    "DeepSeek-V3": (dict(layers=61, hidden=7168, heads=128, head_dim=96, kv_heads=8, ffn_hidden=18432,
                         expert_ffn_hidden=2048, mlp="swiglu", vocabulary=129280, experts=256, top_k=8,
                         shared_experts=1, dense_layers=3), 671e9, 37e9, 0.03, 0.05,
                    "DeepSeek-V3 technical report (2024), section 4.2: 671B total, 37B activated"),
}


@pytest.mark.parametrize("name", PUBLISHED)
def test_parameter_counts_match_published_totals(name):
    fields, total, active, tol_total, tol_active, _source = PUBLISHED[name]
    c = counts(ModelShape(**fields))
    assert c.total == pytest.approx(total, rel=tol_total)
    assert c.active == pytest.approx(active or total, rel=tol_active or tol_total)


def test_the_default_shape_is_exactly_narayanans_gpt():
    """Megatron-LM's formula (SC21 section 5.1) for a GPT with tied embeddings."""
    gpt3 = ModelShape(layers=96, hidden=12288, heads=96, tied_embeddings=True)
    assert counts(gpt3).total == pytest.approx(parameters_of(96, 12288, 2048, 51200), rel=1e-12)
    assert counts(gpt3).layer_matmul_active == 12 * 12288**2
    untied = ModelShape(layers=96, hidden=12288, heads=96)
    assert counts(untied).total - counts(gpt3).total == 51200 * 12288  # the output layer's own weights


def test_matmul_flops_per_token_are_twice_the_weights_a_token_meets():
    """Llama 3.1 8B: 2 x (32 layers x 218 M + 128,256 x 4,096 logits) = 14.98 GFLOP per token forward,
    close to 2 x 8.03 B (the input embedding is a lookup, not a matmul)."""
    m = ModelShape(**PUBLISHED["Llama 3.1 8B"][0])
    c = counts(m)
    forward = 2 * (m.layers * c.layer_matmul_active + m.hidden * m.vocabulary)
    assert forward == pytest.approx(2 * (c.total - m.vocabulary * m.hidden), rel=1e-3)
    assert forward == pytest.approx(14.98e9, rel=0.005)


MOE_PLAN = """
name: MoE
phases: [{name: A, nodes: [{system: dgx-h100, count: 64}]}]
workloads:
  - name: Mixtral-like
    model: {layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn_hidden: 14336, mlp: swiglu, vocabulary: 32000,
            experts: 8, top_k: 2, sequence_length: 4096}
    tokens: 1e12
    global_batch: 1024
"""


def test_a_mixture_of_experts_counts_active_parameters_for_its_work_and_mfu():
    r = planner.evaluate(planner.loads(MOE_PLAN))
    w = r.workloads[0]
    assert w.model_parameters == pytest.approx(46.70e9, rel=1e-3)
    assert w.active_parameters == pytest.approx(12.88e9, rel=1e-3)
    assert w.total_flops == pytest.approx(6 * w.active_parameters * 1e12)
    data = r.to_dict()["workloads"][0]
    assert data["model_parameters"] == w.model_parameters and data["active_parameters"] == w.active_parameters
    assert "46.70 B (12.88 B active per token)" in as_table(r)
    # the weights of every expert are in memory, not only the active ones: each accelerator holds
    # its tensor x pipeline share of the dense weights and 1/expert of the routed experts' (bf16)
    # (ZeRO-3 shards both over the shard group g, the experts over g / e of their replicas, and
    # holds two layers' gathered weights)
    lay = w.predicted.layout
    experts = counts(planner.loads(MOE_PLAN).workloads[0].model).expert_parameters
    dense = w.model_parameters - experts
    dense_local = dense / (lay.tensor * lay.pipeline)
    expert_local = experts / (lay.tensor * lay.pipeline * lay.expert)
    if lay.zero == 3:
        g = lay.shard_group or lay.data * lay.context
        g_e = max(1, min(lay.data * lay.context / lay.expert, g / lay.expert))
        layers = 32 / lay.pipeline
        expected = 2 * (dense_local / g + expert_local / g_e) + 2 * 2 * (dense_local + expert_local) / layers
    else:
        expected = 2 * (dense_local + expert_local)
    assert w.predicted.memory_parts["weights_bytes"] == pytest.approx(expected, rel=0.02)
    assert experts / w.model_parameters == pytest.approx(0.964, abs=0.005)  # 45.1 B of 46.7 B are experts


def test_stated_parameters_beside_a_gqa_shape_are_checked_against_its_count():
    text = MOE_PLAN.replace("    tokens: 1e12", "    parameters: 47e9\n    tokens: 1e12")
    assert planner.loads(text).workloads[0].parameters == 47e9  # within 3% of 46.70 B
    with pytest.raises(planner.PlanError, match="4.67e\\+10"):
        planner.loads(text.replace("parameters: 47e9", "parameters: 56e9"))


@pytest.mark.parametrize("change, path, expected", [
    ("kv_heads: 8", "kv_heads: 5", "model.kv_heads: expected key/value heads dividing the 32 query heads"),
    ("top_k: 2", "top_k: 9", "model.top_k: expected at most the 8 experts"),
    ("experts: 8,", "experts: 8, dense_layers: 32,", "model.dense_layers: expected fewer dense layers"),
])
def test_contradictory_shapes_are_refused(change, path, expected):
    with pytest.raises(planner.PlanError, match=expected):
        planner.loads(MOE_PLAN.replace(change, path))


def test_moe_fields_on_a_dense_shape_are_a_warning():
    r = planner.evaluate(planner.loads(MOE_PLAN.replace("experts: 8, top_k: 2", "top_k: 2")))
    assert "shape-not-moe" in {w.code for w in r.warnings}


def test_the_window_s_published_shapes_derive_their_published_parameters():
    """The Performance tab's picker (planner.model_shapes) writes each shape whole."""
    import dataclasses as dc

    from planner.model_shapes import SHAPES

    for s in SHAPES.values():
        fields = {f.name: getattr(s, f.name) for f in dc.fields(s)
                  if f.name in {g.name for g in dc.fields(ModelShape)}}
        assert counts(ModelShape(**fields)).total == pytest.approx(s.parameters, rel=0.01), s.name
