"""Compare (issue 13, item 1): headline figures side by side with absolute and relative
differences, the plan fields that differ, and the ``compare`` command."""

import json

import pytest

import planner
from planner import edit
from planner.baseline import card_deltas, change_text, phase_deltas
from planner.cli import main
from planner.compare import compare, field_differences, pick_workloads
from planner.compare_text import as_markdown, as_table


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def rsc_selene():
    return [(n, planner.load(planner.preset_path(n))) for n in ("meta-rsc", "selene")]


def test_rsc_against_selene_figures(rsc_selene):
    c = compare(rsc_selene)
    gpus = c.row("gpus")
    assert gpus.values == (16_000, 4_480)
    assert gpus.absolute(1) == -11_520
    assert gpus.relative(1) == pytest.approx(-0.72)  # 4,480 / 16,000 - 1
    assert c.row("nodes").values == (2_000, 560)
    assert c.row("peak").values[0] == pytest.approx(4.992e18) and c.row("peak").values[1] == pytest.approx(1.39776e18)
    assert c.row("pue").values == (pytest.approx(1.1), pytest.approx(1.58))  # RSC's stated PUE; air cooling's typical
    assert c.row("pue").relative(1) == pytest.approx(0.48 / 1.1)
    # the first plan's first workload is not in Selene: each plan's first is compared
    assert c.workloads == ("GPT-3 175B on all GPUs", "GPT-3 175B, predicted (Megatron layout)")
    assert c.row("workload_gpus").values == (16_000, 1_024)


def test_fields_that_differ_name_both_values(rsc_selene):
    c = compare(rsc_selene)
    diffs = dict(c.differences)
    assert diffs["phases[0].nodes[0].count"] == ("760", "280")
    assert diffs["phases[1].nodes[0].count"] == ("1240", "280")
    assert "network.fabric" not in diffs  # both HDR InfiniBand
    assert diffs["facility.pue"] == ("1.1", None)  # Selene gives none
    assert diffs["workloads[0].gpus"] == (None, "1024")
    # the presets name their switch models and shapes too (69 since parallelism.expert_overlap,
    # tp_overlap and offload: Selene states a layout, RSC's first workload none)
    assert len(c.differences) == 69


def test_a_plan_against_itself_and_an_edit(rsc_selene):
    rsc = rsc_selene[0][1]
    same = compare([("a", rsc), ("b", rsc)])
    assert same.differences == ()
    assert all(r.absolute(1) in (0, None) for r in same.rows)
    assert "The plans' fields are the same." in as_table(same)
    cheaper = edit.set_field(rsc, ("facility", "pue"), 1.21)
    c = compare([("before", rsc), ("after", cheaper)])
    assert c.differences == (("facility.pue", ("1.1", "1.21")),)
    assert c.row("facility_power").relative(1) == pytest.approx(0.1)  # facility power = IT x PUE
    assert c.row("it_power").relative(1) == 0
    assert c.row("energy").relative(1) == pytest.approx(0.1)


def test_three_plans_and_a_named_workload():
    plans = [(n, planner.load(planner.preset_path(n))) for n in ("meta-rsc", "selene", "meta-genai-2024")]
    c = compare(plans, workload="GPT-3 175B on all GPUs")
    assert c.workloads == ("GPT-3 175B on all GPUs", None, None)  # a name the others lack: nothing to compare
    assert c.row("time").values[1:] == (None, None) and c.row("time").absolute(1) is None
    assert c.row("gpus").values == (16_000, 4_480, 24_576)
    assert c.row("gpus").relative(2) == pytest.approx(0.536)
    fallback = compare(plans, workload="GPT-3 175B on all GPUs", fallback=True)
    assert fallback.workloads[1:] == ("GPT-3 175B, predicted (Megatron layout)", "Llama 3 405B pre-training")
    assert pick_workloads([p for _, p in plans], None) == [0, 0, 0]


def test_table_and_markdown(rsc_selene):
    c = compare(rsc_selene)
    table = as_table(c)
    assert "16,000" in table and "4,480" in table and "-11,520 (-72.0%)" in table
    assert "Plan fields that differ (69):" in table
    md = as_markdown(c)
    assert "| Accelerators | 16,000 | 4,480 | -11,520 (-72.0%) |" in md
    assert "| `phases[0].nodes[0].count` | 760 | 280 |" in md


def test_compare_command(capsys):
    code, out, _ = run(capsys, "compare", "meta-rsc", "selene", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [p["name"] for p in data["plans"]] == ["meta-rsc", "selene"]
    gpus = next(f for f in data["figures"] if f["key"] == "gpus")
    assert gpus["values"] == [16000, 4480]
    assert gpus["differences"][1] == {"absolute": -11520, "relative": pytest.approx(-0.72)}
    assert {"path": "phases[0].nodes[0].count", "values": ["760", "280"]} in data["fields_differ"]
    code, out, _ = run(capsys, "compare", "meta-rsc", "selene")
    assert code == 0 and "-11,520 (-72.0%)" in out
    code, out, _ = run(capsys, "compare", "meta-rsc", "selene", "--format", "markdown")
    assert code == 0 and out.startswith("| | meta-rsc | selene | Δ selene |")


def test_compare_command_mistakes(capsys, tmp_path):
    code, _, err = run(capsys, "compare", "meta-rsc")
    assert code == 1 and "PLAN: expected two or more plans to compare, found 1" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nphases: 3\n")
    code, _, err = run(capsys, "compare", "meta-rsc", str(bad))
    assert code == 1 and "bad.yaml:2:1: phases: expected a list, found 3" in err


def test_baseline_deltas_for_cards_and_phases(rsc_selene):
    rsc = rsc_selene[0][1]
    base = planner.evaluate(rsc)
    more = planner.evaluate(edit.set_field(rsc, ("phases", 1, "nodes", 0, "count"), 1500))  # 2,260 nodes
    deltas = card_deltas(more, 0, base, "bf16")
    assert deltas["gpus"] == "+13.0% vs baseline"  # 18,080 / 16,000
    assert deltas["time"] == "-11.5% vs baseline"  # compute-bound: 16,000 / 18,080 - 1
    assert deltas["facility_power"] == "+14.2% vs baseline"
    assert card_deltas(base, 0, base, "bf16")["capex"] == "same as baseline"
    rows = phase_deltas(more, base, "bf16")
    assert rows[0][1] == "same as baseline" and rows[1][1] == "+13.0% vs baseline"
    assert change_text(None, 3.0) == "" and change_text(2.0, None) == "not in baseline"
    assert change_text(float("inf"), 3.0) == "never finishes"


def test_field_differences_of_lists_of_different_lengths(minimal_text):
    one = planner.loads(minimal_text)
    two = edit.add_item(one, ("phases",))
    diffs = dict(field_differences([one, two]))
    assert diffs == {"phases[1].name": (None, "Phase 2")}
