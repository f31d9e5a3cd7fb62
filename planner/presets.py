"""The built-in plans of real clusters.

They live in the repository's top-level ``presets/`` folder, which pyproject.toml installs as the
package ``planner.preset_plans``: a wheel carries the files, an editable install reads the folder
itself. Found through importlib.resources; a source checkout that is not installed (or a wheel's
``planner`` shadowed by the checkout in the working directory) falls back to the folder beside
the package. Missing presets are a broken installation: PlanError says where we looked.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import PlanError, Problem

PACKAGE = "planner.preset_plans"
SOURCE_DIR = Path(__file__).resolve().parent.parent / "presets"  # the checkout's own folder
DEFAULT = "meta-rsc"


def presets_dir() -> Path:
    """The folder holding the preset plans; PlanError saying why if there is none."""
    try:
        found = resources.files(PACKAGE)
    except ModuleNotFoundError:
        found = None
    if isinstance(found, Path) and found.is_dir():
        return found
    if SOURCE_DIR.is_dir():
        return SOURCE_DIR
    where = f"package {PACKAGE} is {'not installed' if found is None else f'not a folder on disk ({found})'}"
    raise PlanError([Problem(str(SOURCE_DIR), None, None, "", "the built-in preset plans (presets/*.yaml)",
                             f"none: {where}, and there is no presets/ folder beside the package; "
                             "reinstall cluster-planner")])


def presets() -> dict[str, Path]:
    """Preset name -> path, sorted by name; PlanError if the installation has none."""
    folder = presets_dir()
    found = {p.stem: p for p in sorted(folder.glob("*.yaml"))}
    if not found:
        raise PlanError([Problem(str(folder), None, None, "", "the built-in preset plans (*.yaml)",
                                 "a folder without any; reinstall cluster-planner")])
    return found


def preset_path(name: str = DEFAULT) -> Path:
    """Path of a built-in plan by name (``meta-rsc``); KeyError listing the names otherwise."""
    found = presets()
    if name not in found:
        raise KeyError(f"no preset '{name}'; built-in presets: {', '.join(found)}")
    return found[name]
