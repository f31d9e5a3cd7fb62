"""Saves write the file a person means: links followed or kept, special files and directories
refused (never opened), read-only files respected, line endings kept, others' files left alone."""

import os
import shutil
import socket
import stat
import subprocess
import sys

import pytest

import planner
from planner import PlanError, edit
from planner.atomic import ReadOnlyFileError, backup_path
from planner.cli import main
from tests.conftest import PRESETS, ROOT

SELENE = PRESETS / "selene.yaml"


@pytest.fixture
def plan():
    return planner.load(SELENE)


@pytest.fixture
def changed(plan):
    return edit.replace_at(plan, ("facility", "pue"), 1.37)


def copy(tmp_path, name="plan.yaml"):
    target = tmp_path / name
    shutil.copy(SELENE, target)
    return target


def test_save_onto_a_symlink_writes_its_target(tmp_path, changed):
    real = copy(tmp_path, "real.yaml")
    (tmp_path / "sub").mkdir()
    link = tmp_path / "sub" / "link.yaml"
    link.symlink_to("../real.yaml")
    planner.save(changed, link)
    assert link.is_symlink() and os.readlink(link) == "../real.yaml"
    assert planner.load(real) == changed
    assert backup_path(real).read_bytes() == SELENE.read_bytes()  # the backup sits beside the target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.yaml", "real.yaml~", "sub"]


def test_dangling_symlink_creates_its_target(tmp_path, plan):
    link = tmp_path / "link.yaml"
    link.symlink_to("new.yaml")
    planner.save(plan, link)
    assert link.is_symlink() and planner.load(tmp_path / "new.yaml") == plan


def test_save_keeps_hard_links(tmp_path, changed):
    first = copy(tmp_path, "a.yaml")
    second = tmp_path / "b.yaml"
    os.link(first, second)
    inode = first.stat().st_ino
    planner.save(changed, first)
    assert first.stat().st_ino == second.stat().st_ino == inode and first.stat().st_nlink == 2
    assert planner.load(second) == changed
    assert backup_path(first).read_bytes() == SELENE.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_hard_linked_failed_write_puts_the_old_text_back(tmp_path, changed, monkeypatch):
    first = copy(tmp_path, "a.yaml")
    os.link(first, tmp_path / "b.yaml")

    calls = []
    truncate = os.ftruncate

    def no_space_once(fd, length):  # the new text fails mid-write; putting the old one back works
        calls.append(length)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        truncate(fd, length)

    monkeypatch.setattr(os, "ftruncate", no_space_once)
    with pytest.raises(OSError, match="No space"):
        planner.save(changed, first)
    assert first.read_bytes() == (tmp_path / "b.yaml").read_bytes() == SELENE.read_bytes()
    assert calls[1] == len(SELENE.read_bytes())


def _special(tmp_path, kind):
    path = tmp_path / f"{kind}.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        return path, server
    else:  # a device: a link to /dev/null is enough to prove it is never replaced
        path.symlink_to("/dev/null")
    return path, None


SPECIAL = {"fifo": "a named pipe (FIFO)", "directory": "a directory", "socket": "a socket",
           "device": "a character device"}


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_special_files_are_refused_and_left_alone(tmp_path, plan, kind):
    path, server = _special(tmp_path, kind)
    before = os.stat(path)
    with pytest.raises(OSError) as info:
        planner.save(plan, path)
    assert info.value.strerror == f"it is {SPECIAL[kind]}, not a regular file"
    with pytest.raises(PlanError) as loaded:
        planner.load(path)  # a FIFO must not hang: it is looked at, never opened
    assert loaded.value.problems[0].found == SPECIAL[kind]
    after = os.stat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    if server:
        server.close()


def test_a_real_device_node_is_refused(tmp_path, plan):
    node = tmp_path / "null.yaml"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    with pytest.raises(OSError, match="a character device"):
        planner.save(plan, node)
    assert stat.S_ISCHR(os.stat(node).st_mode)


def test_validate_of_a_fifo_answers_at_once(tmp_path):
    fifo, _ = _special(tmp_path, "fifo")
    result = subprocess.run([sys.executable, "-m", "planner", "validate", str(fifo)], capture_output=True,
                            text=True, timeout=30, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr == f"1 problem in plan:\n  {fifo}: expected a plan file, found a named pipe (FIFO)\n"


def test_read_only_file_needs_an_explicit_override(tmp_path, plan, changed):
    target = copy(tmp_path)
    target.chmod(0o444)
    with pytest.raises(ReadOnlyFileError) as info:
        planner.save(changed, target)
    assert info.value.strerror == "it is read-only"
    assert target.read_bytes() == SELENE.read_bytes() and not backup_path(target).exists()
    planner.save(changed, target, overwrite_readonly=True)
    assert planner.load(target) == changed
    assert stat.S_IMODE(target.stat().st_mode) == 0o444  # still read-only


def test_unchanged_crlf_file_stays_byte_for_byte(tmp_path, plan):
    target = tmp_path / "crlf.yaml"
    target.write_bytes(SELENE.read_bytes().replace(b"\n", b"\r\n"))
    before = target.read_bytes()
    planner.save(plan, target)
    assert target.read_bytes() == before and not backup_path(target).exists()


def test_edited_crlf_file_keeps_crlf(tmp_path, plan, changed):
    target = tmp_path / "crlf.yaml"
    crlf = SELENE.read_bytes().replace(b"\n", b"\r\n")
    target.write_bytes(crlf)
    planner.save(changed, target)
    lf = copy(tmp_path, "lf.yaml")
    planner.save(changed, lf)  # the same edit of the same file with LF endings
    data = target.read_bytes()
    assert data == lf.read_bytes().replace(b"\n", b"\r\n") and data.count(b"\n") == data.count(b"\r\n") > 40
    assert b"  pue: 1.37\r\n" in data and planner.load(target) == changed
    assert backup_path(target).read_bytes() == crlf


def test_saving_a_plan_too_large_to_load_back_is_refused(tmp_path, plan):
    big = edit.replace_at(plan, ("phases",), tuple(
        edit.replace_at(plan, ("phases", 0, "name"), f"{i} " + "x" * 90_000).phases[0] for i in range(60)))
    target = copy(tmp_path)
    with pytest.raises(PlanError) as info:
        planner.save(big, target)
    assert info.value.problems[0].expected.startswith("a plan of at most 5,000,000 bytes")
    assert target.read_bytes() == SELENE.read_bytes()


# -- report -o -----------------------------------------------------------------------------------
def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_never_overwrites_the_plan(tmp_path, capsys):
    target = copy(tmp_path)
    code, out, err = run(capsys, "report", str(target), "-o", str(target))
    assert code == 1 and out == ""
    assert err == f"cluster-planner report: {target} is the plan itself; choose another file (nothing was written)\n"
    assert target.read_bytes() == SELENE.read_bytes()


def test_report_over_another_file_needs_force(tmp_path, capsys):
    plan_path = copy(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    code, _, err = run(capsys, "report", str(plan_path), "-o", str(notes))
    assert code == 1 and "exists and is not an HTML report; use --force" in err
    assert notes.read_text() == "my notes\n"
    code, out, _ = run(capsys, "report", str(plan_path), "-o", str(notes), "--force")
    assert code == 0 and out == f"wrote {notes}\n"
    assert notes.read_text().startswith("<!doctype html>")
    assert backup_path(notes).read_text() == "my notes\n"
    code, _, _ = run(capsys, "report", str(plan_path), "-o", str(notes))  # an HTML report: replaced
    assert code == 0


@pytest.mark.parametrize("kind", ["directory", "fifo", "empty"])
def test_report_to_a_directory_fifo_or_nothing_says_so(tmp_path, capsys, kind):
    plan_path = copy(tmp_path)
    output = "" if kind == "empty" else str(_special(tmp_path, kind)[0])
    code, out, err = run(capsys, "report", str(plan_path), "-o", output)
    assert code == 1 and out == ""
    expected = {"directory": f"{output} is a directory, not a file; give a file name such as "
                             f"{output}/report.html; nothing was written",
                "fifo": f"{output} is a named pipe (FIFO), not a file; nothing was written",
                "empty": "-o needs a file name, e.g. -o report.html"}[kind]
    assert err == f"cluster-planner report: {expected}\n"


def test_report_into_a_missing_folder_is_a_message(tmp_path, capsys):
    code, _, err = run(capsys, "report", str(copy(tmp_path)), "-o", str(tmp_path / "no" / "r.html"))
    assert code == 1 and "Traceback" not in err and "No such file or directory; nothing was written" in err
