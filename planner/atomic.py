"""Safe file writes: a temporary file in the same folder, flushed to disk, renamed over the
target, the folder flushed too. A reader, a crash or a power cut sees the old file or the new
one, never half of either. The previous version is kept beside it as ``NAME~``.

What is written to is the file a person means:

- a symbolic link is followed: its target is written and the link stays a link;
- a file with several hard links is rewritten in place (after its backup is safely on disk), so
  every name keeps pointing at the same file. The trade-off: that one write is not atomic; a
  crash in the middle of it can leave the file cut short, with the whole previous version in
  ``NAME~``. Replacing it atomically would silently split the links instead;
- a directory, named pipe (FIFO), socket or device is never opened nor replaced (OSError);
- a read-only file is refused (ReadOnlyFileError) unless the caller says
  ``overwrite_readonly=True`` (after asking the person); the new file stays read-only.

Temporaries carry our own marker in their names (``.NAME.cluster-planner-save-XXXXXXXX.tmp``),
so only files this planner created are ever cleared.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path

MARKER = "cluster-planner-save-"


class ReadOnlyFileError(PermissionError):
    """The target is read-only; writing it needs the person's say-so (``overwrite_readonly``)."""


def backup_path(path) -> Path:
    path = Path(path)
    return path.with_name(path.name + "~")


def kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    for test, words in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                        (stat.S_ISBLK, "a block device")):
        if test(mode):
            return words
    return None if stat.S_ISREG(mode) else "not a regular file"


def not_a_file(path, mode: int) -> OSError:
    words = kind_of(mode)
    code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
    return OSError(code, f"it is {words}, not a regular file", str(path))


def resolve_target(path) -> Path:
    """The file a write to ``path`` should change: a symbolic link's final target, else ``path``."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


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
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.{MARKER}", suffix=".tmp", dir=folder)
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
    """Delete our own temporary files of saves to ``path`` that were killed mid-write (older
    than ten minutes, so never one a running save is still writing; only names with our marker,
    so never a file someone else made). Returns how many."""
    path = Path(path)
    ours = re.compile(rf"\.{re.escape(path.name)}\.{MARKER}[A-Za-z0-9_]{{8}}\.tmp\Z")
    now = time.time()
    removed = 0
    try:
        names = os.listdir(path.parent or ".")
    except OSError:
        return 0
    for name in names:
        if not ours.match(name):
            continue
        tmp = path.parent / name
        try:
            st = tmp.lstat()
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_TEMPORARY_S:
                tmp.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file, opened without blocking (it was a regular file a moment ago)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since: leave it
            raise not_a_file(path, os.fstat(fd).st_mode)
        return fh.read()


def _write_in_place(path: Path, data: bytes, old: bytes | None) -> None:
    """Overwrite a file's contents keeping its inode (hard links). On failure, put ``old`` back."""
    fd = os.open(path, os.O_WRONLY)
    try:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        except BaseException:
            if old is not None:  # best effort: the old text fits where it was
                try:
                    os.lseek(fd, 0, os.SEEK_SET)
                    os.write(fd, old)
                    os.ftruncate(fd, len(old))
                    os.fsync(fd)
                except OSError:
                    pass
            raise
    finally:
        os.close(fd)


def write_text(path, text: str, backup: bool = False, overwrite_readonly: bool = False) -> None:
    """Write ``text`` to ``path`` safely (see the module notes); with ``backup``, the file it
    replaces is kept as ``path~`` (itself written atomically). OSError says why a write failed;
    nothing partial is left behind and the target is untouched."""
    path = resolve_target(path)
    folder = path.parent
    data = text.encode("utf-8")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise not_a_file(path, st.st_mode)
        if not st.st_mode & stat.S_IWUSR and not overwrite_readonly:
            raise ReadOnlyFileError(errno.EACCES, "it is read-only", str(path))
    remove_stale_temporaries(path)
    if st is None:
        umask = os.umask(0)
        os.umask(umask)
        mode, old = 0o666 & ~umask, None
    else:
        mode = st.st_mode & 0o777
        old = _read_regular(path) if backup or st.st_nlink > 1 else None
    if st is not None and st.st_nlink > 1:
        _keep_backup(folder, path, old if backup and old != data else None, mode)
        if old != data:
            _write_in_place(path, data, old)
        return
    tmp = _write_temp(folder, path.name, data, mode)
    try:
        _keep_backup(folder, path, old if backup and old != data else None, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def _keep_backup(folder: Path, path: Path, old: bytes | None, mode: int) -> None:
    if old is None:
        return
    bak = _write_temp(folder, path.name + "~", old, mode)
    try:
        os.replace(bak, backup_path(path))
    except BaseException:
        Path(bak).unlink(missing_ok=True)
        raise
