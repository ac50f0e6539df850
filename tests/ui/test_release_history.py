"""The release's history in the properties panel shows the signatures recorded for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.signing.keys import load_key
from app.signing.record import record_signature
from app.signing.sign import sign_pdf
from tests.app.plan_factory import make_plan
from tests.app.signing_keys import PASSWORD, own_key
from tests.app.signing_pdfs import signature_document
from tests.ui.conftest import OpenIn
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_a_recorded_signature_shows_in_the_release_history(
    window: MainWindow, open_in: OpenIn, tmp_path: Path
) -> None:
    make_plan(tmp_path / "p.gantry").close()
    open_in(window, tmp_path / "p.gantry")
    plan = window.plan
    assert plan is not None
    release = plan.releases.find("R1")
    window.navigator.select_release(release.id)
    window.navigator.release_selected.emit(release.id)
    form = window.properties.release_form
    assert "signed the" not in form.shown("history")

    key, _pem = own_key(tmp_path, "Zoë Ångström", "zoe@example.org")
    signed = sign_pdf(
        signature_document(tmp_path / "runbook.pdf"),
        tmp_path / "signed.pdf",
        load_key(key, PASSWORD),
        "authored",
        dt.datetime(2026, 11, 30, 14, 5, tzinfo=dt.UTC),
    )
    record_signature(plan, release.id, "runbook", "RB-R1", 2, signed)
    history = form.shown("history")  # refreshed by the change notice, no reselection
    assert "Zoë Ångström signed the runbook RB-R1 revision 2 as <b>authored</b>" in history
    assert "on 2026-11-30 14:05 UTC" in history
    assert signed.sha256[:16] in history
