"""Preferences, window layout and recent files (QSettings). Tests point it at a temporary
folder with CLUSTER_PLANNER_SETTINGS_DIR so they never touch the user's settings."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 8


def settings() -> QSettings:
    folder = os.environ.get("CLUSTER_PLANNER_SETTINGS_DIR")
    if folder:
        return QSettings(str(Path(folder) / "cluster-planner.ini"), QSettings.Format.IniFormat)
    return QSettings("ClusterPlanner", "Cluster Planner")


def recent_files() -> list[str]:
    value = settings().value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent_file(path: str) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    files = files[:MAX_RECENT]
    settings().setValue("recent_files", files)
    return files
