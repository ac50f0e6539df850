"""A right-click menu on table and tree headers to show or hide columns."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu


def install_column_menu(
    header: QHeaderView,
    always_shown: tuple[int, ...] = (0,),
    reset: Callable[[], None] | None = None,
) -> None:
    """Let the user pick visible columns; `always_shown` columns cannot be hidden.

    `reset`, when given, is offered as "Fit Columns to Window" (the view's own layout).
    """
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_menu(position: QPoint) -> None:
        model = header.model()
        if model is None:
            return
        menu = QMenu(header)
        for section in range(header.count()):
            title = model.headerData(section, header.orientation())
            action = menu.addAction(str(title))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(section))
            action.setEnabled(section not in always_shown)
            action.toggled.connect(lambda shown, s=section: header.setSectionHidden(s, not shown))
        if reset is not None:
            menu.addSeparator()
            menu.addAction("Fit Columns to Window").triggered.connect(reset)
        menu.exec(header.mapToGlobal(position))

    header.customContextMenuRequested.connect(show_menu)
