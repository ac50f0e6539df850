"""`gantry runbook`: the contract's formats and exit codes, read-only on the demo plan."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from app.cli import run
from app.demo import build_demo
from app.store import PlanStore
from tests.fixed_dates import DEMO_TODAY

RELEASE = "Atlas 3.5"  # the demo's release in flight


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gantry"
    with PlanStore.open(path, create=True) as store:
        build_demo(store, DEMO_TODAY)
    return path


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_table_lists_the_steps_with_planned_offsets(demo: Path) -> None:
    before = _digest(demo)
    code, out, err = _run("runbook", str(demo), "--release", RELEASE)
    assert (code, err) == (0, "")
    assert "Atlas 3.5 production deployment  T0 2027-01-04 19:00, 140 minutes" in out
    assert "Fits the change window Atlas 3.5 production change" in out
    assert "Publish the mobile app release [PONR]" in out
    assert _digest(demo) == before  # opened read-only: the file is as it was


def test_csv_with_a_run_has_its_actuals(demo: Path) -> None:
    before = _digest(demo)
    code, out, _err = _run(
        "runbook", str(demo), "--release", RELEASE, "--run", "2", "--format", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 29
    first = rows[0]
    assert (first["position"], first["planned_start"], first["duration"]) == ("1", "0", "5")
    assert (first["run"], first["outcome"], first["critical"]) == ("2", "done", "true")
    assert first["started_at"] == "2026-11-30 06:00"
    assert rows[12]["outcome"] == "pending" and rows[12]["started_at"]  # under way
    assert rows[-1]["section"] == "Rollback" and rows[-1]["planned_start"] == ""
    assert _digest(demo) == before


def test_json_names_the_runs(demo: Path) -> None:
    code, out, _err = _run(
        "runbook", str(demo), "--release", RELEASE, "--run", "1", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["runs"][0]["kind"] == "rehearsal" and data["runs"][0]["status"] == "completed"
    assert data["runbooks"][0]["total_minutes"] == 140
    assert all(step["outcome"] == "done" for step in data["steps"] if step["section"] != "Rollback")


def test_refusals_and_usage_errors(demo: Path) -> None:
    code, _out, err = _run("runbook", str(demo), "--release", RELEASE, "--run", "9")
    assert code == 1 and "has a run 9" in err
    code, _out, err = _run("runbook", str(demo), "--release", "Nope")
    assert code == 1 and "Nope" in err
    code, _out, err = _run("runbook", str(demo), "--release", "Atlas 3.6")
    assert code == 1 and "has no runbook" in err
    code, _out, _err = _run("runbook", str(demo))
    assert code == 2
    code, _out, _err = _run("runbook", str(demo), "--release", RELEASE, "--format", "xml")
    assert code == 2
