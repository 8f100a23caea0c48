"""Guards against a Qt binding that would crash the app.

PySide6 6.12.0 drops a reference to `True` on every signal emitted from Python (seen on CPython
3.11); after a few hundred emits the interpreter aborts with "deallocating True or False". The
dependency is capped below it; this test fails loudly if a release with the same bug comes in.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    with_text = Signal(str)


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="True is immortal from Python 3.12 on: its reference count says nothing there",
)
def test_emitting_signals_from_python_keeps_reference_counts(qapp: object) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.plain.connect(lambda: received.append(None))
    emitter.with_text.connect(received.append)

    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.plain.emit()
        emitter.with_text.emit("x")
    after = sys.getrefcount(True)

    assert len(received) == 400
    assert after - before == 0, f"each emit leaked a reference: {after - before} over 400 emits"
