"""Gantry's own child processes (the scheduler, the audit check): this interpreter, this code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import app

# The folder that holds the app package: a child finds the same code even when Gantry runs
# from a source tree that was never installed, started from another folder.
_CODE = str(Path(app.__file__).resolve().parent.parent)


def python_argv(*args: str) -> list[str]:
    """The command line that runs `python ARGS` with the interpreter running Gantry."""
    return [sys.executable, *args]


def child_environment() -> dict[str, str]:
    """This process's environment, with Gantry's code first on the child's import path."""
    env = dict(os.environ)
    inherited = env.get("PYTHONPATH")
    env["PYTHONPATH"] = os.pathsep.join([_CODE, inherited]) if inherited else _CODE
    return env
