"""The built-in plans of real clusters, in the repository's ``presets/`` folder."""

from __future__ import annotations

from pathlib import Path

PRESETS_DIR = Path(__file__).resolve().parent.parent / "presets"
DEFAULT = "meta-rsc"


def presets() -> dict[str, Path]:
    """Preset name -> path, sorted by name."""
    if not PRESETS_DIR.is_dir():
        return {}
    return {p.stem: p for p in sorted(PRESETS_DIR.glob("*.yaml"))}


def preset_path(name: str = DEFAULT) -> Path:
    """Path of a built-in plan by name (``meta-rsc``); KeyError listing the names otherwise."""
    found = presets()
    if name not in found:
        raise KeyError(f"no preset '{name}'; built-in presets: {', '.join(found) or 'none'}")
    return found[name]
