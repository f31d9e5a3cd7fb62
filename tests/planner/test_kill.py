"""Kill test: a child process saves a plan in a loop and is killed with SIGKILL at random moments;
after every kill the file on disk loads, and is one of the two plans the child was writing."""

import os
import random
import signal
import subprocess
import sys
import time

import planner
from planner import edit
from tests.conftest import PRESETS, ROOT

KILLS = 200
CHILD = """
import sys
import planner
from planner import edit
a = planner.load(sys.argv[1])
b = edit.replace_at(a, ("facility", "pue"), 1.37)
print("ready", flush=True)
i = 0
while True:
    planner.save(b if i % 2 else a, sys.argv[2])
    i += 1
"""


def test_sigkill_during_saves_never_leaves_a_broken_plan(tmp_path):
    source = PRESETS / "meta-rsc.yaml"
    target = tmp_path / "plan.yaml"
    a = planner.load(source)
    b = edit.replace_at(a, ("facility", "pue"), 1.37)
    rng = random.Random(20261127)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    seen = set()
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(source), str(target)], stdout=subprocess.PIPE,
                                 env=env, cwd=ROOT)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0, 0.08))  # long enough for whole saves on a loaded machine
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if target.exists():
            plan = planner.load(target)
            assert plan in (a, b)
            seen.add(plan.facility.pue)
            backup = tmp_path / "plan.yaml~"
            if backup.exists():
                assert planner.load(backup) in (a, b)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # saves were cut in the middle (their temporary files stayed) and both plans were on disk
    assert seen == {a.facility.pue, 1.37}
    print(f"\n{KILLS} kills, {len(leftovers)} cut mid-write, file always loaded")
