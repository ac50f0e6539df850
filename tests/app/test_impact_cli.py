"""`gantry impact`: the contract's CSV columns, JSON and table, exit codes, the file untouched."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from app.cli import run
from app.impact import IMPACT_COLUMNS
from app.store import lock_path
from tests.app.plan_factory import edit_outside_gantry, make_plan


def gantry(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """R1 (target 16 January) with phase R1-P holding A(3) -> B(2) -> M, and C SS A+1."""
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    return path


def test_csv_lists_what_moves_in_the_contract_columns(plan: Path) -> None:
    before = digest(plan)
    code, out, err = gantry("impact", plan, "--item", "A", "--slip", "2", "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == IMPACT_COLUMNS
    # A 5-7 becomes 5-12 (the 9th is a holiday), so B 8-12 becomes 13-14 and M follows it.
    assert [",".join(row) for row in rows[1:]] == [
        "R1,R1-P,Build,phase,2026-01-05,2026-01-12,2026-01-05,2026-01-14,2",
        "R1,A,Design,task,2026-01-05,2026-01-07,2026-01-05,2026-01-12,2",
        "R1,B,Build it,task,2026-01-08,2026-01-12,2026-01-13,2026-01-14,2",
        "R1,M,GA,milestone,2026-01-12,2026-01-12,2026-01-14,2026-01-14,2",
    ]
    assert digest(plan) == before and not lock_path(plan).exists()


def test_json_and_table_say_which_release_misses_its_target(plan: Path) -> None:
    code, out, _ = gantry("impact", plan, "--item", "B", "--slip", "5", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["item"] == "B"
    assert data["change"] == {
        "field": "duration",
        "old": 2,
        "new": 7,
        "text": "B finishes 5 working days later: its duration grows from 2 to 7",
    }
    assert [i["key"] for i in data["items"]] == ["R1-P", "B", "M"]
    assert set(data["items"][0]) == set(IMPACT_COLUMNS)
    assert data["releases"] == [
        {
            "name": "R1",
            "version": "1.0",
            "target": "2026-01-16",
            "finish": "2026-01-12",
            "new_finish": "2026-01-19",
            "finish_delta": 5,
            "late_by": 0,
            "new_late_by": 1,
            "misses_target": True,
        }
    ]
    code, out, _ = gantry("impact", plan, "--item", "B", "--slip", "5")
    lines = out.splitlines()
    assert code == 0 and lines[0] == (
        "B finishes 5 working days later: its duration grows from 2 to 7: 3 items move; "
        "R1 misses its target."
    )
    assert lines[2].split() == "Release Key Name Kind Start Finish New start New finish Δ".split()
    assert lines[-1] == (
        "R1: finishes 2026-01-19 (was 2026-01-12, +5 working days), target 2026-01-16: "
        "LATE by 1 working day (was on time)"
    )


def test_a_milestone_slip_says_what_it_means(plan: Path) -> None:
    code, out, _ = gantry("impact", plan, "--item", "M", "--slip", "1")
    assert code == 0
    assert out.splitlines()[0] == (
        "M is a milestone, which has no duration: slipping it 1 working day sets its "
        "not-before date to 2026-01-13, 1 working day after the day it shows on (2026-01-12): "
        "1 item moves."
    )


def test_a_slip_of_nothing_moves_nothing(plan: Path) -> None:
    assert gantry("impact", plan, "--item", "A", "--slip", "0") == (
        0,
        "A slip of 0 working days: nothing moves.\n",
        "",
    )
    code, out, _ = gantry("impact", plan, "--item", "A", "--slip", "0", "--format", "csv")
    assert (code, out) == (0, ",".join(IMPACT_COLUMNS) + "\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--item", "a", "--slip", "1"), "gantry: No work item with key 'a'; did you mean 'A'?"),
        (("--item", "R1-P", "--slip", "1"), "gantry: R1-P is a phase: its dates come from"),
        (("--item", "A", "--slip", "-4"), "gantry: A takes 3 working days: it cannot finish"),
    ],
)
def test_refusals_exit_1_with_one_sentence(plan: Path, args: tuple[str, ...], message: str) -> None:
    before = digest(plan)
    code, out, err = gantry("impact", plan, *args)
    assert (code, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert digest(plan) == before


def test_a_plan_with_a_cycle_is_refused_naming_it(plan: Path) -> None:
    edit_outside_gantry(
        plan,
        "INSERT INTO dependencies (predecessor_id, successor_id, type, lag) "
        "SELECT m.id, a.id, 'FS', 0 FROM work_items m, work_items a "
        "WHERE m.key = 'M' AND a.key = 'A'",
    )
    code, _, err = gantry("impact", plan, "--item", "A", "--slip", "1")
    assert code == 1 and "Dependency cycle: A -> B -> M -> A" in err


@pytest.mark.parametrize(
    "args",
    [
        ("--item", "A"),
        ("--slip", "1"),
        ("--item", "A", "--slip", "two"),
        ("--item", "A", "--slip", "1", "--format", "xml"),
    ],
)
def test_usage_errors_exit_2(plan: Path, args: tuple[str, ...]) -> None:
    code, out, _ = gantry("impact", plan, *args)
    assert (code, out) == (2, "")


def test_a_missing_plan_exits_1(tmp_path: Path) -> None:
    code, _, err = gantry("impact", tmp_path / "none.gantry", "--item", "A", "--slip", "1")
    assert code == 1 and err.startswith("gantry: ")
    assert not (tmp_path / "none.gantry").exists()
