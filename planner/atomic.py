"""Atomic file writes: a temporary file in the same folder, flushed to disk, renamed over the
target, the folder flushed too. A reader, a crash or a power cut sees the old file or the new
one, never half of either. The previous version is kept beside it as ``NAME~``."""

from __future__ import annotations

import glob
import os
import tempfile
import time
from pathlib import Path


def backup_path(path) -> Path:
    path = Path(path)
    return path.with_name(path.name + "~")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _write_temp(folder: Path, name: str, data: bytes, mode: int) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return tmp


STALE_TEMPORARY_S = 600.0


def remove_stale_temporaries(path) -> int:
    """Delete temporary files of saves to ``path`` that were killed mid-write (older than ten
    minutes, so never one a running save is still writing). Returns how many."""
    path = Path(path)
    now = time.time()
    removed = 0
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if now - tmp.stat().st_mtime > STALE_TEMPORARY_S:
                tmp.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def write_text(path, text: str, backup: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; with ``backup``, the file it replaces is kept as
    ``path~`` (itself written atomically). OSError says why a write failed; nothing partial is
    left behind and the target is untouched."""
    path = Path(path)
    folder = path.parent
    data = text.encode("utf-8")
    remove_stale_temporaries(path)
    try:
        mode = path.stat().st_mode & 0o777
        old = path.read_bytes() if backup else None
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
        old = None
    tmp = _write_temp(folder, path.name, data, mode)
    try:
        if old is not None and old != data:
            bak = _write_temp(folder, path.name + "~", old, mode)
            try:
                os.replace(bak, backup_path(path))
            except BaseException:
                Path(bak).unlink(missing_ok=True)
                raise
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(folder)
