"""Child processes in tests, bounded in time without `subprocess`'s own timeout.

`subprocess.run(timeout=...)` polls the child with `time.sleep`, which fails with EINVAL
under libfaketime (the suite runs under faketime in CI) whenever the child is still exiting
when its pipes close. Here a timer thread kills a child that overruns, and the waiting itself
never sleeps.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def run_bounded(
    args: Sequence[str | Path], timeout: float, check: bool = False, **kwargs: Any
) -> subprocess.CompletedProcess[Any]:
    """`subprocess.run(args, capture_output=True, ...)` that kills the child after `timeout`."""
    with subprocess.Popen(
        list(map(str, args)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    ) as child:
        overran = threading.Event()

        def kill() -> None:
            overran.set()
            child.kill()

        killer = threading.Timer(timeout, kill)
        killer.start()
        try:
            stdout, stderr = child.communicate()
        finally:
            killer.cancel()
    result = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    if overran.is_set():
        raise subprocess.TimeoutExpired(child.args, timeout, stdout, stderr)
    if check:
        result.check_returncode()
    return result
