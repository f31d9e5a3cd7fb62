"""A plan is never lost and bad input never crashes: saves, comments, limits, versions."""

import os
import shutil
import subprocess

import pytest

import planner
from planner import PlanError, edit
from planner.atomic import backup_path
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def hand(tmp_path):
    target = tmp_path / "hand.yaml"
    shutil.copy(FIXTURES / "hand-written.yaml", target)
    return target


def test_saving_keeps_comments_order_and_untouched_text(hand):
    plan = planner.load(hand)
    new = edit.replace_at(plan, ("phases", 0, "nodes", 0, "count"), 8)
    new = edit.replace_at(new, ("facility", "pue"), 1.3)
    planner.save(new, hand)
    text = hand.read_text()
    before = (FIXTURES / "hand-written.yaml").read_text()
    assert text == before.replace("count: 4}", "count: 8}").replace("pue: 1.2 ", "pue: 1.3 ")
    assert planner.load(hand) == new


def test_adding_and_removing_keeps_the_rest(hand):
    plan = planner.load(hand)
    new = edit.insert_at(plan, ("phases",), 1, planner.plan.Phase(name="Second"))
    new = edit.replace_at(new, ("facility", "pue"), None)
    planner.save(new, hand)
    text = hand.read_text()
    assert "# My cluster plan — hand written" in text and "# four boxes" in text
    assert "written in TB on purpose" in text and "pue" not in text
    assert planner.load(hand) == new


def test_previous_version_is_kept_as_backup(hand):
    before = hand.read_text()
    plan = planner.load(hand)
    planner.save(edit.replace_at(plan, ("facility", "pue"), 1.5), hand)
    assert backup_path(hand).read_text() == before
    assert planner.load(backup_path(hand)) == plan


def test_unchanged_plan_leaves_the_file_as_written(hand):
    before = hand.read_bytes()
    planner.save(planner.load(hand), hand)
    assert hand.read_bytes() == before
    assert not backup_path(hand).exists()


def test_failed_rename_leaves_the_file_and_no_temporary(hand, monkeypatch):
    before = hand.read_bytes()

    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        planner.save(edit.replace_at(planner.load(hand), ("facility", "pue"), 1.5), hand)
    assert hand.read_bytes() == before
    assert sorted(p.name for p in hand.parent.iterdir()) == ["hand.yaml"]


@pytest.fixture
def tmpfs(tmp_path):
    """A real 64 KiB tmpfs (needs mount: root, as on CI); skipped where it cannot be mounted."""
    mount = tmp_path / "fs"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_full_filesystem(tmpfs):
    """A real, tiny tmpfs: the save fails with ENOSPC, the old plan stays whole."""
    mount = tmpfs
    target = mount / "plan.yaml"
    plan = planner.load(FIXTURES / "hand-written.yaml")
    planner.save(plan, target)
    with open(mount / "filler", "wb", buffering=0) as fh:  # fill the filesystem to the last byte
        try:
            while True:
                fh.write(b"x" * 512)
        except OSError:
            pass
    big = edit.replace_at(plan, ("description",), "y" * 8000)
    with pytest.raises(OSError) as info:
        planner.save(big, target)
    assert info.value.errno == 28
    assert planner.load(target) == plan
    assert sorted(p.name for p in mount.iterdir()) == ["filler", "plan.yaml"]


def test_read_only_folder(tmpfs):
    """A real read-only filesystem (a tmpfs remounted read-only: root cannot write it either)."""
    mount = tmpfs
    target = mount / "plan.yaml"
    plan = planner.load(FIXTURES / "hand-written.yaml")
    planner.save(plan, target)
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    with pytest.raises(OSError) as info:
        planner.save(edit.replace_at(plan, ("facility", "pue"), 1.9), target)
    assert info.value.errno == 30  # EROFS
    assert planner.load(target) == plan
    assert sorted(p.name for p in mount.iterdir()) == ["plan.yaml"]


def test_newer_format_fixture_names_both_versions():
    with pytest.raises(PlanError) as info:
        planner.load(FIXTURES / "format-2.yaml")
    (p,) = info.value.problems
    assert p.line == 2 and "cluster-planner/1" in p.expected and "cluster-planner/2" in p.found


@pytest.mark.parametrize("text,fragment", [
    ("name: x\nphases:\n" + "  " * 0 + "".join("- " * 40) + "1\n", "nesting at most 32 deep"),
    ("name: '" + "x" * 100_001 + "'\nphases: []\n", "text of at most 100,000 characters"),
    ("name: x\nphases: [" + ", ".join(["1"] * 100_001) + "]\n", "at most 100,000 items"),
])
def test_limits(text, fragment):
    with pytest.raises(PlanError) as info:
        planner.loads(text)
    assert any(fragment in p.expected for p in info.value.problems)


def test_plan_files_never_execute_read_or_fetch(tmp_path):
    for tag in ("!!python/object/apply:os.system ['echo hi']", "!!python/name:os.system",
                "!include /etc/passwd", "!!binary aGVsbG8="):
        with pytest.raises(PlanError) as info:
            planner.loads(f"name: {tag}\nphases: []\n")
        assert "plain YAML data" in str(info.value)


def test_every_format_version_has_a_fixture_that_loads():
    from planner.plan import FORMAT_VERSION

    for version in range(1, FORMAT_VERSION + 1):
        plan = planner.load(FIXTURES / f"format-{version}.yaml")
        assert plan.name == "Hand plan"


def test_a_format_no_release_wrote_is_refused():
    with pytest.raises(PlanError) as info:
        planner.loads("format: cluster-planner/0\nname: x\nphases: []\n")
    assert "cluster-planner/0" in info.value.problems[0].found


def test_stale_temporaries_of_killed_saves_are_cleared(hand):
    stale = hand.parent / ".hand.yaml.cluster-planner-save-abc123_x.tmp"
    fresh = hand.parent / ".hand.yaml.cluster-planner-save-def456_x.tmp"
    someone_elses = hand.parent / ".hand.yaml.abc123.tmp"  # no marker of ours: never touched
    for path, text in ((stale, "half a pl"), (fresh, "a save in progress"), (someone_elses, "mine")):
        path.write_text(text)
    old = os.stat(stale).st_mtime - 3600
    for path in (stale, someone_elses):
        os.utime(path, (old, old))
    planner.save(edit.replace_at(planner.load(hand), ("facility", "pue"), 1.5), hand)
    assert not stale.exists() and fresh.exists()
    assert someone_elses.read_text() == "mine"
