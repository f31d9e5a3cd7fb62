"""Names from a plan are data in every output: no live spreadsheet formulas in CSV, no terminal
escape codes in the table, no broken Markdown tables."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planner
from planner import edit
from planner.cli import main
from planner.summary import as_csv, as_markdown, as_table, csv_cell, visible
from tests.conftest import PRESETS

RSC = planner.load(PRESETS / "meta-rsc.yaml")


def named(name, phase=None):
    plan = edit.replace_at(RSC, ("name",), name)
    return edit.replace_at(plan, ("phases", 1, "name"), phase if phase is not None else name)


# -- CSV --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell,safe", [
    ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'), ("+1+cmd", "'+1+cmd"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("-3.5", "-3.5"),
    ("+12", "+12"), ("Phase 1", "Phase 1"), ("", ""),
])
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(cell, safe):
    assert csv_cell(cell) == safe


def test_a_hyperlink_phase_name_is_inert_in_the_csv():
    text = as_csv(planner.evaluate(named("Cluster", '=HYPERLINK("http://evil","x")')))
    rows = list(csv.reader(io.StringIO(text)))
    build_out = [r for r in rows if r[0] == "Build-out (cumulative)"]
    assert build_out[1][1] == '\'=HYPERLINK("http://evil","x") (2022-07-01)'


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_no_csv_cell_ever_starts_a_formula(name):
    rows = list(csv.reader(io.StringIO(as_csv(planner.evaluate(named("Plan", name))), newline="")))
    for row in rows[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
                float(cell)  # only a plain number may start with a sign


# -- terminal table and Markdown -------------------------------------------------------------------
def test_visible_writes_control_characters_out():
    assert visible("a\x1b[2Jb\x07\x9b\u202e\n") == "a\\x1b[2Jb\\x07\\x9b\\u202e\\n"
    assert visible("Größe ✓") == "Größe ✓"


def test_escape_codes_never_reach_the_terminal(capsys, tmp_path):
    path = tmp_path / "p.yaml"
    planner.save(named("\x1b[2J\x1b]0;owned\x07Plan", "P\x1b[31m1"), path)
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert out.startswith("\\x1b[2J\\x1b]0;owned\\x07Plan\n" + "=" * 27 + "\n")
    assert "P\\x1b[31m1 (2022-07-01)" in out


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_table_output_has_no_control_characters_but_line_breaks(name):
    out = as_table(planner.evaluate(named(name)))
    assert not [c for c in out if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]


def test_markdown_keeps_a_name_with_newlines_and_pipes_in_its_cell():
    md = as_markdown(planner.evaluate(named("Two\nlines | and\\|pipe", "A\r\nB|C")))
    assert md.startswith("# Two lines \\| and\\\\\\|pipe\n")
    assert "| A B\\|C (2022-07-01) | " in md


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_every_markdown_table_row_has_exactly_two_cells(name):
    md = as_markdown(planner.evaluate(named("Plan", name)))
    for line in md.splitlines():
        if line.startswith("|"):
            bare = line.replace("\\\\", "").replace("\\|", "")
            assert bare.count("|") == 3, line
        else:
            assert not line or line.startswith("#")
