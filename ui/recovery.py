"""Crash recovery: while the plan has unsaved edits, a copy is written every few seconds to the
user's state folder (platformdirs); a normal save, or closing without saving, removes it. After
a crash the next start finds the copy and offers to restore it.

A copy is YAML with one header line of metadata: the file it belongs to, when it was written
and by which process (a copy whose process is still running belongs to another open window and
is not offered)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

import planner
from planner.atomic import write_text
from planner.errors import PlanError

HEADER = "# cluster-planner recovery: "
INTERVAL_MS = 3000


def state_dir() -> Path:
    folder = os.environ.get("CLUSTER_PLANNER_STATE_DIR")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_state_dir("cluster-planner", appauthor=False))


@dataclass(frozen=True)
class Recovered:
    copy: Path
    plan: planner.Plan
    original: Path | None
    written: str


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


@dataclass(frozen=True)
class Scan:
    found: list  # Recovered copies to offer, newest first
    set_aside: list  # malformed copies moved to the set-aside folder (nothing is deleted unread)
    folder: Path  # where malformed copies go


def _header(text: str) -> dict:
    """The metadata of a copy; ValueError when its header is missing or malformed."""
    if not text.startswith(HEADER):
        raise ValueError("no recovery header")
    meta = json.loads(text.split("\n", 1)[0][len(HEADER):])
    if not isinstance(meta, dict):
        raise ValueError("header is not a mapping")
    pid, path, written = meta.get("pid"), meta.get("path"), meta.get("written", "")
    if type(pid) is not int or not 0 < pid < 2**31:
        raise ValueError(f"pid {pid!r}")
    if not (path is None or isinstance(path, str) and path and "\0" not in path):
        raise ValueError(f"path {path!r}")
    if not isinstance(written, str):
        raise ValueError(f"written {written!r}")
    return meta


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def scan(folder: Path | None = None) -> Scan:
    """Recovery copies left by processes that are gone, newest first. A copy that cannot be read
    (malformed header, truncated, binary, not a plan) is moved aside, never offered nor fatal."""
    folder = (folder or state_dir()) / "recovery"
    aside_folder = folder / "set-aside"
    found, aside = [], []
    copies = sorted(folder.glob("*.yaml"), key=_mtime, reverse=True) if folder.is_dir() else []
    for copy in copies:
        try:
            if not copy.is_file():
                continue
            text = copy.read_bytes().decode("utf-8")
            meta = _header(text)
            if _alive(meta["pid"]):
                continue
            plan = planner.loads(text, str(copy))
        except OSError:
            continue  # gone meanwhile, or unreadable now: leave it for another time
        except (ValueError, PlanError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            moved = _set_aside(copy, aside_folder)
            if moved is not None:
                aside.append(moved)
            continue
        original = Path(meta["path"]) if meta.get("path") else None
        found.append(Recovered(copy, plan, original, meta.get("written", "")))
    return Scan(found, aside, aside_folder)


def _set_aside(copy: Path, aside_folder: Path) -> Path | None:
    try:
        aside_folder.mkdir(parents=True, exist_ok=True)
        target = aside_folder / copy.name
        n = 1
        while target.exists():
            target = aside_folder / f"{copy.stem}-{n}{copy.suffix}"
            n += 1
        os.replace(copy, target)
        return target
    except OSError:
        return None


def find(folder: Path | None = None) -> list[Recovered]:
    """Recovery copies left by processes that are gone, newest first; unreadable ones set aside."""
    return scan(folder).found


class RecoveryKeeper(QObject):
    """Keeps the recovery copy of one document."""

    def __init__(self, document, folder: Path | None = None, interval_ms: int = INTERVAL_MS, parent=None):
        super().__init__(parent or document)
        self.document = document
        self.folder = (folder or state_dir()) / "recovery"
        self._untitled = f"untitled-{os.getpid()}-{id(document):x}"
        self._copy: Path | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.write_now)
        document.modified_changed.connect(self._on_document_modified_changed)
        document.path_changed.connect(self._on_document_path_changed)

    def copy_path(self) -> Path:
        path = self.document.path
        key = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16] if path else self._untitled
        return self.folder / f"{key}.yaml"

    def _on_document_modified_changed(self, modified: bool) -> None:
        if modified:
            self.timer.start()
        else:
            self.timer.stop()
            self.remove()

    def _on_document_path_changed(self, _path) -> None:
        if self._copy is not None and self._copy != self.copy_path():
            self.remove()

    def write_now(self) -> None:
        """Write the copy now (the timer calls this every few seconds while there are unsaved edits)."""
        if not self.document.modified:
            return
        meta = {"path": str(self.document.path.resolve()) if self.document.path else None, "pid": os.getpid(),
                "written": _dt.datetime.now().isoformat(timespec="seconds")}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            copy = self.copy_path()
            write_text(copy, HEADER + json.dumps(meta) + "\n" + planner.dumps(self.document.plan))
            self._copy = copy
        except OSError:
            pass  # a recovery copy is a courtesy: never interrupt the user for it

    def remove(self) -> None:
        for copy in {self._copy, self.copy_path()} - {None}:
            try:
                copy.unlink()
            except OSError:
                pass
        self._copy = None
