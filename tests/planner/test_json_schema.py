"""`cluster-planner schema`: the plan format as JSON Schema (draft 2020-12), from the same field
specs as the loader. Every preset and the built-in catalog validate against it with the
jsonschema library; broken plans are rejected by it as by the loader."""

import datetime as dt
import json

import jsonschema
import pytest
import yaml

import planner
from planner.catalog import CATALOG_DIR, KINDS
from planner.cli import main
from planner.json_schema import plan_schema
from tests.conftest import PRESETS, ROOT

SCHEMA = plan_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def as_editor_sees(data):
    """YAML data as an editor's YAML server hands it to the schema: dates are text."""
    if isinstance(data, dict):
        return {str(k): as_editor_sees(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_editor_sees(v) for v in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def errors(text: str) -> list[tuple[str, str]]:
    data = as_editor_sees(yaml.safe_load(text))
    return sorted((e.json_path, e.message) for e in VALIDATOR.iter_errors(data))


def test_the_schema_is_draft_2020_12_and_covers_every_section():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    defs = SCHEMA["$defs"]
    assert {"Plan", "Phase", "NodeGroup", "StorageTier", "Network", "Facility", "Costs", "TrainingWorkload",
            "ModelShape", "Parallelism", "Dataset", "Accelerator", "System", "Fabric", "Cooling"} <= set(defs)
    assert defs["Plan"]["required"] == ["name", "phases"]
    pue = defs["Facility"]["properties"]["pue"]
    assert pue["anyOf"][0] == {"type": "number", "minimum": 1.0, "maximum": 5.0}
    assert defs["Costs"]["properties"]["systems_depreciation"]["default"] == "4 years"
    assert "dgx-a100" in defs["NodeGroup"]["properties"]["system"]["examples"]  # completion of catalog ids
    assert defs["Network"]["properties"]["topology"]["enum"] == ["fat-tree", "rail-optimized"]


@pytest.mark.parametrize("path", sorted(PRESETS.glob("*.yaml")) + [ROOT / "tests/fixtures/format-1.yaml",
                                                                    ROOT / "tests/fixtures/hand-written.yaml"],
                         ids=lambda p: p.name)
def test_every_preset_validates(path):
    assert errors(path.read_text()) == []
    planner.load(path)  # and the loader agrees


def test_the_built_in_catalog_validates_as_catalog_entries():
    entries = {"$ref": "#/$defs/CatalogEntries", "$defs": SCHEMA["$defs"]}
    validator = jsonschema.Draft202012Validator(entries)
    for kind in KINDS:
        data = yaml.safe_load((CATALOG_DIR / f"{kind}.yaml").read_text())
        assert list(validator.iter_errors({kind: data})) == []


BROKEN = """\
name: broken
phases:
  - name: A
    nodes: [{system: dgx-a100, count: -2, sytem: x}]
    storage: [{name: flash, capacity: 175 PW}]
facility: {pue: 0.9, electricity_price: 3 kg}
costs: {facility_price: 150 USD/kW-month, maintenance: 2}
workloads:
  - {name: run, kind: servng, parameters: 1e9}
  - {name: run2, parameters: 7e9, tokens: 1T, achieved_flops: 140 TFLOP/s per GPU, gpus: 1.5}
"""


def test_a_broken_plan_is_rejected_by_the_schema_and_the_loader():
    found = errors(BROKEN)
    paths = [p for p, _ in found]
    assert ("$.phases[0].nodes[0]", "Additional properties are not allowed ('sytem' was unexpected)") in found
    assert "$.phases[0].nodes[0].count" in paths  # -2 is not > 0
    assert "$.phases[0].storage[0].capacity" in paths  # PW is no unit of size
    assert "$.facility.pue" in paths and "$.facility.electricity_price" in paths
    assert "$.costs.maintenance" in paths and "$.costs.facility_price" not in paths
    assert ("$.workloads[0].kind", "'servng' is not one of ['training', 'serving']") in found
    assert "$.workloads[1].gpus" in paths  # a whole number
    assert not any(p.startswith("$.workloads[1].") and p != "$.workloads[1].gpus" for p in paths)  # 1T, per GPU: fine
    with pytest.raises(planner.PlanError) as err:
        planner.loads(BROKEN)
    loader = {p.path for p in err.value.problems}
    assert {"phases[0].nodes[0].count", "phases[0].nodes[0].sytem", "phases[0].storage[0].capacity",
            "facility.pue", "facility.electricity_price", "costs.maintenance", "workloads[0].kind"} <= loader


@pytest.mark.parametrize("field,text,ok", [
    ("capacity", "175 PB", True), ("capacity", "1.5 TiB", True), ("capacity", "175 PW", False),
    ("capacity", 1e18, True), ("capacity", "lots", False), ("read_bandwidth", "200 Gb/s", True),
    ("read_bandwidth", "2 TB / s", True), ("price", "1.2 M USD", True), ("price", "1,200,000 USD", True),
])
def test_quantities_are_numbers_or_text_with_a_unit_of_their_dimension(field, text, ok):
    tier = {"name": "t", "capacity": "1 PB", field: text}
    valid = jsonschema.Draft202012Validator({"$ref": "#/$defs/StorageTier", "$defs": SCHEMA["$defs"]}).is_valid(tier)
    assert valid == ok


def test_schema_command_prints_and_writes_it(capsys, tmp_path):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(SCHEMA))
    out = tmp_path / "plan.schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(json.dumps(SCHEMA))
