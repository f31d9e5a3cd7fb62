import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PRESETS = ROOT / "presets"


@pytest.fixture
def minimal_text():
    return """\
format: cluster-planner/1
name: Small
phases:
  - name: One
    online: 2024-01-01
    nodes:
      - {system: dgx-h100, count: 4}
    storage:
      - {name: Flash, capacity: 1 PB, read_bandwidth: 100 GB/s, power: 5 kW, price: 1000000 USD}
network: {fabric: infiniband-ndr}
facility: {pue: 1.2, cooling: liquid}
workloads:
  - {name: Run, parameters: 7e9, tokens: 1e12, mfu: 0.4}
"""
