"""The plan file: creation, refusal of bad files, the lock, read-only use, Save As."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, schema
from app import store as store_module
from app.errors import (
    PlanDamagedError,
    PlanLockedError,
    PlanOpenError,
    ReadOnlyPlanError,
    ValidationError,
)
from app.plan import Plan
from app.store import APPLICATION_ID, PlanLock, PlanStore, lock_path, take_over_lock
from models import Release, WorkItem
from tests.app.lock_race import Outcome, race
from tests.app.plan_factory import edit_outside_gantry, make_plan


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_create_marks_file_and_reaches_head(tmp_path: Path) -> None:
    path = tmp_path / "new.gantry"
    with PlanStore.open(path, create=True):
        assert lock_path(path).exists()
    assert not lock_path(path).exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert (
        conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == schema.head_revision()
    )
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_create_refuses_wrong_suffix_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(PlanOpenError, match="ends in .gantry"):
        PlanStore.open(tmp_path / "plan.db", create=True)
    with pytest.raises(PlanOpenError, match="does not exist"):
        PlanStore.open(tmp_path / "nope" / "plan.gantry", create=True)
    assert list(tmp_path.iterdir()) == []


def test_missing_plan_is_refused_without_create(tmp_path: Path) -> None:
    with pytest.raises(PlanOpenError, match="no plan at"):
        PlanStore.open(tmp_path / "missing.gantry")
    assert not (tmp_path / "missing.gantry").exists()


def test_text_file_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "notes.gantry"
    path.write_text("release notes, not a plan\n" * 10)
    before = _bytes(path)
    with pytest.raises(PlanOpenError, match="not a Gantry plan"):
        PlanStore.open(path)
    assert _bytes(path) == before
    assert not lock_path(path).exists()


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.gantry"
    edit_outside_gantry(path, "CREATE TABLE t (x)")
    before = _bytes(path)
    with pytest.raises(PlanOpenError, match="another program"):
        PlanStore.open(path)
    assert _bytes(path) == before


def test_truncated_plan_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    data = _bytes(path)
    path.write_bytes(data[: len(data) // 2])
    before = _bytes(path)
    with pytest.raises(PlanOpenError, match="damaged"):
        PlanStore.open(path)
    assert _bytes(path) == before
    assert not lock_path(path).exists()


def test_plan_from_newer_gantry_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    edit_outside_gantry(path, "UPDATE alembic_version SET version_num = '9999_future'")
    before = _bytes(path)
    with pytest.raises(PlanOpenError, match="newer Gantry"):
        PlanStore.open(path)
    assert _bytes(path) == before


def test_a_plan_another_program_is_writing_is_refused_as_busy(tmp_path: Path) -> None:
    """Not Gantry (its lock file would name the holder): another SQLite writer mid-write."""
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(PlanOpenError) as info:
            PlanStore.open(path)  # after SQLite's busy wait
        assert str(info.value) == (
            f"{path} is busy: another program is writing to it (the database is locked); "
            "try again once it has finished."
        )
        assert not lock_path(path).exists()  # the refused open holds nothing
    finally:
        other.execute("ROLLBACK")
        other.close()
    PlanStore.open(path).close()


def test_second_open_is_read_only_and_names_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    first = make_plan(path)
    second = PlanStore.open(path)
    try:
        assert second.read_only
        assert second.locked_by is not None
        assert str(os.getpid()) in second.locked_by.describe()
        before = _bytes(path)
        with pytest.raises(ReadOnlyPlanError, match="read-only"), second.transaction():
            pass
        with second.read() as session:
            assert session.scalar(select(Release.name)) == "R1"
        assert _bytes(path) == before
    finally:
        second.close()
        first.close()
    # The read-only store must not have removed the holder's lock while it was open.
    assert not lock_path(path).exists()


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    ghost = {"user": "ghost", "host": socket.gethostname(), "pid": 999999999, "since": "x"}
    lock_path(path).write_text(json.dumps(ghost))
    with PlanStore.open(path) as store:
        assert not store.read_only


def test_reading_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    before = _bytes(path)
    with PlanStore.open(path) as store, store.read() as session:
        session.scalars(select(WorkItem)).all()
    with PlanStore.open(path, read_only=True) as store, store.read() as session:
        session.scalars(select(WorkItem)).all()
    assert _bytes(path) == before


def test_failed_transaction_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    store = make_plan(path)
    before = _bytes(path)
    with pytest.raises(RuntimeError), store.transaction() as session:
        session.scalars(select(WorkItem)).first().name = "changed"  # type: ignore[union-attr]
        session.flush()
        raise RuntimeError("user cancelled half way")
    store.close()
    assert _bytes(path) == before


def test_save_as_copies_the_plan(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    with make_plan(path) as store:
        target = store.save_as(tmp_path / "copy.gantry")
        with pytest.raises(PlanOpenError):
            store.save_as(path)
    with PlanStore.open(target, read_only=True) as copy, copy.read() as session:
        assert sorted(session.scalars(select(WorkItem.key))) == ["A", "B", "C", "M", "R1-P"]


def test_reading_takes_no_write_lock_but_a_transaction_does(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    store = make_plan(path)
    other = sqlite3.connect(path, timeout=0)
    try:
        with store.read() as session:
            session.scalars(select(WorkItem)).all()
            other.execute("BEGIN IMMEDIATE")  # another writer may go ahead during a read
            other.rollback()
        with store.transaction() as session:
            session.scalars(select(WorkItem)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        store.close()


_KILLED_WRITER = """
import sys, threading
from sqlalchemy import select
from app.plan import Plan
from app.store import PlanStore
from models import WorkItem

store = PlanStore.open(sys.argv[1])
service = Plan(store)
service.load()
service.work_items.update(service.work_items.find("A").id, "name", "Committed")
with store.transaction() as session:
    session.scalars(select(WorkItem).where(WorkItem.key == "B")).one().name = "Uncommitted"
    session.flush()
    print("mid-transaction", flush=True)
    threading.Event().wait(60)
"""


def test_kill_9_keeps_committed_edits_and_drops_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "mid-transaction"
    finally:
        writer.kill()
        writer.wait()
    assert lock_path(path).exists()  # the dead writer's lock is left behind

    with PlanStore.open(path) as store:  # takes over the stale lock
        assert not store.read_only
        with store.read() as session:
            names = dict(session.execute(select(WorkItem.key, WorkItem.name)).all())
            assert (names["A"], names["B"]) == ("Committed", "Build it")
            assert audit.verify(session).ok


def test_a_plan_in_a_folder_that_cannot_be_written_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulates a write-protected USB stick (tests run as root, where chmod does not bite)."""
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    before = path.read_bytes()
    real_open = os.open

    def refuse_lock(file: str | os.PathLike[str], flags: int, *args: int) -> int:
        if str(file) == str(lock_path(path)):
            raise PermissionError(13, "Read-only file system")
        return real_open(file, flags, *args)

    monkeypatch.setattr(os, "open", refuse_lock)
    with PlanStore.open(path) as store:
        assert store.read_only and store.locked_by is None
        assert store.read_only_reason == "its folder cannot be written to (Read-only file system)"
        with pytest.raises(ReadOnlyPlanError, match="cannot be written to"), store.transaction():
            pass
        with store.read() as session:
            assert session.scalar(select(Release.name)) == "R1"
    assert path.read_bytes() == before


def test_a_lock_left_by_another_machine_can_be_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    stale = {"user": "dana", "host": "laptop-7", "pid": 4242, "since": "2026-11-29T08:12:00"}
    lock_path(path).write_text(json.dumps(stale))
    with PlanStore.open(path) as store:
        assert store.read_only and store.locked_by is not None
        shown = store.locked_by
    newer = {**stale, "pid": 5555}
    lock_path(path).write_text(json.dumps(newer))  # someone else took it meanwhile
    with pytest.raises(PlanLockedError, match="now held by dana on laptop-7 \\(process 5555\\)"):
        take_over_lock(path, shown)
    assert lock_path(path).exists()
    lock_path(path).write_text(json.dumps(stale))
    take_over_lock(path, shown)
    with PlanStore.open(path) as store:
        assert not store.read_only


def test_closing_after_a_takeover_leaves_the_new_holders_lock(tmp_path: Path) -> None:
    """Issue 5 §3: the first Gantry's close must not free the lock of the one that took over."""
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    first = PlanStore.open(path)
    assert not first.read_only
    shown = PlanLock(path).holder()
    assert shown is not None
    take_over_lock(path, shown)  # File > Take Over Plan… on another machine...
    theirs = {
        "user": "dana",
        "host": "laptop-7",
        "pid": 4242,
        "since": "2026-11-29T08:12:00+01:00",
        "token": "dana-on-laptop-7",
    }
    lock_path(path).write_text(json.dumps(theirs))  # ...whose Gantry then opened the plan
    first.close()
    assert json.loads(lock_path(path).read_text()) == theirs

    second = PlanStore.open(path)  # the same on this machine: a takeover, then an open
    assert second.read_only
    assert second.locked_by is not None and second.locked_by.token == "dana-on-laptop-7"
    take_over_lock(path, second.locked_by)
    second.close()
    third = PlanStore.open(path)
    assert not third.read_only
    mine = PlanLock(path).holder()
    second.close()  # closing twice, or closing a read-only store, changes nothing
    assert PlanLock(path).holder() == mine
    third.close()
    assert not lock_path(path).exists()


def test_a_lock_without_a_token_from_an_older_gantry_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    old = {"user": "bob", "host": "elsewhere", "pid": 7, "since": "2026-11-29T09:00:00"}
    lock_path(path).write_text(json.dumps(old))
    with PlanStore.open(path) as store:
        assert store.read_only and store.locked_by is not None
        assert store.locked_by.describe() == "bob on elsewhere (process 7) since 29 Nov 2026 09:00"
        assert store.locked_by.token == ""
    assert json.loads(lock_path(path).read_text()) == old


@pytest.mark.parametrize("left_by", ["dead-process", "another-host"])
def test_a_takeover_guard_left_by_a_crash_does_not_wedge_the_plan(
    tmp_path: Path, left_by: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Gantry that crashed inside a takeover leaves its guard file; the next one breaks it
    (at once when its process is gone from this host, else after waiting its patience)."""
    monkeypatch.setattr(store_module, "_GUARD_PATIENCE", 0.2)
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    guard = path.with_name(path.name + ".lock.takeover")
    host, pid = (socket.gethostname(), 999999999) if left_by == "dead-process" else ("pc-2", 7)
    crashed = {"user": "ghost", "host": host, "pid": pid, "since": "x", "token": "crashed"}
    ghost = {**crashed, "host": socket.gethostname(), "pid": 999999998, "token": "ghost"}

    def crash_mid_takeover(lock: dict[str, object]) -> None:
        guard.write_text(json.dumps(crashed))
        lock_path(path).write_text(json.dumps(lock))

    crash_mid_takeover(ghost)
    with PlanStore.open(path) as store:  # the stale lock is taken over through the guard
        assert not store.read_only
        assert not guard.exists()
    crash_mid_takeover({**ghost, "host": "laptop-7"})  # a lock only the user can call stale
    with PlanStore.open(path) as store:
        assert store.read_only and store.locked_by is not None
        take_over_lock(path, store.locked_by)  # File > Take Over Plan… uses the same guard
    assert not lock_path(path).exists() and not guard.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gantry"]


RACERS, ROUNDS = 6, 4


def test_of_several_gantrys_finding_a_stale_lock_exactly_one_takes_it(tmp_path: Path) -> None:
    """Real processes that start together against a lock naming a dead process on this host."""
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(RACERS + 1, timeout=120)
    outcomes: multiprocessing.Queue[Outcome] = ctx.Queue()
    racers = [
        ctx.Process(target=race, args=(str(path), ROUNDS, barrier, outcomes)) for _ in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    try:
        for number in range(ROUNDS):
            ghost = {"user": "ghost", "host": socket.gethostname(), "pid": 999999999 - number}
            lock_path(path).write_text(json.dumps({**ghost, "since": "x", "token": "ghost"}))
            barrier.wait()  # go
            barrier.wait()  # all have opened
            seen = [outcomes.get(timeout=60) for _ in range(RACERS)]
            writers = [pid for n, pid, read_only, _ in seen if n == number and not read_only]
            assert len(writers) == 1, seen
            assert [holder for *_, read_only, holder in seen if read_only] == writers * (
                RACERS - 1
            ), seen
            barrier.wait()  # all have closed
            assert not lock_path(path).exists()
    except BaseException:
        barrier.abort()  # the racers stop waiting for a round that will not come
        raise
    finally:
        for racer in racers:
            racer.join(timeout=60)
            if racer.is_alive():
                racer.kill()
    assert [racer.exitcode for racer in racers] == [0] * RACERS


@pytest.mark.parametrize(
    ("damage", "detail"),
    [
        ("UPDATE releases SET start_date = '1st Jan'", "'1st Jan' is not a date"),
        ("UPDATE work_items SET not_before = 'later' WHERE key = 'A'", "'later' is not a date"),
        (
            "UPDATE work_items SET name = CAST(x'ff41' AS TEXT) WHERE key = 'B'",
            "Could not decode to UTF-8 column 'name'",
        ),
    ],
    ids=["release-date", "item-date", "not-utf8"],
)
def test_values_a_damaged_plan_holds_are_reported_as_damage(
    tmp_path: Path, damage: str, detail: str
) -> None:
    """Found while reading, in a read view or in an edit: one sentence naming the file."""
    path = tmp_path / "p.gantry"
    make_plan(path).close()
    edit_outside_gantry(path, damage)
    before = _bytes(path)
    with PlanStore.open(path) as store:
        with pytest.raises(PlanDamagedError) as refused:
            Plan(store).load()
        message = str(refused.value)
        assert message.startswith(f"{path} is damaged and cannot be read (")
        assert detail in message and "restore it from a backup" in message
        assert "\n" not in message
        with pytest.raises(PlanDamagedError), store.transaction() as session:
            session.scalars(select(Release)).all()
            session.scalars(select(WorkItem)).all()
            session.scalars(select(WorkItem.name)).all()
            raise AssertionError("a damaged value was read without complaint")
    assert _bytes(path) == before


def test_errors_raised_on_purpose_inside_reads_and_edits_pass_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "p.gantry"
    with make_plan(path) as store:
        refusal = ValidationError("no")
        with pytest.raises(ValidationError) as raised, store.read():
            raise refusal
        assert raised.value is refusal
        with pytest.raises(ValidationError) as raised, store.transaction():
            raise refusal
        assert raised.value is refusal
        with pytest.raises(ValueError, match="user cancelled") as plain, store.transaction():
            raise ValueError("user cancelled")
        assert type(plain.value) is ValueError
        # A constraint violation is a refused edit (the unit of work words it), not damage.
        with pytest.raises(IntegrityError), store.transaction() as session:
            session.add(Release(name="R1", version="2.0"))
            session.flush()
