"""The command line contract: outputs, exit codes 0/1/2, one-sentence errors, files untouched."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import SCHEDULE_COLUMNS, run
from app.plan import Plan
from app.store import PlanStore, lock_path
from main import main
from tests.app.plan_factory import edit_outside_gantry, make_plan, plan_for

ROOT = Path(__file__).resolve().parents[2]


def gantry(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    return path


def test_schedule_csv_has_the_contract_columns(plan: Path) -> None:
    code, out, err = gantry("schedule", plan, "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == SCHEDULE_COLUMNS
    by_key = {r[1]: r for r in rows[1:]}
    assert by_key["A"] == [
        "R1",
        "A",
        "Design",
        "task",
        "2026-01-05",
        "2026-01-07",
        "4",
        "0",
        "false",
    ]
    assert by_key["M"][3:6] == ["milestone", "2026-01-12", "2026-01-12"]
    assert by_key["C"][8] == "false"


def test_schedule_json_and_table(plan: Path) -> None:
    code, out, _ = gantry("schedule", plan, "--format", "json", "--release", "R1")
    data = json.loads(out)
    assert code == 0 and data["releases"][0]["name"] == "R1"
    assert {i["key"] for i in data["items"]} == {"R1-P", "A", "B", "C", "M"}
    code, out, _ = gantry("schedule", plan)
    assert code == 0 and "Design" in out
    assert out.splitlines()[-1] == "R1: finishes 2026-01-12, target 2026-01-16: on time"
    opened = Plan.open(plan)
    (release,) = opened.releases.rows()
    opened.releases.update(release.id, "target_date", None)
    opened.releases.create("R2", "2.0")
    opened.close()
    code, out, _ = gantry("schedule", plan)
    assert out.splitlines()[-2:] == [
        "R1: finishes 2026-01-12, no target",
        "R2: no work items to schedule",
    ]


def test_schedule_never_writes(plan: Path) -> None:
    before = plan.read_bytes()
    gantry("schedule", plan, "--format", "csv")
    gantry("audit", "verify", plan)
    assert plan.read_bytes() == before
    assert not lock_path(plan).exists()


def test_unknown_release_exits_1(plan: Path) -> None:
    code, out, err = gantry("schedule", plan, "--release", "Nope")
    assert code == 1 and out == ""
    assert err.strip() == "gantry: No release named 'Nope'; the plan has: R1"


def test_cycle_is_reported_with_every_item(plan: Path) -> None:
    edit_outside_gantry(
        plan,
        "INSERT INTO dependencies (predecessor_id, successor_id, type, lag) "
        "SELECT m.id, a.id, 'FS', 0 FROM work_items m, work_items a "
        "WHERE m.key = 'M' AND a.key = 'A'",
    )
    before = plan.read_bytes()
    code, _, err = gantry("schedule", plan)
    assert code == 1
    assert "cycle" in err.lower() and all(k in err for k in ("A", "B", "M"))
    assert len(err.strip().splitlines()) == 1
    assert plan.read_bytes() == before


@pytest.mark.parametrize("damage", ["text", "truncated", "newer"])
def test_bad_plan_files_exit_1_untouched(tmp_path: Path, plan: Path, damage: str) -> None:
    if damage == "text":
        plan.write_text("hello")
    elif damage == "truncated":
        plan.write_bytes(plan.read_bytes()[:3000])
    else:
        edit_outside_gantry(plan, "UPDATE alembic_version SET version_num = 'zzzz'")
    before = plan.read_bytes()
    for args in (("schedule", plan), ("audit", "verify", plan)):
        code, out, err = gantry(*args)
        assert code == 1, err
        assert err.startswith("gantry: ") and "Traceback" not in err
        assert plan.read_bytes() == before


def test_an_unexpected_error_is_one_sentence_with_the_details_on_request(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An outline position written as text outside Gantry: SQLite keeps it, ordering trips.
    edit_outside_gantry(plan, "UPDATE work_items SET position = 'abc' WHERE key = 'A'")
    code, out, err = gantry("schedule", plan)
    assert (code, out) == (1, "")
    assert err.startswith("gantry schedule: stopped by an unexpected error (TypeError: ")
    assert err.endswith("; run it again with GANTRY_DEBUG=1 to see the details.\n")
    assert err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.setenv("GANTRY_DEBUG", "1")
    code, _, err = gantry("schedule", plan)
    assert code == 1
    assert "Traceback (most recent call last)" in err and "app/plan_state" in err


def test_data_the_scheduler_cannot_use_is_one_sentence(plan: Path) -> None:
    # A duration written as text outside Gantry: the scheduler trips on it, and says so.
    edit_outside_gantry(plan, "UPDATE work_items SET duration = 'abc' WHERE key = 'A'")
    code, out, err = gantry("schedule", plan)
    assert (code, out) == (1, "")
    assert err.startswith("gantry: Scheduling failed: ") and err.count("\n") == 1


def test_audit_verify_passes_then_names_an_outside_edit(plan: Path) -> None:
    code, out, _ = gantry("audit", "verify", plan)
    assert code == 0 and "Audit trail intact" in out
    edit_outside_gantry(plan, "UPDATE work_items SET name = 'Sneaky' WHERE key = 'B'")
    code, out, _ = gantry("audit", "verify", plan)
    assert code == 1
    assert "work_items #" in out and "(B)" in out and "'Sneaky'" in out


def test_demo_refuses_an_existing_file_and_a_locked_path(tmp_path: Path, plan: Path) -> None:
    before = plan.read_bytes()
    code, _, err = gantry("demo", plan)
    assert code == 1 and "already exists" in err
    assert plan.read_bytes() == before
    target = tmp_path / "locked.gantry"
    lock_path(target).write_text(
        '{"user": "bob", "host": "elsewhere", "pid": 1, "since": "2026-11-29T09:00:00"}'
    )
    code, _, err = gantry("demo", target)
    assert code == 1 and "bob on elsewhere (process 1) since 29 Nov 2026 09:00" in err
    assert not target.exists()


def test_usage_errors_exit_2(plan: Path) -> None:
    assert gantry("schedule")[0] == 2
    assert gantry("schedule", plan, "--format", "xml")[0] == 2
    assert gantry("frobnicate")[0] == 2


def test_console_entry_point_runs_headless(plan: Path) -> None:
    """`python main.py` is the same program as `gantry`, and needs no display."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "schedule", str(plan), "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ",".join(SCHEDULE_COLUMNS)


def test_the_window_without_a_display_is_a_clear_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), str(tmp_path / "p.gantry")],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("gantry: no display") and "Traceback" not in result.stderr


def test_demo_is_built_around_the_day_given_with_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "leap.gantry"
    code, out, _ = gantry("demo", target, "--today", "2028-02-29")
    assert code == 0 and "Wrote" in out
    with PlanStore.open(target, read_only=True) as store:
        releases = plan_for(store).releases.rows()
    in_flight = next(r for r in releases if r.status == "in_progress")
    assert in_flight.start_date is not None
    assert in_flight.start_date <= dt.date(2028, 2, 29) < (in_flight.finish or dt.date.min)
    code, _, _ = gantry("demo", tmp_path / "bad.gantry", "--today", "29/02/2028")
    assert code == 2 and "is not a date like 2027-01-31" in capsys.readouterr().err


HELP = "(gantry --help lists the commands)"


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("shedule", f"'shedule' is not a command or a plan file; did you mean 'schedule'? {HELP}"),
        ("audi", f"'audi' is not a command or a plan file; did you mean 'audit'? {HELP}"),
        ("frobnicate", f"'frobnicate' is not a command or a plan file {HELP}"),
    ],
    ids=["shedule", "audi", "frobnicate"],
)
def test_an_unknown_word_is_a_usage_error_naming_the_nearest_command(
    word: str, message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 5 §5: `gantry frobnicate` was taken for a plan path and opened the window."""
    for variable in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(variable, raising=False)  # a word taken for a plan fails, not hangs
    assert main([word, "plan.gantry"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"gantry: {message}\n")


def test_a_word_that_can_be_a_plan_still_opens_the_window(tmp_path: Path) -> None:
    """Only words that cannot be a plan are refused: these reach the GUI (no display here)."""
    existing = tmp_path / "frobnicate"
    existing.write_text("not a plan, but a file the user named")
    for word in ("shedule", "notes.gantry", "plans/shedule", str(existing)):
        result = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), word],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 2, result.stderr
        if word == "shedule":
            assert result.stderr.startswith("gantry: 'shedule' is not a command or a plan file")
        else:
            assert result.stderr.startswith("gantry: no display"), (word, result.stderr)


def test_version_names_the_release_and_the_plan_schema(capsys: pytest.CaptureFixture[str]) -> None:
    import app
    from app.schema import head_revision

    assert run(["--version"]) == 0
    out = capsys.readouterr().out
    assert out == f"gantry {app.__version__} (plan schema {head_revision()})\n"
