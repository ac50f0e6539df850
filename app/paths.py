"""Where Gantry keeps its files; GANTRY_HOME overrides it (tests, portable installs)."""

import os
from pathlib import Path

from platformdirs import user_data_path


def data_dir() -> Path:
    override = os.environ.get("GANTRY_HOME")
    path = Path(override) if override else user_data_path("Gantry", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_plan_path() -> Path:
    return data_dir() / "demo.gantry"


def log_dir() -> Path:
    """Where the window writes what went wrong (one file a day), for the user to send."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
