"""The package as a user installs it: build the wheel, install it into a fresh virtual
environment outside the repository, and run the command from there. Presets and catalog ship
inside the wheel (presets/ is installed as planner.preset_plans, see pyproject.toml).

Needs pip to reach an index (PyPI, or pip's cache behind it) for numpy, PyYAML and ruamel.yaml, and
setuptools for the build: when it cannot, the test fails saying so; it never skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

import planner
from planner.errors import PlanError
from tests.conftest import PRESETS, ROOT

presets_module = sys.modules["planner.presets"]  # planner.presets the attribute is the function

SOURCES = ("pyproject.toml", "README.md", "planner", "ui", "presets")


def _run(cmd: list[str], cwd: Path, what: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"{what} failed (exit {done.returncode}): {' '.join(map(str, cmd))}\n"
                    f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}", pytrace=False)
    return done


def _no_isolation() -> bool:
    """Build with this environment's setuptools when it can (no download, faster): it needs the
    version pyproject.toml asks for, and bdist_wheel (setuptools >= 70.1 has it, older needs wheel)."""
    try:
        have = tuple(int(x) for x in version("setuptools").split(".")[:2])
    except Exception:  # noqa: BLE001 - not installed, or an odd version string: let pip build in isolation
        return False
    if have < (68, 0):
        return False
    try:
        version("wheel")
        return True
    except Exception:  # noqa: BLE001
        return have >= (70, 1)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(wheel, bin folder of the fresh environment, a working folder outside the repository)."""
    top = tmp_path_factory.mktemp("wheel")
    assert not top.resolve().is_relative_to(ROOT), "the fresh environment must live outside the repository"
    src = top / "src"  # a copy: building in the checkout would leave build/ (and its stale files) behind
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    build = [*pip, "wheel", "--no-deps", "-w", str(top / "dist"), str(src)]
    if _no_isolation():
        build.insert(build.index("--no-deps"), "--no-build-isolation")
    _run(build, top, "building the wheel (pip wheel; with build isolation pip must reach an index for setuptools)")
    (wheel,) = (top / "dist").glob("cluster_planner-*.whl")
    env = top / "env"
    venv.create(env, with_pip=False)  # pip runs from here, into it (--python): no pip to install there
    bindir = env / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run([*pip, "--python", str(python), "install", str(wheel)], top,
         "installing the wheel and numpy, PyYAML, ruamel.yaml into a fresh environment "
         "(pip must reach PyPI or an index that has them)")
    work = top / "work"
    work.mkdir()
    return wheel, bindir, work


def test_presets_are_found_through_the_installed_package():
    assert presets_module.presets_dir().resolve() == PRESETS.resolve()  # editable: the folder itself
    assert sorted(planner.presets()) == sorted(p.stem for p in PRESETS.glob("*.yaml"))
    assert planner.preset_path("selene").name == "selene.yaml"


def test_without_the_package_the_checkout_folder_is_used(monkeypatch):
    monkeypatch.setattr(presets_module, "PACKAGE", "planner.no_such_presets")
    assert presets_module.presets_dir() == presets_module.SOURCE_DIR
    assert len(planner.presets()) == 8


def test_missing_presets_say_why(monkeypatch, tmp_path):
    monkeypatch.setattr(presets_module, "PACKAGE", "planner.no_such_presets")
    monkeypatch.setattr(presets_module, "SOURCE_DIR", tmp_path / "presets")
    with pytest.raises(PlanError) as err:
        planner.presets()
    assert str(err.value) == (
        f"1 problem in plan:\n  {tmp_path / 'presets'}: expected the built-in preset plans (presets/*.yaml), "
        "found none: package planner.no_such_presets is not installed, and there is no presets/ folder beside "
        "the package; reinstall cluster-planner")


def test_an_empty_presets_folder_is_an_error_not_an_empty_list(monkeypatch, tmp_path):
    monkeypatch.setattr(presets_module, "PACKAGE", "planner.no_such_presets")
    monkeypatch.setattr(presets_module, "SOURCE_DIR", tmp_path)
    with pytest.raises(PlanError, match="found a folder without any; reinstall cluster-planner"):
        planner.presets()


def _package_folders() -> list[str]:
    """Every folder under planner/ and ui/ holding Python modules, as a dotted package name."""
    found = []
    for top in ("planner", "ui"):
        for init in sorted((ROOT / top).rglob("*.py")):
            if "__pycache__" not in init.parts:
                found.append(".".join(init.parent.relative_to(ROOT).parts))
    return sorted(set(found))


def test_pyproject_lists_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = config.get("tool", {}).get("setuptools", {}).get("packages", [])
    missing = sorted(set(_package_folders()) - set(listed))
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml, or the wheel lacks them"
    assert "planner.preset_plans" in listed


def test_wheel_holds_every_module_preset_and_catalog_file(installed):
    wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {p.relative_to(ROOT).as_posix() for top in ("planner", "ui") for p in (ROOT / top).rglob("*.py")
                if "__pycache__" not in p.parts}
    expected |= {f"planner/catalog/{p.name}" for p in (ROOT / "planner" / "catalog").glob("*.yaml")}
    expected |= {f"planner/preset_plans/{p.name}" for p in PRESETS.glob("*.yaml")}
    expected.add("planner/perf/residuals.json")  # the error bars' residuals (planner/perf/intervals.py)
    assert len(expected) > 60
    assert sorted(expected - names) == []


def test_installed_command_lists_every_preset(installed):
    _, bindir, work = installed
    where = _run([str(bindir / "python"), "-c", "import planner; print(planner.__file__)"], work, "importing planner")
    assert "site-packages" in where.stdout and not Path(where.stdout.strip()).is_relative_to(ROOT)
    out = _run([str(bindir / "cluster-planner"), "presets"], work, "cluster-planner presets").stdout
    names = [line.split()[0] for line in out.splitlines()]
    assert names == sorted(p.stem for p in PRESETS.glob("*.yaml"))
    assert len(names) == 8
    assert "meta-rsc                 Meta AI Research SuperCluster" in out.splitlines()


def test_installed_command_evaluates_a_preset(installed):
    _, bindir, work = installed
    out = _run([str(bindir / "cluster-planner"), "evaluate", "meta-rsc"], work, "cluster-planner evaluate").stdout
    lines = out.splitlines()
    assert lines[0] == "Meta AI Research SuperCluster"
    assert "Accelerators            16,000" in lines
    assert "Nodes                   2,000" in lines
