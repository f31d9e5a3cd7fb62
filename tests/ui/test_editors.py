"""Every editor in both directions: set the plan, see the widget; change the widget, see the
plan and the results."""

import dataclasses

import pytest

import planner
from planner import edit
from planner.plan import Facility, Network, NodeGroup, Phase, Plan, StorageTier, Workload
from ui.design_editor import class_at


def select(window, path):
    window.editor._select(path)
    assert window.editor.current_path() == path
    cls = class_at(path)
    return window.editor.form(cls) if cls is not None else None


def type_into(qtbot, editor, text):
    w = editor.widget
    if hasattr(w, "findText") and w.findText(text) >= 0:  # a drop-down
        w.setCurrentIndex(w.findText(text))
        return
    if hasattr(w, "setPlainText"):
        w.setPlainText(text)
        return
    w.setFocus()
    w.selectAll()
    qtbot.keyClicks(w, text)
    w.editingFinished.emit()


CASES = [
    # path, attribute, text typed, attribute path in the plan, expected value
    (("plan",), "name", "RSC, edited", ("name",), "RSC, edited"),
    (("plan",), "description", "New text", ("description",), "New text"),
    (("phases", 0), "online", "2022-02-01", ("phases", 0, "online"), "2022-02-01"),
    (("phases", 0, "nodes", 0), "count", "800", ("phases", 0, "nodes", 0, "count"), 800),
    (("phases", 0, "nodes", 0), "system", "dgx-h100", ("phases", 0, "nodes", 0, "system"), "dgx-h100"),
    (("phases", 0, "storage", 0), "name", "Flash", ("phases", 0, "storage", 0, "name"), "Flash"),
    (("phases", 0, "storage", 0), "capacity_bytes", "200 PB", ("phases", 0, "storage", 0, "capacity_bytes"), 2e17),
    (("phases", 0, "storage", 0), "read_bandwidth_bytes_per_s", "3 TB/s",
     ("phases", 0, "storage", 0, "read_bandwidth_bytes_per_s"), 3e12),
    (("phases", 0, "storage", 0), "write_bandwidth_bytes_per_s", "1 TB/s",
     ("phases", 0, "storage", 0, "write_bandwidth_bytes_per_s"), 1e12),
    (("phases", 0, "storage", 0), "power_w", "400 kW", ("phases", 0, "storage", 0, "power_w"), 4e5),
    (("phases", 0, "storage", 0), "price_usd", "20000000 USD", ("phases", 0, "storage", 0, "price_usd"), 2e7),
    (("network",), "fabric", "infiniband-ndr", ("network", "fabric"), "infiniband-ndr"),
    (("network",), "topology", "rail-optimized", ("network", "topology"), "rail-optimized"),
    (("network",), "oversubscription", "2", ("network", "oversubscription"), 2.0),
    (("network",), "switch", "qm9700", ("network", "switch"), "qm9700"),
    (("network",), "top_switch", "qm8700", ("network", "top_switch"), "qm8700"),
    (("network",), "scalable_unit", "16", ("network", "scalable_unit"), 16),
    (("facility",), "pue", "1.3", ("facility", "pue"), 1.3),
    (("facility",), "cooling", "liquid", ("facility", "cooling"), "liquid"),
    (("facility",), "rack_power_limit_w", "40 kW", ("facility", "rack_power_limit_w"), 4e4),
    (("facility",), "rack_units", "48", ("facility", "rack_units"), 48),
    (("facility",), "power_budget_w", "12 MW", ("facility", "power_budget_w"), 12e6),
    (("facility",), "electricity_price_usd_per_j", "0.1 USD/kWh", ("facility", "electricity_price_usd_per_j"),
     0.1 / 3.6e6),
    (("facility",), "carbon_intensity_kg_per_j", "0.2 kg/kWh", ("facility", "carbon_intensity_kg_per_j"),
     0.2 / 3.6e6),
    (("workloads", 0), "name", "GPT-3", ("workloads", 0, "name"), "GPT-3"),
    (("workloads", 0), "parameters", "70e9", ("workloads", 0, "parameters"), 70e9),
    (("workloads", 0), "tokens", "2e12", ("workloads", 0, "tokens"), 2e12),
    (("workloads", 0), "total_flops", "1e24 FLOP", ("workloads", 0, "total_flops"), 1e24),
    (("workloads", 0), "precision", "fp16", ("workloads", 0, "precision"), "fp16"),
    (("workloads", 0), "mfu", "50%", ("workloads", 0, "mfu"), 0.5),
    (("workloads", 0), "recompute", "full", ("workloads", 0, "recompute"), "full"),
    (("workloads", 0), "gpus", "4096", ("workloads", 0, "gpus"), 4096),
    (("workloads", 0), "phase", "Phase 1", ("workloads", 0, "phase"), "Phase 1"),
    (("workloads", 0), "power_per_gpu_w", "500 W", ("workloads", 0, "power_per_gpu_w"), 500.0),
    (("workloads", 0), "software", "fsdp", ("workloads", 0, "software"), "fsdp"),
    (("workloads", 0), "power_cap_w", "500 W", ("workloads", 0, "power_cap_w"), 500.0),
    (("workloads", 0), "failure_rate", "2e-5", ("workloads", 0, "failure_rate"), 2e-5),
    (("workloads", 0), "flops_per_byte", "10", ("workloads", 0, "flops_per_byte"), 10.0),
    (("workloads", 2), "dataset.size_bytes", "2 EB", ("workloads", 2, "dataset", "size_bytes"), 2e18),
    (("workloads", 2), "dataset.epochs", "3", ("workloads", 2, "dataset", "epochs"), 3.0),
    (("workloads", 1), "achieved_flops_per_gpu", "150 TFLOP/s", ("workloads", 1, "achieved_flops_per_gpu"), 150e12),
    (("workloads", 0), "global_batch", "1536", ("workloads", 0, "global_batch"), 1536),
    (("workloads", 0), "model.layers", "96", ("workloads", 0, "model", "layers"), 96),
    (("workloads", 0), "model.hidden", "8192", ("workloads", 0, "model", "hidden"), 8192),
    (("workloads", 0), "model.heads", "64", ("workloads", 0, "model", "heads"), 64),
    (("workloads", 0), "model.sequence_length", "4096", ("workloads", 0, "model", "sequence_length"), 4096),
    (("workloads", 0), "model.vocabulary", "32000", ("workloads", 0, "model", "vocabulary"), 32000),
    (("workloads", 0), "model.flash_attention", "false", ("workloads", 0, "model", "flash_attention"), False),
    (("workloads", 0), "model.kv_heads", "8", ("workloads", 0, "model", "kv_heads"), 8),
    (("workloads", 0), "model.head_dim", "128", ("workloads", 0, "model", "head_dim"), 128),
    (("workloads", 0), "model.ffn_hidden", "14336", ("workloads", 0, "model", "ffn_hidden"), 14336),
    (("workloads", 0), "model.mlp", "swiglu", ("workloads", 0, "model", "mlp"), "swiglu"),
    (("workloads", 0), "model.tied_embeddings", "true", ("workloads", 0, "model", "tied_embeddings"), True),
    (("workloads", 0), "model.experts", "8", ("workloads", 0, "model", "experts"), 8),
    (("workloads", 0), "model.top_k", "1", ("workloads", 0, "model", "top_k"), 1),
    (("workloads", 0), "model.expert_ffn_hidden", "2048", ("workloads", 0, "model", "expert_ffn_hidden"), 2048),
    (("workloads", 0), "model.shared_experts", "0", ("workloads", 0, "model", "shared_experts"), 0),
    (("workloads", 0), "model.dense_layers", "0", ("workloads", 0, "model", "dense_layers"), 0),
    (("workloads", 0), "model.routed_nodes", "4", ("workloads", 0, "model", "routed_nodes"), 4),
]


@pytest.mark.parametrize("path,attr,text,plan_path,expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_widget_to_plan_and_back(qtbot, window, path, attr, text, plan_path, expected):
    doc = window.document
    before = doc.plan
    form = select(window, path)
    editor = form.editors[attr]
    type_into(qtbot, editor, text)
    value = edit.get_at(doc.plan, plan_path)
    if attr == "online":
        value = value.isoformat()
    assert value == pytest.approx(expected) if isinstance(expected, float) else value == expected
    assert not editor.has_error()
    assert doc.results is not None
    doc.recompute_now()
    # model -> widget: undo puts the old value back into the same editor
    doc.undo_stack.undo()
    assert doc.plan == before
    form = select(window, path)
    old = form.value_of(edit.get_at(before, path) if path != ("plan",) else before, attr)
    from planner.schema import value_text

    shown = form.editors[attr].text()
    if hasattr(form.editors[attr].widget, "findText"):
        defaults = {"phase": "(default: the last, Phase 2)", "model.flash_attention": "(default: true)",
                    "model.tied_embeddings": "(default: false)"}
        if old is None and attr not in defaults:  # a choice of a model that is not there: nothing chosen
            assert shown in ("", "(default)") or shown.startswith("(default")
        else:
            assert shown == str(old) if old is not None else shown == defaults[attr]
    else:
        assert shown == (old if attr == "description" else value_text(form.editors[attr].spec, old))


def test_count_edit_moves_the_dashboard(qtbot, window):
    form = select(window, ("phases", 0, "nodes", 0))
    assert form.editors["count"].text() == "760"
    type_into(qtbot, form.editors["count"], "800")
    qtbot.waitUntil(lambda: window.dashboard.cards["gpus"].value.text() == "16,320")
    assert window.document.results.gpus == (800 + 1240) * 8


def test_plan_to_widget(qtbot, window):
    doc = window.document
    form = select(window, ("facility",))
    new = edit.replace_at(doc.plan, ("facility", "pue"), 1.25)
    assert doc.apply(new, "set pue") == []
    assert form.editors["pue"].text() == "1.25"
    qtbot.waitUntil(lambda: window.dashboard.cards["facility_power"].detail.text() == "PUE 1.25 (set in plan)")


def test_bad_text_is_rejected_in_place(qtbot, window):
    doc = window.document
    before = doc.plan
    form = select(window, ("phases", 0, "storage", 0))
    type_into(qtbot, form.editors["capacity_bytes"], "12 furlongs")
    assert doc.plan == before
    assert form.editors["capacity_bytes"].has_error()
    assert "furlongs" in form.editors["capacity_bytes"].widget.toolTip()


def test_edit_breaking_a_reference_is_refused(qtbot, window):
    doc = window.document
    before = doc.plan
    select(window, ("phases", 0))
    window.editor._on_remove_clicked()  # a workload runs on Phase 1
    assert doc.plan == before
    assert "workloads[1].phase" in window.statusBar().currentMessage()


def test_renaming_a_phase_renames_its_workloads(qtbot, window):
    form = select(window, ("phases", 0))
    type_into(qtbot, form.editors["name"], "First")
    assert window.document.plan.workloads[1].phase == "First"


def test_add_duplicate_move_remove(qtbot, window):
    doc = window.document
    select(window, ("phases",))
    window.editor._on_add_clicked()
    assert [p.name for p in doc.plan.phases] == ["Phase 1", "Phase 2", "Phase 3"]
    assert window.editor.current_path() == ("phases", 2)
    select(window, ("phases", 2, "nodes"))
    window.editor._on_add_clicked()
    assert doc.plan.phases[2].nodes == (NodeGroup(system="dgx-a100", count=1),)
    select(window, ("phases", 1))
    window.editor._on_duplicate_clicked()
    assert [p.name for p in doc.plan.phases] == ["Phase 1", "Phase 2", "Phase 2 (2)", "Phase 3"]
    window.editor._on_up_clicked()
    assert [p.name for p in doc.plan.phases][:3] == ["Phase 1", "Phase 2 (2)", "Phase 2"]
    window.editor._on_remove_clicked()
    assert len(doc.plan.phases) == 3
    select(window, ("workloads",))
    window.editor._on_add_clicked()
    assert doc.plan.workloads[-1].name == "New run"
    select(window, ("phases", 0, "storage"))
    window.editor._on_add_clicked()
    assert isinstance(doc.plan.phases[0].storage[-1], StorageTier)
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert len(doc.plan.phases) == 2


def test_custom_hardware_from_the_catalog(qtbot, window):
    doc = window.document
    new_id = window.catalog.copy_entry("systems", "dgx-h100")
    assert new_id == "dgx-h100-custom"
    assert doc.plan.catalog.systems[0].id == new_id
    form = select(window, ("catalog", "systems", 0))
    type_into(qtbot, form.editors["max_power_w"], "11 kW")
    assert doc.plan.catalog.systems[0].max_power_w == 11e3
    nodes = select(window, ("phases", 1, "nodes", 0))
    type_into(qtbot, nodes.editors["system"], new_id)
    assert doc.plan.phases[1].nodes[0].system == new_id
    assert doc.results.phases[1].gpus == 16_000


def test_stated_layout_field_by_field(qtbot, window):
    doc = window.document
    form = select(window, ("workloads", 0))
    type_into(qtbot, form.editors["model.layers"], "96")  # a model shape starts from a template
    assert doc.plan.workloads[0].model.hidden == 4096
    type_into(qtbot, form.editors["parallelism"], "stated")
    assert doc.plan.workloads[0].parallelism == planner.plan.Parallelism()
    type_into(qtbot, form.editors["parallelism.tensor"], "8")
    assert doc.plan.workloads[0].parallelism.tensor == 8
    doc.recompute_now()
    assert doc.results.workloads[0].predicted.layout.tensor == 8
    type_into(qtbot, form.editors["parallelism"], "auto")
    assert doc.plan.workloads[0].parallelism == "auto"
    doc.recompute_now()
    assert doc.results.workloads[0].predicted.searched > 100


def test_layout_without_a_model_is_refused(qtbot, window):
    form = select(window, ("workloads", 0))
    before = window.document.plan
    type_into(qtbot, form.editors["parallelism"], "auto")
    assert window.document.plan == before
    assert form.editors["parallelism"].has_error()


def test_forms_cover_every_scalar_field():
    from planner.schema import specs
    from ui.form import SCALAR_KINDS

    covered = {(c[0][0] if c[0][0] != "phases" else len(c[0]), c[1]) for c in CASES}
    for cls in (Plan, Phase, NodeGroup, StorageTier, Network, Facility, Workload):
        for name, spec in specs(cls):
            if spec.kind in SCALAR_KINDS and name not in ("format", "tokens_per_s_per_gpu"):
                assert any(attr == name or attr.startswith(name + ".") for _, attr in covered), (cls, name)
            if spec.kind == "object" and cls is Workload:
                for sub, sub_spec in specs(spec.item):
                    if sub_spec.kind in SCALAR_KINDS and name == "model":
                        assert any(attr == f"model.{sub}" for _, attr in covered), sub
    assert dataclasses.is_dataclass(Plan)
