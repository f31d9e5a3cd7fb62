import json
import subprocess
import sys

import pytest

from planner.cli import main
from tests.conftest import PRESETS, ROOT

RSC = str(PRESETS / "meta-rsc.yaml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_evaluate_table(capsys):
    code, out, _ = run(capsys, "evaluate", RSC)
    assert code == 0
    assert "16,000" in out and "4.992 EFLOP/s" in out and "17.36 h" in out


def test_evaluate_json_keys(capsys):
    code, out, _ = run(capsys, "evaluate", RSC, "--format", "json")
    data = json.loads(out)
    assert data["gpus"] == 16_000 and data["nodes"] == 2000
    assert data["peak_flops"]["bf16"] == pytest.approx(4.992e18)
    assert {"it_w", "it_max_w", "facility_w", "accelerators_w", "network_w", "storage_w"} <= set(data["power"])
    assert [p["name"] for p in data["phases"]] == ["Phase 1", "Phase 2"]
    assert {"name", "online", "gpus", "peak_flops", "power"} <= set(data["phases"][0])
    assert data["phases"][0]["online"] == "2022-01-24"
    assert {"capacity_bytes", "read_bandwidth_bytes_per_s"} <= set(data["storage"])
    assert {"levels", "switches", "bisection_bandwidth_bytes_per_s"} <= set(data["network"])
    w = data["workloads"][0]
    for key in ("name", "gpus", "total_flops", "compute_time_s", "io_time_s", "time_s", "bound", "gpu_hours",
                "energy_j", "emissions_kg", "cost_usd"):
        assert key in w
    assert {"capex_usd", "opex_usd_per_year"} <= set(data["cost"])
    assert all({"code", "message"} <= set(x) for x in data["warnings"])


def test_evaluate_markdown(capsys):
    code, out, _ = run(capsys, "evaluate", RSC, "--format", "markdown")
    assert code == 0 and out.startswith("# Meta AI Research SuperCluster") and "| Accelerators | 16,000 |" in out


def test_preset_by_name(capsys):
    code, out, _ = run(capsys, "evaluate", "selene")
    assert code == 0 and "4,480" in out


def test_validate_bad_plan_exits_1_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nphases:\n  - name: A\n    nodes: [{system: dgx-a1000, count: -2}]\n")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 1
    assert f"{bad}:4:" in err and "count" in err
    assert "Traceback" not in err


def test_validate_ok(capsys):
    assert run(capsys, "validate", RSC)[0] == 0


def test_presets_and_catalog(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0 and "meta-rsc" in out and "selene" in out
    code, out, _ = run(capsys, "catalog", "accelerators", "--sources")
    assert code == 0 and "h100-sxm" in out and "source:" in out


def test_cli_does_not_import_qt():
    code = (
        "import sys, io, contextlib\n"
        "from ui.launcher import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['evaluate', {RSC!r}, '--format', 'json'])\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_import_contracts():
    """The import-linter contracts in pyproject.toml: planner/ never imports PySide6, pyqtgraph or
    ui; ui reads planner's public API only (no planner.model, planner.perf, planner.kinds, ...);
    planner's layers (cli > report > views > evaluation > loading > validation > plan > kinds >
    perf > model) hold."""
    exe = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
           "sys.exit(lint_imports_command())"]
    out = subprocess.run(exe, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 kept, 0 broken" in out.stdout
    assert "Views read results" in out.stdout and "planner's layers" in out.stdout


def test_ui_contract_catches_a_view_reaching_into_the_model(tmp_path):
    """The 'views read results' contract is real: a ui module importing planner.model breaks it."""
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "ui", copy / "ui")
    shutil.copytree(ROOT / "planner", copy / "planner")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "ui" / "sneaky.py").write_text("from planner.model.cluster import phase_result\n")
    exe = [sys.executable, "-c", "import sys; sys.path.insert(0, '.'); "
           "from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]
    out = subprocess.run(exe, capture_output=True, text=True, cwd=copy)
    assert out.returncode != 0
    assert "ui.sneaky -> planner.model.cluster" in out.stdout
