"""Window state and recent plans in QSettings, behind one typed class (tests inject their own)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10

_RECENT = "files/recent"
_GEOMETRY = "window/geometry"
_STATE = "window/state"
_HEADER = "window/header/{}"
_TAB = "window/tab"


def default_settings() -> QSettings:
    """The user's settings (organisation and application name "Gantry")."""
    return QSettings("Gantry", "Gantry")


class AppSettings:
    """Typed access to the keys Gantry keeps; paths are stored absolute."""

    def __init__(self, store: QSettings) -> None:
        self.store = store

    # -- recent plans ----------------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        value = self.store.value(_RECENT, [])
        if isinstance(value, str):  # an INI file with a single entry reads back as a string
            value = [value]
        if not isinstance(value, list):
            return []
        return [Path(str(v)) for v in value if str(v)]

    def add_recent(self, path: Path) -> None:
        path = path.resolve()
        recent = [p for p in self.recent_files() if p != path]
        self._set_recent([path, *recent][:MAX_RECENT])

    def remove_recent(self, path: Path) -> None:
        self._set_recent([p for p in self.recent_files() if p != path.resolve()])

    def clear_recent(self) -> None:
        self._set_recent([])

    def _set_recent(self, paths: list[Path]) -> None:
        self.store.setValue(_RECENT, [str(p) for p in paths])
        self.store.sync()

    def last_plan(self) -> Path | None:
        """The most recently opened plan, if its file still exists."""
        recent = self.recent_files()
        return recent[0] if recent and recent[0].is_file() else None

    # -- window ----------------------------------------------------------------------------

    def window_geometry(self) -> QByteArray | None:
        return self._bytes(_GEOMETRY)

    def window_state(self) -> QByteArray | None:
        return self._bytes(_STATE)

    def header_state(self, name: str) -> QByteArray | None:
        return self._bytes(_HEADER.format(name))

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue(_GEOMETRY, geometry)
        self.store.setValue(_STATE, state)
        self.store.sync()

    def save_header(self, name: str, state: QByteArray) -> None:
        self.store.setValue(_HEADER.format(name), state)

    def clear_header(self, name: str) -> None:
        """Forget a table's columns: it lays them out itself again."""
        self.store.remove(_HEADER.format(name))

    def last_tab(self) -> str | None:
        """The object name of the main window's tab shown when it last closed."""
        value = self.store.value(_TAB)
        return str(value) if value else None

    def save_last_tab(self, name: str) -> None:
        self.store.setValue(_TAB, name)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None
