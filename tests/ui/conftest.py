"""Fixtures for GUI tests: offscreen Qt, a private GANTRY_HOME and settings, demo plan copies."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.demo import build_demo
from app.store import PlanStore
from tests.fixed_dates import DEMO_TODAY
from ui.application import release_clipboard
from ui.main_window import MainWindow
from ui.settings import AppSettings


@pytest.fixture(autouse=True)
def clean_clipboard() -> Iterator[None]:
    """Nothing a test copied outlives it (PySide6 crashes at exit over Python-made clipboard
    data, as the application itself avoids on quitting)."""
    yield
    if QApplication.instance() is not None:
        release_clipboard()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plan around a fixed day, built once; tests work on copies."""
    path = tmp_path_factory.mktemp("template") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


@pytest.fixture
def demo_plan(tmp_path: Path, demo_template: Path) -> Path:
    """A fresh copy of the demo plan that this test may change."""
    path = tmp_path / "p.gantry"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    """An INI file in the test's folder instead of the user's settings."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def settings(qsettings: QSettings) -> AppSettings:
    return AppSettings(qsettings)


class Reports(list[tuple[str, str]]):
    """Collects what would have been shown in an error box."""

    def __call__(self, title: str, message: str) -> None:
        self.append((title, message))

    @property
    def messages(self) -> list[str]:
        return [message for _title, message in self]


@pytest.fixture
def reports() -> Reports:
    return Reports()


@pytest.fixture
def window(qtbot, settings: AppSettings, reports: Reports) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(settings, report=reports)
    qtbot.addWidget(win)
    yield win
    win.close()  # closes the plan, so its lock is released


OpenIn = Callable[[MainWindow, Path], None]


def settle(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Wait until the window's plan has its schedule (it is computed on a worker thread)."""
    qtbot.waitUntil(lambda: win.plan is None or not win.plan.state.scheduling, timeout=20000)


@pytest.fixture
def open_in(qtbot) -> OpenIn:  # type: ignore[no-untyped-def]
    """open_in(window, path): open a plan and wait until the window shows it."""

    def open_and_wait(win: MainWindow, path: Path) -> None:
        with qtbot.waitSignal(win.plan_opened, timeout=20000):
            win.open_plan(path)
        settle(qtbot, win)

    return open_and_wait
