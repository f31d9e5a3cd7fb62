"""The window with hostile files: malformed recovery copies never stop the start, every copy is
offered, read-only files are replaced only when the person says so, a FIFO never hangs Open, and
the editor refuses text the loader would refuse."""

import json
import os
import stat

import pytest

import planner
from planner import edit
from ui import recovery
from ui.recovery import HEADER


def recovery_folder(window):
    folder = window.recovery.folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def copy_text(plan, pid=999999999, path=None, written="2026-01-01T10:00:00"):
    meta = {"path": path, "pid": pid, "written": written}
    return HEADER + json.dumps(meta) + "\n" + planner.dumps(plan)


MALFORMED = {
    "pid-null": lambda plan: copy_text(plan, pid=None),
    "pid-text": lambda plan: copy_text(plan, pid="12"),
    "pid-zero": lambda plan: copy_text(plan, pid=0),
    "pid-negative": lambda plan: copy_text(plan, pid=-1),
    "pid-huge": lambda plan: copy_text(plan, pid=10**30),
    "path-number": lambda plan: copy_text(plan, path=5),
    "written-list": lambda plan: copy_text(plan, written=[1]),
    "header-list": lambda plan: HEADER + "[1, 2]\n" + planner.dumps(plan),
    "header-broken": lambda plan: HEADER + '{"pid": \n' + planner.dumps(plan),
    "no-header": lambda plan: planner.dumps(plan),
    "truncated": lambda plan: copy_text(plan)[:150],
    "empty": lambda plan: "",
    "binary": lambda plan: b"\xff\xfe\x00garbage\x80",
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_a_malformed_recovery_copy_is_set_aside_not_fatal(window, kind):
    folder = recovery_folder(window)
    content = MALFORMED[kind](window.document.plan)
    bad = folder / "0123456789abcdef.yaml"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    asked = []
    window.ask_restore = lambda found: asked.append(found) or True
    assert not window.offer_recovery()
    assert asked == [] and not bad.exists()
    aside = folder / "set-aside" / bad.name
    assert aside.read_bytes() == (content if isinstance(content, bytes) else content.encode())  # nothing lost
    assert window.statusBar().currentMessage() == f"Set aside 1 unreadable recovery copy in {folder / 'set-aside'}."
    assert recovery.find(folder.parent) == []  # and never offered again


def test_the_app_starts_over_a_malformed_copy(tmp_path, plan_file):
    import subprocess
    import sys

    from tests.conftest import ROOT

    folder = tmp_path / "state" / "recovery"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text(copy_text(planner.load(plan_file), pid=None))
    env = dict(os.environ, CLUSTER_PLANNER_STATE_DIR=str(tmp_path / "state"), QT_QPA_PLATFORM="offscreen",
               CLUSTER_PLANNER_SETTINGS_DIR=str(tmp_path / "settings"), CLUSTER_PLANNER_QUIT_AFTER_MS="300")
    result = subprocess.run([sys.executable, "-c", "import sys; from ui.app import run; sys.exit(run(sys.argv[1]))",
                             str(plan_file)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (folder / "set-aside" / "bad.yaml").exists()


def two_crashed_copies(window, tmp_path):
    folder = recovery_folder(window)
    base = window.document.plan
    a = edit.replace_at(base, ("facility", "pue"), 1.31)
    b = edit.replace_at(base, ("facility", "pue"), 1.32)
    older, newer = folder / "aaaaaaaaaaaaaaaa.yaml", folder / "bbbbbbbbbbbbbbbb.yaml"
    older.write_text(copy_text(a, path=str(tmp_path / "a.yaml")))
    newer.write_text(copy_text(b, path=None))
    os.utime(older, (1_000_000, 1_000_000))
    return older, newer, a, b


def test_each_copy_is_offered_and_only_answered_ones_are_deleted(window, tmp_path):
    older, newer, a, b = two_crashed_copies(window, tmp_path)
    asked = []
    window.ask_restore = lambda found: asked.append((found.copy, window._recovery_position)) or False
    assert not window.offer_recovery()  # both declined: both offered, newest first, both deleted
    assert asked == [(newer, (1, 2)), (older, (2, 2))]
    assert not older.exists() and not newer.exists()


def test_restoring_one_keeps_the_others_for_the_next_start(window, tmp_path):
    older, newer, a, b = two_crashed_copies(window, tmp_path)
    window.ask_restore = lambda found: True
    assert window.offer_recovery()
    assert window.document.plan == b and window.document.path is None
    assert not newer.exists() and older.exists()  # the older one was never answered: kept
    assert "1 more unsaved copy is kept for the next start." in window.statusBar().currentMessage()
    window.document.undo_stack.setClean()
    answers = iter([False])
    window.ask_restore = lambda found: next(answers)  # next start: the older copy is offered and declined
    assert not window.offer_recovery() and not older.exists()


def test_declining_the_newest_then_restoring_the_older(window, tmp_path):
    older, newer, a, b = two_crashed_copies(window, tmp_path)
    answers = iter([False, True])
    window.ask_restore = lambda found: next(answers)
    assert window.offer_recovery()
    assert window.document.plan == a and window.document.path == tmp_path / "a.yaml"
    assert not newer.exists()


# -- files -----------------------------------------------------------------------------------------
def test_read_only_file_is_replaced_only_after_asking(window, plan_file):
    doc = window.document
    doc.apply(edit.replace_at(doc.plan, ("facility", "pue"), 1.29), "pue")
    plan_file.chmod(0o444)
    before = plan_file.read_bytes()
    asked = []
    window.ask_overwrite_readonly = lambda path: asked.append(path) or False
    assert not window._save_to(plan_file)
    assert asked == [plan_file] and plan_file.read_bytes() == before and doc.modified
    assert window.statusBar().currentMessage() == f"Not saved: {plan_file} is read-only."
    window.ask_overwrite_readonly = lambda path: True
    assert window._save_to(plan_file)
    assert planner.load(plan_file).facility.pue == 1.29 and not doc.modified
    assert stat.S_IMODE(plan_file.stat().st_mode) == 0o444


def test_save_onto_a_fifo_or_directory_says_why(window, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert not window._save_to(fifo)
    assert window.last_error == (f"Could not save {fifo}: it is a named pipe (FIFO), not a regular file.\n"
                                 "Nothing was written; your edits are still here.")
    assert not window._save_to(tmp_path)
    assert "it is a directory, not a regular file" in window.last_error


def test_open_of_a_fifo_does_not_hang(window, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    before = window.document.plan
    assert not window.open_path(fifo)
    assert window.last_error == f"1 problem in plan:\n  {fifo}: expected a plan file, found a named pipe (FIFO)"
    assert window.document.plan == before


def test_description_editor_refuses_what_the_loader_refuses(qtbot, window):
    from tests.ui.test_editors import select, type_into

    form = select(window, ("plan",))
    editor = form.editors["description"]
    before = window.document.plan
    rejected = []
    editor.rejected.connect(rejected.append)
    type_into(qtbot, editor, ("x" * 99 + "\n") * 10_000)  # 1 MB pasted (in lines: Qt lays out one
    # 1 MB line for minutes, with or without this check)
    assert window.document.plan == before and editor.has_error()
    assert rejected == ["description: expected text of at most 100,000 characters, found 1,000,000 characters"]
    type_into(qtbot, editor, "Short again")
    assert window.document.plan.description == "Short again" and not editor.has_error()


def test_an_open_file_replaced_by_a_fifo_never_hangs(window, plan_file):
    plan_file.unlink()
    os.mkfifo(plan_file)
    window.ask_reload = lambda: False
    window.check_file_on_disk()  # looks at the FIFO, never opens it
    window.document.apply(edit.replace_at(window.document.plan, ("facility", "pue"), 1.3), "pue")
    window.ask_overwrite = lambda: True
    assert not window._save_to(plan_file)
    assert "it is a named pipe (FIFO), not a regular file" in window.last_error
    assert stat.S_ISFIFO(os.stat(plan_file).st_mode)
