"""The bounded child-process runner the tests use instead of subprocess's own timeout."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.processes import run_bounded


def test_a_child_that_finishes_gives_its_output_and_exit_code() -> None:
    result = run_bounded(
        [sys.executable, "-c", "import sys; print('out'); sys.exit(3)"], timeout=60, text=True
    )
    assert (result.returncode, result.stdout.strip()) == (3, "out")


def test_a_child_that_overruns_is_killed_and_reported() -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        run_bounded(
            [sys.executable, "-c", "import threading; threading.Event().wait()"], timeout=0.5
        )
