"""File › Export › Dashboard PDF…: the Dashboard tab's release and period on the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import run_bounded
from tests.ui.conftest import OpenIn, Reports
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_the_page_shows_what_the_tab_chose(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, demo_plan: Path, open_in: OpenIn, reports: Reports, tmp_path: Path
) -> None:
    window.show()
    open_in(window, demo_plan)
    assert window.menu_actions.export_dashboard.isEnabled()
    view = window.dashboard_view
    window.tabs.setCurrentWidget(view)
    view.release.setCurrentIndex(view.release.findText("Atlas 3.2"))
    report = view.report
    assert report is not None
    written = window.export_dashboard(tmp_path / "board")  # the suffix is added
    assert reports == []
    assert written == tmp_path / "board.pdf"
    text = " ".join(
        run_bounded(["pdftotext", written, "-"], timeout=120, check=True).stdout.decode().split()
    )
    period = report.period
    assert "Delivery metrics — Atlas Platform · Atlas 3.2" in text
    assert (
        f"Production deployments from {period.first.isoformat()} to {period.last.isoformat()}"
        in text
    )
    assert f"{report.plan.deployments} deployments, {report.plan.succeeded} succeeded" in text
    assert window.status.currentMessage().startswith("Exported board.pdf: Atlas 3.2, ")
