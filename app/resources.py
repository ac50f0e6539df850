"""The one place app/ finds the files Gantry ships (resources/, migrations/), without Qt."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_folder(package: str) -> Path:
    """The folder of one of Gantry's packages, found where Python found its code.

    That is the checkout under `pip install -e .` and site-packages once the wheel is
    installed. pip installs a wheel as plain files, so the package is a folder on disk; Qt,
    reportlab and Alembic all want file names, not a stream.
    """
    folder = files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(
            f"Gantry's {package} package is not a folder ({folder}); reinstall Gantry."
        )
    return folder


RESOURCES_DIR = package_folder("resources")
FONTS_DIR = RESOURCES_DIR / "fonts"


def resource(relative: str) -> Path:
    """A file under resources/; a missing one is an error that says to reinstall."""
    path = RESOURCES_DIR / relative
    if not path.is_file():
        raise FileNotFoundError(f"Gantry's resource {path} is missing; reinstall Gantry.")
    return path
