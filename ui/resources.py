"""The one place that finds icons and the style sheet under resources/."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from app.resources import RESOURCES_DIR

ICONS_DIR = RESOURCES_DIR / "icons"
STYLE_SHEET = RESOURCES_DIR / "style.qss"


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons/NAME.svg.

    A missing file is an error, not a blank button: Gantry's wheel carries every icon, and
    tests that build the window then catch a missing one.
    """
    path = ICONS_DIR / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"Gantry's icon {path} is missing; reinstall Gantry.")
    return QIcon(str(path))


def style_sheet() -> str:
    """The application style sheet (resources/style.qss)."""
    return STYLE_SHEET.read_text(encoding="utf-8")
