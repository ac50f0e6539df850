"""The one place app/ finds files under resources/ (fonts for PDFs and images), without Qt."""

from __future__ import annotations

from pathlib import Path

# resources/ lives beside the packages (Gantry installs editable, and the offline bundle
# copies the source tree), so it is found from this file, not from the working directory.
RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"
FONTS_DIR = RESOURCES_DIR / "fonts"


def resource(relative: str) -> Path:
    """A file under resources/; a missing one is an error that says to reinstall."""
    path = RESOURCES_DIR / relative
    if not path.is_file():
        raise FileNotFoundError(f"Gantry's resource {path} is missing; reinstall Gantry.")
    return path
