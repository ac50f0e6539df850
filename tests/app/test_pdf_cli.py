"""`gantry export runbook|record`: files written, exit codes, and the plan left as it was."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from app.cli import run
from app.demo import build_demo
from app.plan import Plan
from app.signing.record import signatures
from app.store import PlanStore
from tests.app.signing_keys import PASSWORD, own_key
from tests.fixed_dates import DEMO_TODAY
from tests.processes import run_bounded

RELEASE = "Atlas 3.5"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


def _run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("kind", "paper", "size"), [("runbook", "a4", "A4"), ("record", "letter", "letter")]
)
def test_export_writes_the_document_and_leaves_the_plan_alone(
    demo: Path, tmp_path: Path, kind: str, paper: str, size: str
) -> None:
    before = _digest(demo)
    target = tmp_path / f"{kind}.pdf"
    code, out, err = _run("export", kind, demo, target, "--release", RELEASE, "--paper", paper)
    assert code == 0, err
    assert out.startswith(f"Wrote {target}: ") and "5 signature fields" in out
    assert _digest(demo) == before
    info = run_bounded(["pdfinfo", target], timeout=60, check=True).stdout.decode()
    assert size in info
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_refusals_exit_1_with_the_reason_and_write_nothing(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    code, _out, err = _run("export", "runbook", demo, target, "--release", "Nope")
    assert code == 1 and "Nope" in err
    code, _out, err = _run("export", "record", demo, target, "--release", "Nope")
    assert code == 1 and "Nope" in err
    code, _out, err = _run("export", "runbook", demo, target, "--release", "Atlas 3.6")
    assert code == 1 and "has no runbook" in err
    code, _out, err = _run("export", "runbook", demo, tmp_path / "out.txt", "--release", RELEASE)
    assert code == 1 and ".pdf" in err
    code, _out, err = _run(
        "export", "record", tmp_path / "missing.gantry", target, "--release", RELEASE
    )
    assert code == 1
    assert not target.exists() and not (tmp_path / "missing.gantry").exists()


def test_usage_errors_exit_2(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    assert _run("export", "runbook", demo, target)[0] == 2  # --release is required
    assert _run("export", "record", demo, target, "--release", RELEASE, "--paper", "a3")[0] == 2
    assert not target.exists()


def test_export_signs_at_once_certifies_records_and_a_second_signer_approves(
    tmp_path: Path,
) -> None:
    plan_path = tmp_path / "demo.gantry"
    with PlanStore.open(plan_path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    author, author_pem = own_key(tmp_path, "Priya Raman", "priya@atlas.example")
    reviewer, reviewer_pem = own_key(tmp_path, "Marcus Chen", "marcus@atlas.example")
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    exported, signed = tmp_path / "runbook.pdf", tmp_path / "runbook-reviewed.pdf"

    code, out, err = _run(
        "export", "runbook", plan_path, exported, "--release", RELEASE,
        "--sign", author, "--meaning", "authored", "--password-file", secret,
    )  # fmt: skip
    assert code == 0, err
    assert "Priya Raman certified and signed it (authored)" in out
    code, _out, err = _run(
        "sign", exported, signed, "--key", reviewer, "--meaning", "reviewed",
        "--password-file", secret,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = _run("verify", signed, "--trust", author_pem, "--trust", reviewer_pem)
    assert code == 0, out + err
    assert "Priya Raman" in out and "Marcus Chen" in out

    plan = Plan.open(plan_path, read_only=True)
    try:
        rows = signatures(plan, plan.releases.find(RELEASE).id)
    finally:
        plan.close()
    assert [(r.document_kind, r.signer, r.meaning, r.revision) for r in rows] == [
        ("runbook", "Priya Raman", "authored", rows[0].revision)
    ]
    assert rows[0].sha256 == _digest(exported)


def test_export_with_a_wrong_password_writes_nothing_and_records_nothing(
    demo: Path, tmp_path: Path
) -> None:
    key, _pem = own_key(tmp_path, "Priya Raman")
    secret = tmp_path / "password.txt"
    secret.write_text("not it", encoding="utf-8")
    before = _digest(demo)
    target = tmp_path / "runbook.pdf"
    code, _out, err = _run(
        "export", "runbook", demo, target, "--release", RELEASE,
        "--sign", key, "--meaning", "authored", "--password-file", secret,
    )  # fmt: skip
    assert code == 1 and "password" in err
    assert not target.exists() and _digest(demo) == before
    code, _out, err = _run("export", "runbook", demo, target, "--release", RELEASE, "--sign", key)
    assert code == 1 and "--meaning" in err
