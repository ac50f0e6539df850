"""Opening a damaged plan in the window: one sentence reported, no exception, file unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.plan_damage import damaged_copies, write_demo
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui

# Copies of the seeded set (see tests/app/test_damaged_plans.py): SQLite finds 0, 7 (cut
# short) and 21 broken, 1 holds text that is not UTF-8, 3 a schema SQLite cannot parse;
# 4 and 6 are harmless to scheduling, so they open.
CHOSEN = [0, 1, 3, 4, 6, 7, 21]


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    data = write_demo(tmp_path_factory.mktemp("demo") / "demo.gantry")
    return damaged_copies(data, max(CHOSEN) + 1)


@pytest.mark.parametrize("n", CHOSEN)
def test_a_damaged_plan_is_refused_in_one_sentence_or_opens(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    reports,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    copies: list[tuple[str, bytes]],
    n: int,
) -> None:
    what, data = copies[n]
    folder = tmp_path / "plans"  # tmp_path also holds the window's settings
    folder.mkdir()
    path = folder / "damaged.gantry"
    path.write_bytes(data)
    outcomes: list[tuple[str, object]] = []
    window.plan_opened.connect(lambda opened: outcomes.append(("opened", opened)))
    window.plan_failed.connect(lambda message: outcomes.append(("failed", message)))

    window.open_plan(path)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)

    ((outcome, value),) = outcomes
    if outcome == "failed":
        message = str(value)
        assert message.startswith(f"{path} is damaged and cannot be read ("), (what, message)
        assert message.endswith("or another copy of the plan.") and "\n" not in message
        assert reports == [("Cannot open plan", message)]
        assert window.plan is None
    else:
        assert value == path and reports == []
        window.close_plan()
    assert path.read_bytes() == data, what
    assert list(folder.iterdir()) == [path]  # the lock is gone, no journal was left
