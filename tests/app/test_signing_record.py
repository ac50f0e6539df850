"""Signatures recorded in the plan: through the unit of work, audited, in the release's history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest

from app import audit
from app.cli import run
from app.errors import ValidationError
from app.plan import Plan
from app.signing.keys import load_key
from app.signing.record import record_signature, release_history, signatures
from app.signing.sign import Signed, sign_pdf
from app.store import PlanStore
from tests.app.plan_factory import make_plan
from tests.app.signing_keys import PASSWORD, own_key
from tests.app.signing_pdfs import signature_document

SIGNED_AT = dt.datetime(2026, 11, 30, 14, 5, 9, 123456, tzinfo=dt.UTC)


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    make_plan(tmp_path / "p.gantry").close()
    return tmp_path / "p.gantry"


@pytest.fixture
def signed(tmp_path: Path) -> Signed:
    key, _pem = own_key(tmp_path, "Zoë Ångström", "zoe@example.org")
    doc = signature_document(tmp_path / "runbook.pdf")
    return sign_pdf(doc, tmp_path / "signed.pdf", load_key(key, PASSWORD), "authored", SIGNED_AT)


def test_a_recorded_signature_is_audited_and_in_the_release_history(
    plan_path: Path, signed: Signed
) -> None:
    plan = Plan.open(plan_path)
    try:
        release = plan.releases.find("R1")
        heard = []
        plan.uow.subscribe(heard.append)
        new_id = record_signature(plan, release.id, "runbook", "RB-R1", 3, signed)
        (row,) = signatures(plan, release.id)
        assert row.id == new_id
        assert (row.document_kind, row.document_id, row.revision) == ("runbook", "RB-R1", 3)
        assert (row.signer, row.meaning) == ("Zoë Ångström", "authored")
        assert row.signed_at == SIGNED_AT.replace(microsecond=0)
        assert row.sha256 == signed.sha256 == _sha256(signed.path)
        assert row.certificate_fingerprint == signed.fingerprint
        assert heard[-1].created == {"document_signatures": frozenset({new_id})}
        history = release_history(plan, release.id)
        assert history[0].entity == "document_signatures"
        assert history[0].action == "create"
        assert history[0].reason == ("Zoë Ångström signed the runbook RB-R1 revision 3 (authored)")
        assert ("sha256", None, signed.sha256) in history[0].changes
        assert plan.verify_audit().ok
    finally:
        plan.close()


def test_the_same_file_twice_and_bad_values_are_refused(plan_path: Path, signed: Signed) -> None:
    plan = Plan.open(plan_path)
    try:
        release = plan.releases.find("R1")
        record_signature(plan, release.id, "record", "REC-R1", 1, signed)
        with pytest.raises(ValidationError, match="signed.pdf .* is recorded"):
            record_signature(plan, release.id, "record", "REC-R1", 1, signed)
        other = dataclasses.replace(signed, sha256="0" * 64)
        with pytest.raises(ValidationError) as refused:
            record_signature(plan, 999, "memo", " ", 0, other)
        assert refused.value.problems == [
            "'memo' is not a document kind; one of runbook, record",
            "the document id is empty",
            "revision 0 is not a revision (they count from 1)",
            "there is no release #999",
        ]
        assert len(signatures(plan, release.id)) == 1
    finally:
        plan.close()


def test_another_release_history_does_not_show_it(plan_path: Path, signed: Signed) -> None:
    plan = Plan.open(plan_path)
    try:
        first = plan.releases.find("R1").id
        second = plan.releases.create("R2")
        record_signature(plan, first, "runbook", "RB-R1", 1, signed)
        assert all(e.entity != "document_signatures" for e in release_history(plan, second))
        assert [e.action for e in release_history(plan, second)] == ["create"]
    finally:
        plan.close()


def test_gantry_sign_records_in_the_plan(plan_path: Path, tmp_path: Path) -> None:
    key, _pem = own_key(tmp_path, "Kim Lee", "kim@example.org")
    doc = signature_document(tmp_path / "runbook.pdf")
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD)
    out, err = io.StringIO(), io.StringIO()
    args = ["sign", doc, tmp_path / "one.pdf", "--key", key, "--meaning", "authored"]
    args += ["--password-file", secret, "--plan", plan_path, "--release", "R1"]
    args += ["--document", "runbook", "--document-id", "RB-R1", "--revision", "2"]
    code = run([str(a) for a in args], out, err)
    assert (code, err.getvalue()) == (0, "")
    assert f"Recorded in {plan_path} under R1." in out.getvalue()
    plan = Plan.open(plan_path, read_only=True)
    try:
        (row,) = signatures(plan, plan.releases.find("R1").id)
    finally:
        plan.close()
    assert (row.signer, row.revision, row.sha256) == ("Kim Lee", 2, _sha256(tmp_path / "one.pdf"))
    with PlanStore.open(plan_path, read_only=True) as store, store.snapshot() as session:
        assert audit.verify(session).ok


def test_gantry_sign_refuses_an_unknown_release_before_signing(
    plan_path: Path, tmp_path: Path
) -> None:
    key, _pem = own_key(tmp_path, "Kim Lee")
    doc = signature_document(tmp_path / "runbook.pdf")
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD)
    out, err = io.StringIO(), io.StringIO()
    args = ["sign", doc, tmp_path / "one.pdf", "--key", key, "--meaning", "authored"]
    args += ["--password-file", secret, "--plan", plan_path, "--release", "Nope"]
    args += ["--document", "runbook", "--document-id", "RB", "--revision", "1"]
    assert run([str(a) for a in args], out, err) == 1
    assert not (tmp_path / "one.pdf").exists()
    half = ["sign", doc, tmp_path / "one.pdf", "--key", key, "--meaning", "authored"]
    assert run([str(a) for a in [*half, "--plan", plan_path]], out, err) == 1
    assert "needs --release, --document, --document-id, --revision as well" in err.getvalue()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
