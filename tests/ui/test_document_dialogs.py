"""File › Export › Runbook or Record PDF…, File › Verify a PDF… and File › Print Document…:
real plans, real keys, the files checked by poppler and by `gantry verify`."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintPreviewWidget
from pytestqt.qtbot import QtBot

from app.cli import run
from app.pdf.signed_export import Signer, export_document, prepare
from app.plan import Plan
from app.signing.keys import load_key
from app.signing.record import release_history, signatures
from tests.app.signing_keys import PASSWORD, own_key
from tests.fixed_dates import DEMO_TODAY
from tests.processes import run_bounded
from tests.ui.conftest import OpenIn
from ui.document_export_dialog import DocumentDialog
from ui.document_print import DocumentPreview
from ui.main_window import MainWindow
from ui.verify_dialog import VerifyDialog

pytestmark = pytest.mark.gui

RELEASE = "Atlas 3.5"
NOW = dt.datetime.combine(DEMO_TODAY, dt.time(12), dt.UTC)


@pytest.fixture
def plan(demo_plan: Path) -> Iterator[Plan]:
    opened = Plan.open(demo_plan, schedule=False)
    yield opened
    opened.close()


def _dialog(qtbot: QtBot, plan: Plan, target: Path, kind: str = "runbook") -> DocumentDialog:
    dialog = DocumentDialog(plan, NOW, kind, export=True)
    qtbot.addWidget(dialog)
    dialog.release.setCurrentIndex(dialog.release.findData(RELEASE))
    dialog.path.setText(str(target))
    return dialog


def _sign_with(dialog: DocumentDialog, key: Path, password: str) -> None:
    dialog.sign.setChecked(True)
    dialog.key.setText(str(key))
    dialog.password.setText(password)
    dialog.meaning.setCurrentIndex(dialog.meaning.findData("authored"))


def _release_id(plan: Plan) -> int:
    return plan.releases.find(RELEASE).id


def test_exports_an_unsigned_record_and_leaves_no_scratch(
    qtbot: QtBot, plan: Plan, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "record.pdf"
    dialog = _dialog(qtbot, plan, target, "record")
    dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
    with qtbot.waitSignal(dialog.accepted, timeout=60000):
        dialog.ok_button.click()
    assert dialog.summary() == f"Exported record.pdf: release record of {RELEASE}"
    info = run_bounded(["pdfinfo", target], timeout=60, check=True).stdout.decode()
    assert "letter" in info and "Pages:" in info
    fonts = run_bounded(["pdffonts", target], timeout=60, check=True).stdout.decode()
    assert "yes yes" in fonts  # embedded and subset: it prints the same anywhere
    assert [p.name for p in folder.iterdir()] == ["record.pdf"]
    assert signatures(plan, _release_id(plan)) == []


def test_signs_records_and_verifies(qtbot: QtBot, plan: Plan, tmp_path: Path) -> None:
    key, certificate = own_key(tmp_path, "Ada Lovelace")
    target = tmp_path / "runbook.pdf"
    dialog = _dialog(qtbot, plan, target)
    _sign_with(dialog, key, PASSWORD)
    dialog.name.setText("Ada L.")
    with qtbot.waitSignal(dialog.accepted, timeout=60000):
        dialog.ok_button.click()
    assert dialog.summary().endswith("signed by Ada L. (authored)")
    out, err = io.StringIO(), io.StringIO()
    assert run(["verify", str(target), "--trust", str(certificate)], out, err) == 0, out.getvalue()
    assert "meaning:   authored" in out.getvalue()
    [row] = signatures(plan, _release_id(plan))
    assert (row.signer, row.meaning, row.document_kind) == ("Ada L.", "authored", "runbook")
    # What the Properties panel shows as the release's history.
    assert release_history(plan, row.release_id)[0].entity == "document_signatures"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["runbook.pdf"]


def test_a_wrong_password_is_said_and_nothing_is_written(
    qtbot: QtBot, plan: Plan, tmp_path: Path
) -> None:
    key, _certificate = own_key(tmp_path, "Ada Lovelace")
    target = tmp_path / "runbook.pdf"
    dialog = _dialog(qtbot, plan, target)
    _sign_with(dialog, key, "wrong horse")
    dialog.ok_button.click()
    assert dialog.problems.isVisibleTo(dialog)
    assert dialog.problems.text() == "Nothing was written: the password for ada.p12 is wrong."
    assert dialog.ok_button.isEnabled() and not dialog.working
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ada.p12",
        "ada.pem",
        "p.gantry",
        "p.gantry.lock",
    ]
    assert signatures(plan, _release_id(plan)) == []


def test_cancel_while_writing_leaves_nothing(qtbot: QtBot, plan: Plan, tmp_path: Path) -> None:
    key, _certificate = own_key(tmp_path, "Ada Lovelace")
    target = tmp_path / "runbook.pdf"
    dialog = _dialog(qtbot, plan, target)
    _sign_with(dialog, key, PASSWORD)
    dialog.show()
    dialog.ok_button.click()
    assert dialog.working
    dialog.reject()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.working, timeout=60000)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ada.p12",
        "ada.pem",
        "p.gantry",
        "p.gantry.lock",
    ]
    assert signatures(plan, _release_id(plan)) == []


@pytest.fixture
def signed(demo_plan: Path, tmp_path: Path) -> tuple[Path, Path]:
    key, certificate = own_key(tmp_path, "Ada Lovelace")
    target = tmp_path / "record.pdf"
    signer = Signer(load_key(key, PASSWORD), "authored")
    export_document(demo_plan, "record", RELEASE, "a4", target, NOW, signer)
    return target, certificate


def test_verify_shows_a_valid_file_in_green(qtbot: QtBot, signed: tuple[Path, Path]) -> None:
    pdf, certificate = signed
    dialog = VerifyDialog(NOW)
    qtbot.addWidget(dialog)
    dialog.file.setText(str(pdf))
    dialog.trust.setText(str(certificate))
    dialog.verify_button.click()
    assert dialog.ok is True
    assert dialog.verdict.text() == "✔ Valid: 1 signature, all intact and trusted"
    assert "#166534" in dialog.verdict.styleSheet()
    report = dialog.report.toPlainText()
    assert "Ada Lovelace" in report and "meaning:   authored" in report
    assert "covers:    the whole file" in report and "trusted:   yes" in report


def test_verify_shows_a_changed_file_in_red(qtbot: QtBot, signed: tuple[Path, Path]) -> None:
    pdf, _certificate = signed
    data = bytearray(pdf.read_bytes())
    at = data.index(b"stream", data.index(b"/Contents")) + 40  # inside what the signature covers
    data[at] ^= 0x01
    pdf.write_bytes(bytes(data))
    dialog = VerifyDialog(NOW)
    qtbot.addWidget(dialog)
    dialog.file.setText(str(pdf))
    dialog.verify_button.click()
    assert dialog.ok is False
    assert dialog.verdict.text() == (
        "✘ NOT valid: Signature1: the file was changed inside what this signature covers"
    )
    assert "#991b1b" in dialog.verdict.styleSheet()
    assert "intact:    NO" in dialog.report.toPlainText()


def test_verify_says_why_a_file_cannot_be_read(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = VerifyDialog(NOW)
    qtbot.addWidget(dialog)
    dialog.file.setText(str(tmp_path / "missing.pdf"))
    dialog.verify_button.click()
    assert dialog.ok is False and "missing.pdf" in dialog.report.toPlainText()


def test_print_preview_pages_the_document(qtbot: QtBot, plan: Plan) -> None:
    document = prepare(plan, "runbook", RELEASE, "a4", NOW).document
    preview = DocumentPreview(document)
    qtbot.addWidget(preview)
    preview.open()
    widget = preview.findChild(QPrintPreviewWidget)
    assert widget is not None
    widget.updatePreview()
    # A page for the cover, one at least per section, one for the signature blocks.
    assert widget.pageCount() == preview.page_count() >= len(document.sections) + 2
    preview.close()


def test_the_print_dialog_hands_the_document_to_the_preview(qtbot: QtBot, plan: Plan) -> None:
    dialog = DocumentDialog(plan, NOW, "record", export=False)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.text() == "Preview…" and not dialog.sign.isVisibleTo(dialog)
    dialog.release.setCurrentIndex(dialog.release.findData(RELEASE))
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    assert dialog.prepared is not None and dialog.exported is None
    assert dialog.prepared.document.cover.release == RELEASE


def test_the_file_menu_offers_export_print_and_verify(
    qtbot: QtBot, window: MainWindow, demo_plan: Path, tmp_path: Path, open_in: OpenIn
) -> None:
    acts = window.menu_actions
    assert not acts.export_document.isEnabled() and acts.verify_pdf.isEnabled()
    open_in(window, demo_plan)
    file_menu = window.menuBar().actions()[0].menu()
    export_menu = next(a.menu() for a in file_menu.actions() if a.text() == "E&xport")
    assert acts.export_document in export_menu.actions()
    assert {acts.print_document, acts.verify_pdf} <= set(file_menu.actions())
    acts.export_document.trigger()
    dialog = window.findChild(DocumentDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.release.setCurrentIndex(dialog.release.findData(RELEASE))
    dialog.path.setText(str(tmp_path / "runbook.pdf"))
    with qtbot.waitSignal(dialog.accepted, timeout=60000):
        dialog.ok_button.click()
    assert window.status.currentMessage() == f"Exported runbook.pdf: runbook of {RELEASE}"
    acts.print_document.trigger()
    printing = [d for d in window.findChildren(DocumentDialog) if d.isVisible()]
    assert [d.ok_button.text() for d in printing] == ["Preview…"]
    with qtbot.waitSignal(printing[0].accepted):
        printing[0].ok_button.click()
    preview = window.findChild(DocumentPreview)
    assert preview is not None and preview.isVisible()
    preview.close()
    acts.verify_pdf.trigger()
    verify = window.findChild(VerifyDialog)
    assert verify is not None and verify.isVisible()
    verify.close()
