import dataclasses
import os

import planner
from planner.cli import main
from planner.report import html
from tests.conftest import PRESETS


def test_report_command_writes_self_contained_html(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(PRESETS / "meta-rsc.yaml"), "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("<!doctype html>")
    assert text.count("<svg") >= 4
    assert "4.992 EFLOP/s" in text and "17.36 h" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched
    assert oct(os.stat(out).st_mode & 0o777) != "0o600"


def test_plan_text_is_escaped():
    plan = planner.load(PRESETS / "selene.yaml")
    evil = dataclasses.replace(plan, name="<script>alert(1)</script>", description="a & b <b>")
    text = html(evil)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
