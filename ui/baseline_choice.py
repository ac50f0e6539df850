"""Which baseline each release is compared with: one per window, read by the window's views."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.baselines import BASELINE_FIELDS, BaselineService
from app.unit_of_work import ChangeNotice


class BaselineChoice(QObject):
    """The baseline shown for each release: the one the user chose, else the newest one.

    `changed(release_id)` is emitted when the baseline shown for that release becomes another
    one (or none), or the shown one is renamed or its dates change, so views redraw it.
    """

    changed = Signal(int)  # release id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._baselines: BaselineService | None = None
        self._chosen: dict[int, int | None] = {}  # release -> baseline; None: compare with none
        self._shown: dict[int, int | None] = {}  # what shown() last answered, per release

    def set_source(self, baselines: BaselineService | None) -> None:
        """The open plan's baselines (None: no plan); choices start afresh."""
        self._baselines = baselines
        self._chosen.clear()
        self._shown.clear()

    def shown(self, release_id: int | None) -> int | None:
        """The id of the baseline shown for the release; None when none is."""
        if self._baselines is None or release_id is None:
            return None
        if release_id not in self._shown:
            self._shown[release_id] = self._current(release_id)
        return self._shown[release_id]

    def choose(self, release_id: int, baseline_id: int | None) -> None:
        """Show `baseline_id` for the release from now on (None: no baseline)."""
        self._chosen[release_id] = baseline_id
        self._refresh(release_id)

    def apply_change(self, notice: ChangeNotice) -> None:
        """Follow baselines set, renamed, re-pinned or deleted; call it before the views."""
        touched = notice.ids(BASELINE_FIELDS.entity)
        if not touched:
            return
        gone = notice.deleted.get(BASELINE_FIELDS.entity, frozenset())
        # A chosen baseline that was deleted gives way to the newest one again.
        self._chosen = {r: b for r, b in self._chosen.items() if b not in gone}
        for release_id in list(self._shown):
            self._refresh(release_id, touched)

    def _current(self, release_id: int) -> int | None:
        if release_id in self._chosen:
            return self._chosen[release_id]
        assert self._baselines is not None
        rows = self._baselines.rows(release_id)
        return rows[-1].id if rows else None

    def _refresh(self, release_id: int, touched: frozenset[int] = frozenset()) -> None:
        if self._baselines is None:
            return
        old = self._shown.get(release_id)
        new = self._shown[release_id] = self._current(release_id)
        if new != old or new in touched:
            self.changed.emit(release_id)
