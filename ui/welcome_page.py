"""What the window shows with no plan open: New, Open and the recent plans."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.resources import icon


class WelcomePage(QWidget):
    """Start here: create or open a plan, or drop a .gantry file on the window."""

    new_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        logo = QLabel()
        logo.setPixmap(icon("gantry").pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("No plan open")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Create a plan, open one, or drop a .gantry file here.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: #6b7280")
        new_button = QPushButton(icon("new"), "New plan…")
        open_button = QPushButton(icon("open"), "Open plan…")
        for button in (new_button, open_button):
            button.setIconSize(QSize(18, 18))
            button.setMinimumWidth(150)
        new_button.clicked.connect(self.new_requested)
        open_button.clicked.connect(self.open_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(new_button)
        buttons.addWidget(open_button)
        buttons.addStretch(1)
        self.recent_title = QLabel("Recent plans")
        self.recent_title.setStyleSheet("color: #6b7280; font-weight: 600")
        self.recent = QListWidget()
        self.recent.setObjectName("recentPlans")
        self.recent.setFixedWidth(480)
        self.recent.setIconSize(QSize(18, 18))
        self.recent.setToolTip("Click a plan to open it")
        self.recent.itemClicked.connect(self._activated)
        self.recent.itemActivated.connect(self._activated)
        column = QVBoxLayout()
        column.addStretch(2)
        column.addWidget(logo)
        column.addWidget(title)
        column.addWidget(hint)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addSpacing(24)
        column.addWidget(self.recent_title, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.recent, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)
        layout = QHBoxLayout(self)
        layout.addLayout(column, 1)

    def set_recent(self, paths: list[Path]) -> None:
        self.recent.clear()
        for path in paths:
            entry = QListWidgetItem(icon("gantry"), f"{path.stem}  —  {path.parent}")
            entry.setData(Qt.ItemDataRole.UserRole, str(path))
            entry.setToolTip(str(path))
            self.recent.addItem(entry)
        rows = max(1, min(len(paths), 8))
        self.recent.setFixedHeight(rows * (self.recent.sizeHintForRow(0) + 2) + 8)
        self.recent.setVisible(bool(paths))
        self.recent_title.setVisible(bool(paths))

    def _activated(self, entry: QListWidgetItem) -> None:
        self.recent_requested.emit(Path(entry.data(Qt.ItemDataRole.UserRole)))
