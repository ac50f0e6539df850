"""Guards against a Qt binding that leaks references on void calls (PySide6 6.12.0 on 3.11)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QWidget

CALLS = 20_000
# None is immortal only from Python 3.12; on 3.11 its reference count is real, and 6.12.0
# dropped one reference per void call until the interpreter aborted (after ~5,000 calls).
MARGIN = 100


@pytest.mark.gui
def test_void_qt_calls_keep_none_references(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for n in range(CALLS):
        widget.setToolTip("tip")  # void C++ methods: each returns None to Python
        widget.setObjectName("w" if n % 2 else "v")
    after = sys.getrefcount(None)
    assert before - after <= MARGIN, f"None lost {before - after} references in {CALLS} calls"
    assert widget.objectName() == "w"  # the process survived and the calls took effect
