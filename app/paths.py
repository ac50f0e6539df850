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
