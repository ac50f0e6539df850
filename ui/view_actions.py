"""Toolbar actions of a view: an icon, a tip naming the first shortcut, keys scoped to the view."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.resources import icon


def view_action(
    owner: QWidget,
    text: str,
    icon_name: str,
    tip: str,
    keys: list[str],
    slot: Callable[[], None],
) -> QAction:
    """An action of `owner` whose shortcuts work while focus is anywhere inside it.

    Several views have Ctrl+= for zoom; scoping the keys to the view keeps them apart.
    """
    made = QAction(icon(icon_name), text, owner)
    if keys:
        made.setShortcuts([QKeySequence(k) for k in keys])
        made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        tip = f"{tip} ({keys[0]})"
    made.setToolTip(tip)
    made.setStatusTip(tip)
    made.triggered.connect(slot)
    owner.addAction(made)
    return made
