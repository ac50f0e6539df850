"""The chart's rows over an open plan: a release's outline with collapsed phases folded away."""

from __future__ import annotations

from collections.abc import Iterable

from app.plan_data import ItemRow
from app.plan_state import LinkRecord, PlanState


class PlanRows:
    """Rows of one release in outline order; a collapsed phase hides everything under it.

    Rows are item ids; their ItemRows come from the plan state's cache when a frame asks for
    them, so a window shows a 100,000-item release after touching only its visible rows.
    """

    def __init__(self, state: PlanState, release_id: int | None, collapsed: Iterable[int] = ()):
        self._state = state
        self.release_id = release_id
        self.collapsed: set[int] = set(collapsed)
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._source: list[int] | None = None  # the state's outline the rows were built from
        self.rebuild()

    def rebuild(self) -> None:
        """Read the outline again (after items were added, removed, moved or folded)."""
        self._row_of = None
        if self.release_id is None or self.release_id not in self._state.releases:
            self._ids, self._source = [], None
            return
        outline = self._source = self._state.outline(self.release_id)
        if not self.collapsed:
            self._ids = outline
            return
        items = self._state.items
        ids: list[int] = []
        hidden_below: int | None = None  # the depth under which rows are folded away
        depth_of = self._depths()
        for item_id in outline:
            depth = depth_of.get(item_id, 0)
            if hidden_below is not None:
                if depth > hidden_below:
                    continue
                hidden_below = None
            ids.append(item_id)
            if item_id in self.collapsed and item_id in items:
                hidden_below = depth
        self._ids = ids

    def outline_changed(self) -> bool:
        """Whether items came, went or moved in the outline since the last rebuild.

        The plan state replaces a release's outline only when its placement changes, so this
        costs one lookup after an edit of dates or names (and after every schedule).
        """
        if self.release_id is None or self.release_id not in self._state.releases:
            return self._source is not None
        return self._state.outline(self.release_id) is not self._source

    def depth(self, row: int) -> int:
        return self._depths().get(self._ids[row], 0)

    def _depths(self) -> dict[int, int]:
        assert self.release_id is not None
        return self._state.outline_depths(self.release_id)

    @property
    def ids(self) -> list[int]:
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def item_id(self, row: int) -> int:
        return self._ids[row]

    def item(self, row: int) -> ItemRow:
        return self._state.row(self._ids[row])

    def row_of(self, item_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._row_of.get(item_id)

    def links(self, item_id: int) -> Iterable[LinkRecord]:
        links = self._state.links
        for link_id in self._state.preds.get(item_id, ()):
            yield links[link_id]
        for link_id in self._state.succs.get(item_id, ()):
            yield links[link_id]

    def toggle(self, item_id: int) -> bool:
        """Fold or unfold a phase; True when the rows changed."""
        if not self._state.row(item_id).has_children:
            return False
        if item_id in self.collapsed:
            self.collapsed.discard(item_id)
        else:
            self.collapsed.add(item_id)
        self.rebuild()
        return True
