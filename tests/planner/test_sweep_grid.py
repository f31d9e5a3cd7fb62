"""Grid sweeps (planner.sweep.grid, `cluster-planner sweep`): values read with the field's own
units, one row per point with the figures planner.evaluate gives for the plan edited by hand,
refused points as rows with their reason, in process and on a real Dask LocalCluster."""

import math
import subprocess
import sys

import pandas
import pytest

import planner
import planner.sweep as sweep
from planner import edit
from planner.cli import main
from planner.sweep_points import parse_set
from tests.conftest import PRESETS, ROOT

RSC = PRESETS / "meta-rsc.yaml"
YEAR = 365 * 86400


@pytest.fixture(scope="module")
def plan():
    return planner.load(RSC)


def test_values_are_read_with_the_fields_units(plan):
    assert parse_set(plan, "phases[1].nodes[0].count=500:2000:500").values == (500, 1000, 1500, 2000)
    assert parse_set(plan, "facility.pue=1.1:1.3:0.1").values == pytest.approx((1.1, 1.2, 1.3))
    a = parse_set(plan, "costs.systems_depreciation=3 years:5 years:1 year")
    assert (a.column, a.path, a.values) == ("costs.systems_depreciation", ("costs", "systems_life_s"),
                                            (3 * YEAR, 4 * YEAR, 5 * YEAR))
    price = parse_set(plan, "facility.electricity_price=0.05 USD/kWh, 0.1 USD/kWh").values
    assert price == pytest.approx((0.05 / 3.6e6, 0.1 / 3.6e6))
    assert parse_set(plan, "network.fabric=infiniband-hdr,roce-400g").values == ("infiniband-hdr", "roce-400g")
    assert parse_set(plan, "workloads[0].model.layers=96").path == ("workloads", 0, "model", "layers")


@pytest.mark.parametrize("text,message", [
    ("facility.pue=0.9", "--set: facility.pue: expected a number >= 1, found '0.9'"),
    ("facility.pu=1.2", "--set: facility.pu: expected one of the keys pue, cooling,"),
    ("phases[3].nodes[0].count=5", "--set: phases[3]: expected an entry of the plan's phases (2 there), found 3"),
    ("phases[0].storage[0].capacity=5 GW", "--set: phases[0].storage[0].capacity: expected a unit of size"),
    ("facility.pue=1.5:1.1:0.1", "expected a range START:STOP:STEP with START <= STOP"),
    ("phases[0].nodes=4", "expected a field holding a value (a number, a quantity, an id or a choice), found nodes"),
    ("facility.pue", "expected PATH=VALUES"),
])
def test_refused_values_stop_the_sweep_before_it_runs(plan, text, message):
    with pytest.raises(planner.PlanError) as err:
        parse_set(plan, text)
    assert message in str(err.value)


def test_every_combination_is_a_row_equal_to_the_plan_edited_by_hand(plan):
    table = sweep.grid(plan, ["phases[1].nodes[0].count=1000,1240", "facility.pue=1.1,1.3",
                              "costs.systems_depreciation=4 years:5 years:1 year"], scheduler="local")
    assert list(table.columns[:3]) == ["phases[1].nodes[0].count", "facility.pue", "costs.systems_depreciation"]
    assert table.columns[-1] == "error" and table["error"].isna().all()
    assert len(table) == 8
    assert list(table["phases[1].nodes[0].count"]) == [1000] * 4 + [1240] * 4  # the last set varies fastest
    assert list(table["gpus"]) == [(760 + 1000) * 8] * 4 + [16_000] * 4
    by_hand = edit.set_field(edit.set_field(edit.set_field(plan, ("phases", 1, "nodes", 0, "count"), 1000),
                                            ("facility", "pue"), 1.3), ("costs", "systems_life_s"), 5 * YEAR)
    row = table.iloc[3]
    expected = planner.evaluate(by_hand).to_frame().iloc[0]
    for column, value in expected.items():
        assert row[column] == value or (value is None and pandas.isna(row[column])), column
    assert row["facility_power_w"] == pytest.approx(planner.evaluate(by_hand).power.it_w * 1.3)
    # the preset's 2,000 DGX A100 over 5 years, the fabric over 6, 5% maintenance, 14.8 MW at 0.07 USD/kWh
    assert table.iloc[7]["usd_per_gpu_hour"] == pytest.approx(
        (398e6 / 5 + 84.4e6 / 6 + 0.05 * 482.4e6 + 11.3904e6 * 1.3 * 8760 * 0.07e-3)
        / (16_000 * 8760))


def test_a_refused_point_is_a_row_with_the_reason(plan):
    table = sweep.grid(plan, ["network.fabric=infiniband-hdr,nope", "workloads[1].gpus=1024,100000"],
                       scheduler="local")
    assert len(table) == 4 and table["error"].notna().sum() == 2
    bad = table[table["network.fabric"] == "nope"]
    assert bad["error"].str.startswith("network.fabric: expected a fabric id from the catalog").all()
    assert bad["gpus"].isna().all()
    ok = table.iloc[1]  # 100,000 GPUs on phase 1: a warning, not an error
    assert ok["workloads[1].gpus"] == 100_000 and math.isfinite(ok["workloads[1].time_s"])


def test_results_to_frame_is_one_row_of_headline_figures(plan):
    r = planner.evaluate(plan)
    frame = r.to_frame()
    assert frame.shape[0] == 1
    row = frame.iloc[0]
    assert row["gpus"] == 16_000 and row["peak_bf16_flops"] == pytest.approx(4.992e18)
    assert row["usd_per_gpu_hour"] == pytest.approx(r.tco.usd_per_gpu_hour)
    assert row["workloads[2].name"] == "One pass over an exabyte" and row["workloads[2].bound"] == "storage"
    assert row["workloads[1].tco_usd_per_million_tokens"] == pytest.approx(r.tco.workloads[1].usd_per_million_tokens)


def test_a_real_dask_cluster_gives_the_same_table(plan):
    from distributed import LocalCluster

    sets = ["phases[1].nodes[0].count=500:2000:100", "facility.pue=1.1:1.5:0.1", "network.fabric=infiniband-hdr,nope"]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        on_dask = sweep.grid(plan, sets, scheduler=cluster.scheduler_address)
    assert len(on_dask) == 16 * 5 * 2 == 160
    pandas.testing.assert_frame_equal(on_dask, sweep.grid(plan, sets, scheduler="local"))
    assert on_dask["error"].notna().sum() == 80


def test_sweep_command_writes_parquet_and_csv(tmp_path, capsys):
    out = tmp_path / "r.parquet"
    code = main(["sweep", str(RSC), "--set", "facility.pue=1.1,1.2", "--set", "network.fabric=infiniband-hdr,nope",
                 "-o", str(out), "--quiet"])
    assert code == 0
    assert capsys.readouterr().out.startswith(f"wrote 4 points to {out} (2 refused) in ")
    back = pandas.read_parquet(out)
    assert list(back["facility.pue"]) == [1.1, 1.1, 1.2, 1.2] and back["error"].notna().sum() == 2
    # CSV: names a spreadsheet would run as formulas are written as text
    named = tmp_path / "named.yaml"
    named.write_text(RSC.read_text().replace("name: GPT-3 175B on all GPUs", "name: '=HYPERLINK(1)'"))
    csv = tmp_path / "r.csv"
    assert main(["sweep", str(named), "--set", "facility.pue=1.1", "-o", str(csv), "--quiet"]) == 0
    assert ",'=HYPERLINK(1)," in csv.read_text()
    assert main(["sweep", str(RSC), "--set", "facility.pue=1.1", "-o", str(tmp_path / "r.txt")]) == 1
    assert "-o needs a .parquet or .csv file" in capsys.readouterr().err
    assert main(["sweep", str(RSC), "--set", "facility.pue=0.5", "-o", str(csv)]) == 1
    assert "facility.pue: expected a number >= 1, found '0.5'" in capsys.readouterr().err


def test_the_command_line_loads_no_pandas_dask_or_jsonschema_at_start_up():
    code = (
        "import sys, io, contextlib\n"
        "from ui.launcher import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['evaluate', {str(RSC)!r}, '--format', 'json'])\n"
        "    main(['schema'])\n"
        "heavy = ('pandas', 'pyarrow', 'dask', 'distributed', 'jsonschema')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_the_dask_scheduler_starts_and_stops_its_own_local_cluster(plan):
    import threading

    before = threading.active_count()
    table = sweep.grid(plan, ["facility.pue=1.1:1.5:0.1", "network.oversubscription=1,2"], scheduler="dask",
                       workers=2)
    assert list(table["network.oversubscription"]) == [1, 2] * 5
    full, half = table.iloc[::2], table.iloc[1::2]
    assert list(full["facility_power_w"]) == pytest.approx([11.3904e6 * p for p in (1.1, 1.2, 1.3, 1.4, 1.5)])
    assert (half["facility_power_w"].values < full["facility_power_w"].values).all()  # fewer spine switches
    assert threading.active_count() <= before + 1  # the cluster and its client are closed again


def test_custom_hardware_by_id_and_the_reason_set_field_gives():
    text = RSC.read_text().replace("phases:\n", "catalog:\n  systems:\n    my-node: {accelerator: a100-80gb, "
                                   "accelerators: 8, max_power: 6.5 kW, price: 150000 USD}\nphases:\n", 1)
    plan = planner.loads(text.replace("system: dgx-a100, count: 1240", "system: my-node, count: 1240"))
    table = sweep.grid(plan, ["catalog.systems.my-node.price=100000,200000"], scheduler="local")
    assert list(table["capex_usd"].diff().dropna()) == [1240 * 100_000]
    # a layout needs a model shape: the point says so, as the editor would
    refused = sweep.grid(plan, ["workloads[0].parallelism.tensor=8"], scheduler="local")
    assert list(refused["error"]) == ["workloads[0].parallelism: expected a model shape with a parallel layout, "
                                      "found no model"]
