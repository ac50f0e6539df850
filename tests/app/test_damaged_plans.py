"""Damaged plan files: one clear sentence and exit 1 (or 0 if harmless), never a traceback,
never a hang, never a changed file. Seeded, so a failure here fails the same way again."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app.cli import run
from tests.app.plan_damage import damaged_copies, write_demo
from tests.processes import run_bounded

ROOT = Path(__file__).resolve().parents[2]
COPIES = 40
COMMANDS = (("schedule", "{plan}", "--format", "csv"), ("audit", "verify", "{plan}"))


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    data = write_demo(tmp_path_factory.mktemp("demo") / "demo.gantry")
    return damaged_copies(data, COPIES)


def _plan_copy(folder: Path, data: bytes) -> Path:
    path = folder / "damaged.gantry"
    path.write_bytes(data)
    return path


def _check_outcome(code: int, out: str, err: str, what: str) -> None:
    assert code in (0, 1), f"{what}: exit {code}: {err}"
    assert "Traceback" not in out + err, f"{what}: {err}"
    if code == 0 or err == "":
        # Success, or `audit verify` listing what it found on stdout (a damaged audit event
        # reads as one that was altered): nothing on stderr.
        assert err == "" and (code == 0 or out.startswith("Audit trail of")), f"{what}: {err}"
    else:
        assert err.startswith("gantry: ") and err.count("\n") == 1, f"{what}: {err!r}"


@pytest.mark.parametrize("n", range(COPIES))
def test_a_damaged_plan_gets_one_sentence(
    tmp_path: Path, copies: list[tuple[str, bytes]], n: int
) -> None:
    what, data = copies[n]
    path = _plan_copy(tmp_path, data)
    for command in COMMANDS:
        out, err = io.StringIO(), io.StringIO()
        code = run([arg.format(plan=path) for arg in command], out, err)
        _check_outcome(
            code, out.getvalue(), err.getvalue(), f"copy {n} ({what}), gantry {command[0]}"
        )
        assert path.read_bytes() == data, f"copy {n} ({what}) was changed by {command[0]}"
    assert list(tmp_path.iterdir()) == [path]  # no lock, journal or backup left behind


@pytest.mark.parametrize("n", [7, 0, 1, 2])  # a cut copy and three with bytes changed
def test_no_traceback_reaches_a_real_stderr(
    tmp_path: Path, copies: list[tuple[str, bytes]], n: int
) -> None:
    what, data = copies[n]
    path = _plan_copy(tmp_path, data)
    for command in COMMANDS:
        result = run_bounded(
            [sys.executable, str(ROOT / "main.py"), *(a.format(plan=path) for a in command)],
            timeout=120,
            text=True,
        )
        _check_outcome(
            result.returncode, result.stdout, result.stderr, f"main.py {command[0]} on {what}"
        )
        if what.startswith("cut"):
            assert "is damaged and cannot be read" in result.stderr
        assert path.read_bytes() == data
