"""The README stays true: its quick start is what CI runs, its format reference is current."""

import re

from planner.docs import reference
from tests.conftest import ROOT


def quick_start_commands():
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_quick_start_has_two_commands_and_ci_runs_the_test_one():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[1] in ci


def test_format_reference_is_current():
    assert reference() in (ROOT / "README.md").read_text()


def test_table_of_checks_is_current_and_complete():
    """Every code the checks can raise is in the registry, and the README lists it."""
    import pathlib

    from planner.docs import checks
    from planner.validate import all_codes

    assert checks() in (ROOT / "README.md").read_text()
    used = set()
    for path in pathlib.Path(ROOT / "planner").rglob("*.py"):
        used |= set(re.findall(r'(?:error|warning|Warning)\(\s*"([a-z0-9-]+)"', path.read_text()))
    assert used and used <= set(all_codes()), sorted(used - set(all_codes()))
