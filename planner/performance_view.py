"""What the Performance tab shows of a workload whose kind brings its own view (a kind's
``performance(plan, results, index)``): a summary, two charts and a ranked table. Plain data,
Qt-free; ``planner.layout_report.performance_view`` asks the workload's kind for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PerformanceView:
    title: str  # the table's heading
    summary: str  # plain text (the window escapes it)
    charts: tuple  # two planner.charts.Chart descriptions, shown side by side
    headers: tuple  # the ranked table's column titles
    rows: tuple  # tuples of cell texts, best first
    failing: tuple  # per row: True when it does not fit or misses the target (drawn in red)
    note: str = ""  # under the heading: how the rows are ranked
