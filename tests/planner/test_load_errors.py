"""Every mistake in a plan gives one PlanError naming file, line, key path, expected and found."""

import dataclasses

import pytest

import planner
from planner import PlanError
from planner.plan import Facility, Network, Plan, Workload
from planner.schema import specs


def problems(text, file="plan.yaml"):
    with pytest.raises(PlanError) as info:
        planner.loads(text, file)
    return info.value.problems


def test_minimal_loads(minimal_text):
    plan = planner.loads(minimal_text)
    assert plan.phases[0].nodes[0].count == 4
    assert plan.phases[0].storage[0].read_bandwidth_bytes_per_s == 100e9


def test_unknown_key_with_line_and_suggestion(minimal_text):
    text = minimal_text.replace("network: {fabric: infiniband-ndr}", "network: {fabrik: infiniband-ndr}")
    (p,) = problems(text)
    assert p.file == "plan.yaml" and p.line == 10
    assert p.path == "network.fabrik"
    assert "did you mean 'fabric'" in p.expected
    assert "plan.yaml:10:" in str(p)


def test_unknown_catalog_id(minimal_text):
    (p,) = problems(minimal_text.replace("dgx-h100", "dgx-h1000"))
    assert p.path == "phases[0].nodes[0].system"
    assert p.line == 7
    assert "did you mean 'dgx-h100'" in p.expected
    assert p.found == "'dgx-h1000'"


def test_wrong_type(minimal_text):
    (p,) = problems(minimal_text.replace("count: 4", "count: [4]"))
    assert p.path == "phases[0].nodes[0].count" and p.found == "a list"


@pytest.mark.parametrize("value,found", [("-1", "-1"), ("0", "0"), (".nan", "nan"), ("2.5", "2.5")])
def test_bad_counts(minimal_text, value, found):
    (p,) = problems(minimal_text.replace("count: 4", f"count: {value}"))
    assert p.path == "phases[0].nodes[0].count"
    assert "whole number" in p.expected
    assert found in p.found


def test_unit_of_wrong_dimension(minimal_text):
    (p,) = problems(minimal_text.replace("capacity: 1 PB", "capacity: 1 kW"))
    assert p.path == "phases[0].storage[0].capacity"
    assert "not of power" in p.expected


def test_newer_format_is_refused_naming_both(minimal_text):
    (p,) = problems(minimal_text.replace("cluster-planner/1", "cluster-planner/7"))
    assert "cluster-planner/1" in p.expected and "cluster-planner/7" in p.found


def test_all_errors_reported_at_once(minimal_text):
    text = (minimal_text.replace("count: 4", "count: -4").replace("pue: 1.2", "pue: hot")
            .replace("mfu: 0.4", "mfu: 4"))
    found = {p.path for p in problems(text)}
    assert found == {"phases[0].nodes[0].count", "facility.pue", "workloads[0].mfu"}


def test_missing_required_key():
    (p,) = problems("name: x\n")
    assert "'phases'" in p.expected


def test_broken_yaml():
    (p,) = problems("name: [unclosed\nphases: 1\n")
    assert p.line is not None and "well-formed YAML" in p.expected


def test_billion_laughs_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (p,) = problems("\n".join(lines))
    assert "no anchors or aliases" in p.expected


def test_python_tags_never_execute(tmp_path):
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\nphases: []\n"
    ps = problems(text)
    assert any("python/object/apply" in p.found for p in ps)
    assert not marker.exists()


def test_huge_file_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: x\ndescription: '" + "x" * 50_000_000 + "'\n")
    with pytest.raises(PlanError) as info:
        planner.load(big)
    assert "at most" in info.value.problems[0].expected


def test_missing_file_is_a_plan_error(tmp_path):
    with pytest.raises(PlanError) as info:
        planner.load(tmp_path / "nope.yaml")
    assert "readable plan file" in info.value.problems[0].expected


def test_top_level_not_a_mapping():
    (p,) = problems("- 1\n- 2\n")
    assert "a plan" in p.expected


def test_workload_needs_work(minimal_text):
    (p,) = problems(minimal_text.replace("parameters: 7e9, tokens: 1e12, ", ""))
    assert "parameters and tokens, total_flops, or a dataset" in p.expected


def test_precision_the_hardware_lacks(minimal_text):
    text = minimal_text.replace("mfu: 0.4}", "mfu: 0.4, precision: fp4}")
    (p,) = problems(text)
    assert p.path == "workloads[0].precision" and "h100-sxm has no fp4" in p.expected


def test_unknown_workload_phase(minimal_text):
    (p,) = problems(minimal_text.replace("mfu: 0.4}", "mfu: 0.4, phase: Two}"))
    assert p.path == "workloads[0].phase" and "One" in p.expected


def test_duplicate_key(minimal_text):
    ps = problems(minimal_text.replace("name: Small", "name: Small\nname: Again"))
    assert "each key once" in ps[0].expected


# Every numeric field of the plan at 0, -1, NaN and 1e308: each either loads (0 where zero is
# meaningful) or raises PlanError naming that exact key path. Never anything else.
def _numeric_paths():
    out = []
    for cls, prefix, where in [(Facility, "facility", "facility: {pue: 1.2, cooling: liquid"),
                               (Network, "network", "network: {fabric: infiniband-ndr"),
                               (Workload, "workloads[0]", "  - {name: Run, parameters: 7e9, tokens: 1e12")]:
        for _name, spec in specs(cls):
            if spec.kind in ("int", "number", "quantity"):
                out.append((where, spec.key, f"{prefix}.{spec.key}"))
    out.append(("      - {system: dgx-h100", "count", "phases[0].nodes[0].count"))
    out.append(("      - {name: Flash", "capacity", "phases[0].storage[0].capacity"))
    out.append(("      - {name: Flash", "read_bandwidth", "phases[0].storage[0].read_bandwidth"))
    return out


@pytest.mark.parametrize("value", ["0", "-1", ".nan", "1e308", "-.inf"])
@pytest.mark.parametrize("where,key,path", _numeric_paths())
def test_every_numeric_field_edge_values(minimal_text, where, key, path, value):
    lines = []
    for line in minimal_text.splitlines():
        if line.startswith(where):
            # replace the key if present, else add it
            import re

            if re.search(rf"\b{key}: [^,}}]+", line):
                line = re.sub(rf"\b{key}: [^,}}]+", f"{key}: {value}", line)
            else:
                line = line.replace(where, f"{where}, {key}: {value}", 1)
        lines.append(line)
    text = "\n".join(lines) + "\n"
    try:
        plan = planner.loads(text, "edge.yaml")
    except PlanError as exc:
        paths = {p.path for p in exc.problems}
        assert path in paths or any(p.startswith(path.rsplit(".", 1)[0]) for p in paths), (paths, path)
        for p in exc.problems:
            assert p.file == "edge.yaml" and p.expected
        return
    assert value == "0", f"{path}={value} was accepted"
    results = planner.evaluate(plan)  # zero where zero is allowed must still evaluate
    assert results.gpus == 32
    assert dataclasses.is_dataclass(results)
    assert isinstance(plan, Plan)
