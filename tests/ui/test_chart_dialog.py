"""Export Chart… and Print Chart…: the dialog writes files, the preview paints the pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

from app.plan import Plan
from app.timeline.pages import Fit
from tests.fixed_dates import DEMO_TODAY
from ui.chart_export_dialog import ChartDialog
from ui.chart_print import ChartPreview, print_chart, setup_printer
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def plan(demo_plan: Path) -> Plan:
    return Plan.open(demo_plan, read_only=True)


def test_export_dialog_writes_a_pdf_on_a_worker(qtbot, plan: Plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ChartDialog(plan, DEMO_TODAY, export=True)
    qtbot.addWidget(dialog)
    assert dialog.release.currentText() == "Atlas 3.5"  # the release in progress
    assert dialog.first.value() is not None and dialog.last.value() is not None
    out = tmp_path / "chart.pdf"
    dialog.path.setText(str(out))
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.ok_button.click()
    assert dialog.written == [out]
    assert out.read_bytes().startswith(b"%PDF-")
    assert dialog.summary().startswith("Exported the chart to chart.pdf: release Atlas 3.5")
    plan.close()


def test_export_dialog_shows_why_it_refuses(qtbot, plan: Plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ChartDialog(plan, DEMO_TODAY, export=True)
    qtbot.addWidget(dialog)
    dialog.first.setValue(DEMO_TODAY)
    dialog.last.setValue(DEMO_TODAY.replace(day=1))
    dialog.path.setText(str(tmp_path / "x.pdf"))
    dialog.ok_button.click()
    assert dialog.problems.isVisibleTo(dialog) and "before it starts" in dialog.problems.text()
    assert not (tmp_path / "x.pdf").exists()
    dialog.format.setCurrentIndex(dialog.format.findData("png"))
    assert dialog.path.text().endswith("x.png")
    plan.close()


def test_print_paints_every_page_into_a_printer(qtbot, plan: Plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ChartDialog(plan, DEMO_TODAY, export=False)
    qtbot.addWidget(dialog)
    dialog.fit.setCurrentIndex(dialog.fit.findData(Fit.TILES))
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    document = dialog.chart
    assert document is not None and len(document.layout.pages) > 1
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    setup_printer(printer, document)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    print_chart(printer, document)
    assert out.read_bytes().startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(
            [pdftotext, str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        count = len(document.layout.pages)
        assert text.count("\f") == count
        assert f"Page {count} of {count}" in text and "Atlas Platform" in text
    # The preview lays out the same pages.
    preview = ChartPreview(document)
    qtbot.addWidget(preview)
    preview.show()
    widget = preview.findChild(QPrintPreviewWidget)
    assert widget is not None
    qtbot.waitUntil(lambda: widget.pageCount() == len(document.layout.pages))
    preview.close()
    plan.close()


def test_file_menu_opens_both_dialogs(window: MainWindow, demo_plan: Path, open_in) -> None:  # type: ignore[no-untyped-def]
    assert not window.menu_actions.export_chart.isEnabled()
    open_in(window, demo_plan)
    assert window.menu_actions.export_chart.isEnabled()
    assert window.menu_actions.print_chart.isEnabled()
    for export in (True, False):
        dialog = window.chart_dialog(export=export)
        assert dialog is not None and dialog.isVisible()
        assert dialog.windowTitle() == ("Export Chart" if export else "Print Chart")
        dialog.reject()


def test_the_dialog_offers_the_releases_baselines(qtbot, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    dialog = ChartDialog(plan, DEMO_TODAY, export=True)
    qtbot.addWidget(dialog)
    release = plan.releases.row(dialog.release.currentData())
    names = [b.name for b in plan.baselines.rows(release.id)]
    offered = [dialog.baseline.itemText(n) for n in range(dialog.baseline.count())]
    assert offered == ["None", *names] and names
    assert dialog.request().baseline is None
    dialog.baseline.setCurrentIndex(len(names))
    assert dialog.request().baseline == names[-1]
    document = dialog.document()
    assert document is not None and document.content.baseline is not None
