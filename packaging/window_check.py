"""Open a plan in an installed Gantry's window, offscreen, and say what it shows.

Run with the interpreter of an installed Gantry (tests/test_wheel_install.py and .ci/run do):
this folder is then the only one on the import path besides the install, so the window, its
icons and style sheet, and the plan's migrations all come from the install. Prints where the
code was found and the window's title once the plan is open and scheduled; exit 0 then, 1 if
the plan fails to open or is not shown within two minutes.

    python window_check.py PLAN SETTINGS.ini [SCREENSHOT.png]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402

import ui  # noqa: E402
from ui.application import make_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.settings import AppSettings  # noqa: E402


def main(plan: Path, settings_file: Path, screenshot: Path | None) -> int:
    qt_app = make_application([sys.argv[0]])
    # Settings in a file of the caller's, so a check never touches the user's own.
    window = MainWindow(AppSettings(QSettings(str(settings_file), QSettings.Format.IniFormat)))
    window.show()
    outcome = {"code": 1}

    def finish(code: int, message: str) -> None:
        print(message, flush=True)
        outcome["code"] = code
        qt_app.quit()

    def when_scheduled() -> None:
        if window.plan is None or window.plan.state.scheduling:
            return
        poll.stop()
        if screenshot is not None:
            window.grab().save(str(screenshot))
        finish(0, f"window: {window.windowTitle()}")

    poll = QTimer(window)
    poll.timeout.connect(when_scheduled)
    window.plan_opened.connect(lambda _path: poll.start(50))
    window.plan_failed.connect(lambda *why: finish(1, f"the plan did not open: {why}"))
    QTimer.singleShot(120_000, lambda: finish(1, "the plan was not shown within two minutes"))
    print(f"ui from: {Path(ui.__file__).parent}", flush=True)
    window.open_plan(plan)
    qt_app.exec()
    window.close()
    return outcome["code"]


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    sys.exit(main(args[0], args[1], args[2] if len(args) == 3 else None))
