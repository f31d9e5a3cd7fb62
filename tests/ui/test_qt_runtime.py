"""Guards against a Qt binding that corrupts Python objects (seen with PySide6 6.12.0 on
Python 3.11: every bool sent through a signal lost a reference, and the interpreter aborted
with "bool_dealloc" after a few hundred edits)."""

import subprocess
import sys

CODE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
class A(QObject):
    changed = Signal(bool)
    def on_changed(self, value):
        pass
a = A()
a.changed.connect(a.on_changed)
before = sys.getrefcount(True)
for _ in range(2000):
    a.changed.emit(True)
print(sys.getrefcount(True) - before)
"""


def test_bool_signals_keep_their_references():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-500:]
    assert abs(int(out.stdout.strip())) < 50
