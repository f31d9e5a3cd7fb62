"""The figures behind the Network and Racks-and-cooling tabs (planner/network_report.py,
planner/racks_report.py), the published model shapes (planner/model_shapes.py) and the caches
that make an edit search once (planner/perf/predict.py best_rows, planner/kinds/sweep.py)."""

import dataclasses
import xml.etree.ElementTree as ET

import pytest

import planner
from planner import edit
from planner.chart_builders import build_rack_power
from planner.errors import PlanError
from planner.model_shapes import SHAPES, matching_shape, suggested_shape, use_model_shape
from planner.network_report import diagram_svg, fabric_diagram, network_table, tier_links, tier_names
from planner.racks_report import FLOOR_M2_PER_RACK, generations, rack_table
from tests.conftest import PRESETS

MIXED = """\
format: cluster-planner/1
name: Mixed
phases:
  - name: A100s
    online: 2021-01-01
    nodes:
      - {system: dgx-a100, count: 100}
  - name: H100s
    online: 2023-01-01
    nodes:
      - {system: dgx-h100, count: 200}
network: {fabric: infiniband-ndr}
facility: {cooling: liquid}
workloads:
  - {name: Run, parameters: 7e9, tokens: 1e12}
"""


def rsc():
    plan = planner.load(PRESETS / "meta-rsc.yaml")
    return plan, planner.evaluate(plan)


def figure(table, label, phase=-1):
    _phases, rows = table
    return next(texts for name, texts, _tip in rows if name == label)[phase]


def test_network_table_says_what_the_command_line_prints():
    plan, r = rsc()
    table = network_table(plan, r)
    assert table[0] == ["Phase 1", "Phase 2"]
    # cluster-planner evaluate meta-rsc: "Switches per level 800 / 20 (820 in all)": QM8700 leaves under
    # CS8500 directors, RSC's published two-level Clos
    assert figure(table, "Levels") == "2"
    assert figure(table, "Switches per level") == "800 leaf / 20 spine"
    assert figure(table, "Switches per level", 0) == "304 leaf / 8 spine"
    assert figure(table, "Switches in all") == "820"
    assert figure(table, "Links") == "16,000 to nodes, 16,000 between switches"
    assert figure(table, "Optical transceivers") == "64,000"
    assert figure(table, "Bisection bandwidth") == "200 TB/s"
    assert figure(table, "Per accelerator, into the fabric") == "25 GB/s"
    assert figure(table, "Oversubscription at the top tier") == "1:1 (non-blocking)"


def test_ndr_doubles_the_bandwidth_per_gpu_and_redraws_the_tiers():
    plan, r = rsc()
    hdr_drawing = fabric_diagram(plan, r)
    ndr = edit.set_field(plan, ("network", "fabric"), "infiniband-ndr")
    rn = planner.evaluate(ndr)
    table = network_table(ndr, rn)
    assert figure(table, "Per accelerator, into the fabric") == "50 GB/s"
    assert figure(table, "Switches per level") == "800 leaf / 20 spine"  # the plan pins its switch models
    assert figure(table, "Fabric").endswith("400 Gb/s ports")
    texts = {s.text for s in fabric_diagram(ndr, rn).shapes if s.kind == "text"}
    assert "20 spine switches" in texts and "16,000 links × 400 Gb/s" in texts
    assert any("50 GB/s per accelerator" in t for t in texts)
    assert texts != {s.text for s in hdr_drawing.shapes if s.kind == "text"}


def test_links_between_tiers_add_up_to_the_sizing_for_every_preset():
    for path in sorted(PRESETS.glob("*.yaml")):
        plan = planner.load(path)
        for ph in planner.evaluate(plan).phases:
            n = ph.network
            radix = planner.builtin_catalog().fabrics[n.fabric].switch_radix
            links = tier_links(radix, n.switches_per_level, n.endpoints, n.oversubscription)
            if n.tier_links:  # a rail-optimized sizing's own (GB200 racks' switches leave up-ports free)
                assert len(n.tier_links) == n.levels, path.name
                links = n.tier_links
            assert links[0] == n.endpoint_links and sum(links[1:]) == n.switch_links, (path.name, ph.name)


def test_oversubscribed_fabric_is_drawn_and_named():
    plan = planner.load(PRESETS / "meta-genai-2024.yaml")
    r = planner.evaluate(plan)
    table = network_table(plan, r)
    assert figure(table, "Oversubscription at the top tier") == "1:7"
    assert figure(table, "Per accelerator, into the fabric") == "50 GB/s"
    assert figure(table, "Per accelerator, across the top tier") == "7.143 GB/s"
    d = fabric_diagram(plan, r)
    assert any(s.text.endswith("1:7 oversubscribed") for s in d.shapes if s.kind == "text")
    root = ET.fromstring(diagram_svg(d))  # well-formed, names escaped
    assert root.tag.endswith("svg") and len(list(root)) > 20
    assert tier_names(1) == ("switch",) and tier_names(4)[-1] == "level 4"


def test_a_diagram_never_draws_more_than_ten_boxes_a_tier():
    plan, r = rsc()
    d = fabric_diagram(plan, r)
    boxes = [s for s in d.shapes if s.kind == "box"]
    assert len(boxes) == 3 * 9  # 2 tiers and the nodes: 9 boxes each and "…" in the middle for the rest
    assert sum(1 for s in d.shapes if s.text == "…") == 3


def test_rack_table_and_floor_space():
    plan, r = rsc()
    table = rack_table(plan, r)
    assert figure(table, "Compute racks") == "668" and figure(table, "Compute racks", 0) == "254"
    assert figure(table, "kW per rack under training load") == "12.9 kW"
    assert figure(table, "kW per rack at maximum") == "19.5 kW"
    assert figure(table, "Provisioned limit per rack") == "20 kW (plan)"
    assert figure(table, "Cooling and its rack limit") == "air, 25 kW"
    assert figure(table, "Share of the limit") == "98% at maximum"
    assert figure(table, f"Floor space ({FLOOR_M2_PER_RACK:g} m² per rack, assumed)") == "1,670 m²"  # 668 x 2.5


def test_rack_power_chart_marks_a_rack_over_its_limit():
    plan, _ = rsc()
    tight = edit.set_field(plan, ("facility", "rack_power_limit_w"), 6.0e3)  # under one DGX A100 at 6.5 kW
    c = build_rack_power(planner.evaluate(tight))
    bars, load, limit, _ = c.panels[0].series
    assert c.panels[0].y.unit == "kW" and c.x.categories == ("Phase 1", "Phase 2")
    assert bars.y == (6.5, 6.5) and bars.colours == ("#d9534f", "#d9534f")  # one node, over the limit
    assert load.y == (4.3, 4.3) and limit.y == (6.0, 6.0)


def test_mixed_generations_are_split_and_add_up():
    plan = planner.loads(MIXED)
    r = planner.evaluate(plan)
    assert r.phases[1].machine.mixed and any(w.code == "mixed-accelerators" for w in r.warnings)
    gens = generations(plan, r, 1, "bf16")
    assert [(g.accelerator, g.gpus, g.nodes) for g in gens] == [("h100-sxm", 1600, 200), ("a100-80gb", 800, 100)]
    assert [g.peak_per_gpu for g in gens] == [pytest.approx(989.4e12, rel=1e-3), 312e12]
    assert sum(g.peak for g in gens) == pytest.approx(r.phases[1].peak_flops["bf16"])
    assert sum(g.racks for g in gens) == r.phases[1].racks.racks
    assert [g.share for g in gens] == pytest.approx([2 / 3, 1 / 3])
    assert [g.accelerator for g in generations(plan, r, 0, "bf16")] == ["a100-80gb"]  # phase 1 alone


def test_racks_per_generation_match_the_model_on_every_preset():
    for path in sorted(PRESETS.glob("*.yaml")):
        plan = planner.load(path)
        r = planner.evaluate(plan)
        for i, ph in enumerate(r.phases):
            gens = generations(plan, r, i, "bf16")
            assert sum(g.racks for g in gens) == ph.racks.racks, (path.name, ph.name)
            assert sum(g.gpus for g in gens) == ph.gpus


def test_published_shapes_apply_as_one_edit():
    plan, _ = rsc()
    assert suggested_shape(plan.workloads[0]) == "gpt-3-175b"  # 175e9 parameters stated
    shaped = use_model_shape(plan, 0, "gpt-3-175b")
    w = shaped.workloads[0]
    assert (w.model.layers, w.model.hidden, w.model.heads, w.model.sequence_length, w.model.vocabulary) == (
        96, 12288, 96, 2048, 51200)
    assert w.parameters is None and matching_shape(w.model) == "gpt-3-175b"
    assert planner.evaluate(shaped).workloads[0].predicted is not None
    # a stated rate gives way to the prediction
    stated = use_model_shape(plan, 1, "llama-3.1-70b")
    assert stated.workloads[1].mfu == "predicted"
    assert planner.evaluate(stated).workloads[1].predicted is not None
    # a stated layout the new shape can run is kept; selene's t8 p8 runs every shape here
    selene = planner.load(PRESETS / "selene.yaml")
    for key in SHAPES:
        assert use_model_shape(selene, 0, key).workloads[0].parallelism.tensor == 8
    with pytest.raises(PlanError, match="tokens"):  # a read pass has no tokens to train on
        use_model_shape(plan, 2, "llama-3.1-8b")
    with pytest.raises(PlanError, match="published shapes"):
        use_model_shape(plan, 0, "gpt-5")


def test_a_search_runs_once_per_set_of_inputs(monkeypatch):
    from planner.layout_report import layout_rows
    from planner.perf import predict

    plan = planner.load(PRESETS.parent / "benchmarks" / "plans" / "gpt3-auto-4096.yaml")
    calls = []
    real = predict.search
    monkeypatch.setattr(predict, "search", lambda *a, **k: calls.append(a[2].gpus) or real(*a, **k))
    predict._searches.clear()
    r = planner.evaluate(plan)
    found = layout_rows(plan, None, 12)
    assert calls == [4096]  # the evaluation searched; the table reused it
    assert found[1].rows[0]["layout"] == r.workloads[0].predicted.layout
    planner.evaluate(edit.set_field(plan, ("facility", "pue"), 1.3))  # not an input of the search
    assert calls == [4096]
    planner.evaluate(edit.set_field(plan, ("workloads", 0, "global_batch"), 2048))
    assert calls == [4096, 4096]


def test_a_sweep_is_cached_and_left_to_a_worker_when_it_must_search(monkeypatch):
    from planner import sweep
    from planner.perf import predict

    plan = planner.load(PRESETS.parent / "benchmarks" / "plans" / "gpt3-auto-4096.yaml")
    plan = dataclasses.replace(plan, name="sweep test")  # a plan no other test swept
    predict._searches.clear()
    with sweep.within(10.0):
        counts, times = sweep.time_vs_gpus(plan, 0)
        assert len(counts) == 0 and sweep.wanted() == [(plan, 0)]  # would search: not on this thread
    sweep.compute(plan, 0)
    with sweep.within(10.0):
        counts, times = sweep.time_vs_gpus(plan, 0)
        assert len(counts) == 49 and sweep.wanted() == []  # cached now
    assert counts[0] == 256 and counts[-1] == 16384 and 4096 in counts
    # an edit that moves the range keeps the grid's points: only the new counts are searched
    bigger = edit.set_field(plan, ("phases", 0, "nodes", 0, "count"), 513)
    new = set(sweep.gpu_counts(513 * 8)) - set(counts.astype(int))
    assert new == {4104, 16416}  # online and 4 x online; the grid between is the same
    searched = []
    real = predict.search
    monkeypatch.setattr(predict, "search", lambda *a, **k: searched.append(a[2].gpus) or real(*a, **k))
    sweep.compute(bigger, 0)
    assert sorted(searched) == sorted(new)
