"""The plan file: open, create, lock, upgrade, back up and copy a `.gantry` SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import sqlite3
import threading
import time
import traceback
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, create_engine, event, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

from app import audit, schema
from app.errors import (
    GantryError,
    PlanDamagedError,
    PlanLockedError,
    PlanOpenError,
    ReadOnlyPlanError,
)
from models import PlanSetting, WorkItem

# "GNTR": PRAGMA application_id marks a SQLite file as a Gantry plan.
APPLICATION_ID = 0x474E5452
PLAN_SUFFIX = ".gantry"
SQLITE_HEADER = b"SQLite format 3\x00"
_WRITE_OPTION = "gantry_write"

log = logging.getLogger(__name__)


def _pause(seconds: float) -> None:
    """Sleep. Not time.sleep: under libfaketime (CI runs the suite on other dates) its
    clock_nanosleep call fails with EINVAL, while a timed wait behaves."""
    threading.Event().wait(seconds)


def _refuse_writes_in_read_views(session: Session, _ctx: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyPlanError("A read-only view of the plan tried to change it.")


@dataclass(frozen=True, slots=True)
class LockHolder:
    user: str
    host: str
    pid: int
    since: str
    # Unique to one acquisition, so a Gantry removes only its own lock. Lock files written
    # before tokens came have none ("").
    token: str = ""

    def describe(self) -> str:
        try:
            since = dt.datetime.fromisoformat(self.since).strftime("%d %b %Y %H:%M")
        except ValueError:  # a lock file written by hand or by something else
            since = self.since
        return f"{self.user} on {self.host} (process {self.pid}) since {since}"


_UNKNOWN_HOLDER = LockHolder("unknown", "unknown", 0, "unknown")
# A takeover holds its guard for milliseconds; a guard this old was left by a crash.
_GUARD_PATIENCE = 10.0  # seconds


def lock_path(plan: Path) -> Path:
    return plan.with_name(plan.name + ".lock")


def _new_holder() -> LockHolder:
    return LockHolder(
        audit.default_actor(),
        socket.gethostname(),
        os.getpid(),
        dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        uuid.uuid4().hex,
    )


def _read_holder(path: Path) -> LockHolder | None:
    """Who a lock (or takeover guard) file names; None when there is no such file."""
    for attempt in range(3):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return LockHolder(
                str(data["user"]),
                str(data["host"]),
                int(data["pid"]),
                str(data["since"]),
                str(data.get("token", "")),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # A new lock file is created empty and then written: give its writer a moment.
            if attempt < 2:
                _pause(0.01)
    # An unreadable lock file still means somebody may be writing.
    return _UNKNOWN_HOLDER


def _create_exclusive(path: Path, holder: LockHolder) -> bool:
    """Create `path` naming `holder`, unless it exists (O_EXCL: atomic, also on shares)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(holder), f)
    return True


def _process_gone(holder: LockHolder) -> bool:
    """True only when the holder is a process of this host that no longer runs."""
    if holder.host != socket.gethostname() or holder.pid <= 0:
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class PlanLock:
    """A lock file beside the plan (never inside it, so reading a plan never writes to it).

    Taking a lock is an O_EXCL create. Everything that removes or replaces a lock file (taking
    over a stale lock, File > Take Over Plan…, releasing) first takes the takeover guard, a
    second O_EXCL file, and checks again inside it that the lock is still the one it judged:
    so of several Gantrys that find the same stale lock exactly one replaces it, and a Gantry
    whose lock was taken over never removes its successor's.
    """

    def __init__(self, plan: Path) -> None:
        self.plan = plan
        self.path = lock_path(plan)
        self.guard_path = plan.with_name(plan.name + ".lock.takeover")
        self._mine: LockHolder | None = None

    def holder(self) -> LockHolder | None:
        return _read_holder(self.path)

    def acquire(self) -> LockHolder | None:
        """Take the lock; return who holds it instead when somebody else does."""
        me = _new_holder()
        for _ in range(3):
            if _create_exclusive(self.path, me):
                self._mine = me
                return None
            holder = self.holder()
            if holder is None:
                continue  # released in the meantime
            if not _process_gone(holder):
                return holder
            with self._takeover_guard():
                if self.holder() == holder:  # nobody took it over before us
                    self._replace(me)
                    self._mine = me
                    return None
            # Another Gantry took it over or released it meanwhile: look again.
        return self.holder() or _UNKNOWN_HOLDER

    def take_over(self, expected: LockHolder) -> None:
        """Remove the lock if it is still the one `expected` names."""
        with self._takeover_guard():
            current = self.holder()
            if current is not None and current != expected:
                raise PlanLockedError(
                    f"{self.plan} is now held by {current.describe()}; nothing was changed."
                )
            self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """Remove the lock if it is still ours: another machine may have taken it over."""
        mine, self._mine = self._mine, None
        if mine is None:
            return
        try:
            with self._takeover_guard():
                current = self.holder()
                if current is not None and current.token == mine.token:
                    self.path.unlink()
        except OSError:
            # The folder went away (a stick pulled out): the lock left names this process,
            # which reads as stale once it has ended.
            log.warning("Could not remove the lock %s", self.path, exc_info=True)

    def _replace(self, holder: LockHolder) -> None:
        # Written aside and renamed over the old lock, so the lock file never goes missing
        # (an O_EXCL create by a third Gantry cannot slip in) and is never half written.
        part = self.path.with_name(f"{self.path.name}.{holder.token}")
        try:
            part.write_text(json.dumps(asdict(holder)), encoding="utf-8")
            os.replace(part, self.path)
        except BaseException:
            part.unlink(missing_ok=True)
            raise

    @contextmanager
    def _takeover_guard(self) -> Iterator[None]:
        """Hold the takeover guard: one process at a time may remove or replace the lock.

        A guard left by a Gantry that crashed mid-takeover is broken when its process is
        gone from this host, or once we have waited _GUARD_PATIENCE for it. Not by the file's
        age: a clock ahead of the one that stamped it (another machine's, on a share) would
        break a guard that is being held right now.
        """
        me = _new_holder()
        waited_for: LockHolder | None = None
        waiting_since = time.monotonic()
        while not _create_exclusive(self.guard_path, me):
            other = _read_holder(self.guard_path)
            if other is None:
                continue
            if other != waited_for:  # another takeover's guard: wait for this one afresh
                waited_for, waiting_since = other, time.monotonic()
            if _process_gone(other) or time.monotonic() - waiting_since > _GUARD_PATIENCE:
                self._break_guard(other)
            else:
                _pause(0.005)
        try:
            yield
        finally:
            current = _read_holder(self.guard_path)
            if current is not None and current.token == me.token:
                self.guard_path.unlink(missing_ok=True)

    def _break_guard(self, abandoned: LockHolder) -> None:
        # Renamed aside first, then checked: if what moved is a guard taken since the abandoned
        # one was broken by somebody else, it goes back where it was.
        aside = self.guard_path.with_name(f"{self.guard_path.name}.{uuid.uuid4().hex}")
        try:
            os.rename(self.guard_path, aside)
        except FileNotFoundError:
            return
        if _read_holder(aside) != abandoned:
            with suppress(OSError):
                os.link(aside, self.guard_path)
        aside.unlink(missing_ok=True)


def take_over_lock(plan: Path, expected: LockHolder) -> None:
    """Remove a lock the user says is left over (a Gantry that crashed on another machine).

    Only the lock that was shown to the user is removed: if another Gantry has taken the plan
    since, the user is told instead of silently overriding it.
    """
    PlanLock(plan).take_over(expected)


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except IsADirectoryError:
        raise PlanOpenError(f"{path} is a folder, not a Gantry plan.") from None
    except PermissionError:
        raise PlanOpenError(f"{path} cannot be read: permission denied.") from None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise PlanOpenError(f"{path} is not a Gantry plan (it is not an SQLite database).")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise PlanOpenError(f"{path} is not a Gantry plan (an SQLite database of another program).")


def _connect(path: Path, read_only: bool, foreign_keys: bool = True) -> sqlite3.Connection:
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    # Rollback journal rather than WAL keeps a plan one single file that can be copied to a
    # USB stick; FULL sync makes a committed edit survive power loss.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _roll_back_hot_journal(path: Path) -> None:
    """A writer killed in a large transaction leaves a hot journal beside the plan; only a
    connection that may write rolls it back (a read-only one refuses to read the file). The
    rollback restores the pages the dead writer changed: the plan is as it was before."""
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        conn = _connect(path, read_only=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()


def _inspect_file(path: Path) -> str:
    """Check integrity and return the schema revision, touching nothing."""
    try:
        with _reporting_damage(path):
            conn = _connect(path, read_only=True)
            try:
                # quick_check quotes what it found broken, which need not be valid UTF-8.
                conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
                findings = [row[0] for row in conn.execute("PRAGMA quick_check")]
                if findings != ["ok"]:
                    raise PlanDamagedError(path, _first_finding(findings))
                has_version = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
                ).fetchone()
                row = (
                    conn.execute("SELECT version_num FROM alembic_version").fetchone()
                    if has_version
                    else None
                )
            finally:
                conn.close()
    except sqlite3.DatabaseError as exc:  # not damage: the disk, or another process
        if "locked" in str(exc):
            raise PlanOpenError(
                f"{path} is busy: another program is writing to it (the database is locked); "
                "try again once it has finished."
            ) from exc
        raise PlanOpenError(f"{path} cannot be read ({_one_line(exc)}).") from exc
    if row is None:
        raise PlanOpenError(f"{path} is not a complete Gantry plan (it has no schema version).")
    return str(row[0])


def _first_finding(findings: list[str]) -> str:
    # quick_check's report starts with a "*** in database main ***" heading line.
    lines = [line for f in findings for line in f.splitlines() if not line.startswith("***")]
    return _phrase(lines[0] if lines else "quick_check failed")


def _phrase(text: str) -> str:
    """Text from an error or from the file, made one short printable line."""
    text = "".join(c if c.isprintable() else " " for c in text)
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:119] + "…"


def _one_line(exc: BaseException) -> str:
    """An exception as a short phrase that fits inside a one-sentence message."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig  # without the SQL statement and SQLAlchemy's background link
    return _phrase(str(exc)) or type(exc).__name__


class _UnreadableValueError(ValueError):
    """A value on file is not of the kind its column holds."""


# SQLite result codes about the disk, memory, permissions or other processes: the file's
# content may be fine. Constraint violations are a refused edit, not damage either.
_NOT_DAMAGE = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_ABORT,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_INTERRUPT,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_CONSTRAINT,
    }
)


def _damage(exc: BaseException) -> str | None:
    """What `exc` says is wrong with the plan's content, as a short phrase; None if nothing.

    Errors Gantry raises on purpose are not damage. Nor is a bare StatementError: SQLAlchemy
    raises one while binding parameters, i.e. about values Gantry was about to write.
    """
    if isinstance(exc, GantryError | IntegrityError | sqlite3.IntegrityError):
        return None
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(cause, sqlite3.DatabaseError):
        # Python's own errors (text that is not UTF-8) carry no SQLite code.
        code = getattr(cause, "sqlite_errorcode", None)
        return None if code is not None and code & 0xFF in _NOT_DAMAGE else _one_line(cause)
    if isinstance(exc, UnicodeDecodeError | json.JSONDecodeError | _UnreadableValueError):
        return _one_line(exc)
    if isinstance(exc, ValueError | TypeError) and _raised_by_sqlalchemy(exc):
        return _one_line(exc)  # turning a stored value into a date, a number...
    return None


def _raised_by_sqlalchemy(exc: BaseException) -> bool:
    """Whether SQLAlchemy itself raised `exc` (its innermost frame), not code it called back."""
    frames = list(traceback.walk_tb(exc.__traceback__))
    return bool(frames) and str(frames[-1][0].f_globals.get("__name__", "")).startswith(
        "sqlalchemy."
    )


@contextmanager
def _reporting_damage(path: Path) -> Iterator[None]:
    """Turn what a damaged file makes SQLite, SQLAlchemy or a decoder raise into one sentence."""
    try:
        yield
    except Exception as exc:
        detail = _damage(exc)
        if detail is None:
            raise
        raise PlanDamagedError(path, detail) from exc


class _MigrationError(Exception):
    """A migration failed or would leave a broken link; its transaction was rolled back."""


def _migrate(engine: Engine, version_locations: Sequence[Path], actor: str) -> None:
    """Run Alembic to head in one write transaction, then check every foreign key.

    The engine's connections have foreign keys off: a batch migration rebuilds a table by
    copy, drop and rename, and with them on, dropping a table that others refer to fails.
    SQLite ignores that pragma inside a transaction, so the connection sets it before BEGIN.
    foreign_key_check then proves the rebuilt tables still join up before anything commits.
    """
    try:
        with engine.execution_options(**{_WRITE_OPTION: True}).begin() as conn:
            schema.upgrade_to_head(conn, version_locations, actor)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                table, rowid, parent, _key = broken[0]
                raise _MigrationError(
                    f"it would leave {len(broken)} row(s) referring to missing rows, "
                    f"the first {table} #{rowid} to a missing {parent} row"
                )
    except _MigrationError:
        raise
    except Exception as exc:
        raise _MigrationError(_one_line(exc)) from exc


def backup_copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live database page by page with SQLite's backup API (consistent mid-edit)."""
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    dest = sqlite3.connect(tmp)
    try:
        source.backup(dest)
    finally:
        dest.close()
    os.replace(tmp, target)


class PlanStore:
    """One open plan file: sessions, transactions and the lock."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        read_only: bool,
        lock: PlanLock | None,
        locked_by: LockHolder | None,
        actor: str,
    ) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self.locked_by = locked_by
        self.unwritable: str | None = None  # why a writable open fell back to read-only
        self.actor = actor
        self._lock = lock
        # Listeners hang on these two factories, not on every Session in the process.
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", _refuse_writes_in_read_views)
        self._write_sessions = audit.audited_sessions(
            engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        create: bool = False,
        actor: str | None = None,
        version_locations: Sequence[Path] = (),
    ) -> PlanStore:
        """Open a plan; a held lock makes it read-only, `create` makes a missing file.

        `version_locations` adds folders of Alembic revisions to the product's own (tests
        use it to run revisions of their own).
        """
        path = Path(path)
        actor = actor or audit.default_actor()
        if not path.exists():
            if not create:
                raise PlanOpenError(f"There is no plan at {path}.")
            return cls._create(path, actor, version_locations)
        _check_header(path)
        lock: PlanLock | None = None
        locked_by: LockHolder | None = None
        unwritable: str | None = None
        if not read_only:
            lock = PlanLock(path)
            try:
                locked_by = lock.acquire()
            except OSError as exc:
                # A plan on a write-protected stick or share can still be read.
                unwritable = f"its folder cannot be written to ({exc.strerror or exc})"
                read_only, lock = True, None
            if locked_by is not None:
                read_only, lock = True, None
        try:
            with _reporting_damage(path):
                if not read_only:
                    _roll_back_hot_journal(path)
                revision = _inspect_file(path)
                head = schema.head_revision(version_locations)
                if revision not in schema.known_revisions(version_locations):
                    raise PlanOpenError(
                        f"{path} was written by a newer Gantry (schema {revision}); this "
                        f"version reads up to schema {head}. Nothing was changed."
                    )
                if revision != head and not read_only:
                    cls._upgrade(path, revision, head, version_locations, actor)
                    # The file is at head now: work on it, not on a copy in memory.
                    revision = head
                if revision != head:
                    # Reading never writes: an older plan opened read-only is upgraded in memory.
                    engine = cls._upgraded_in_memory(path, revision, head, version_locations, actor)
                else:
                    engine = cls._engine(path, read_only)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        store = cls(path, engine, read_only, lock, locked_by, actor)
        store.unwritable = unwritable
        return store

    @staticmethod
    def _engine(path: Path, read_only: bool) -> Engine:
        return PlanStore._configured(
            create_engine(
                "sqlite://",
                creator=lambda: _connect(path, read_only),
                poolclass=NullPool if read_only else None,
            )
        )

    @staticmethod
    def _migration_engine(path: Path) -> Engine:
        """Connections with foreign keys off, for migrations only (see _migrate)."""
        return PlanStore._configured(
            create_engine(
                "sqlite://",
                creator=lambda: _connect(path, read_only=False, foreign_keys=False),
                poolclass=NullPool,
            )
        )

    @staticmethod
    def _upgraded_in_memory(
        path: Path, revision: str, head: str, version_locations: Sequence[Path], actor: str
    ) -> Engine:
        """A read-only view of an older plan: a copy in memory upgraded there; file untouched."""
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        source = _connect(path, read_only=True)
        try:
            source.backup(memory)
        finally:
            source.close()
        memory.execute("PRAGMA foreign_keys = OFF")  # for the migrations, see _migrate
        engine = PlanStore._configured(
            create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool)
        )
        try:
            _migrate(engine, version_locations, actor)
        except _MigrationError as exc:
            engine.dispose()
            raise PlanOpenError(
                f"{path} could not be upgraded from schema {revision} to {head} for reading "
                f"({exc}); the file was left as it was."
            ) from exc
        memory.execute("PRAGMA foreign_keys = ON")
        return engine

    @staticmethod
    def _configured(engine: Engine) -> Engine:
        # pysqlite's implicit transactions would start too late; begin explicitly so that
        # every session transaction is one SQLite transaction.
        @event.listens_for(engine, "connect")
        def _no_implicit(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            dbapi_conn.isolation_level = None

        # A write transaction takes SQLite's write lock up front (BEGIN IMMEDIATE), so two
        # writers wait for each other instead of failing half way; reads stay shared.
        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            write = conn.get_execution_options().get(_WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    @classmethod
    def _create(cls, path: Path, actor: str, version_locations: Sequence[Path]) -> PlanStore:
        if path.suffix != PLAN_SUFFIX:
            raise PlanOpenError(f"A plan file name ends in {PLAN_SUFFIX}: {path}")
        if not path.parent.is_dir():
            raise PlanOpenError(f"The folder {path.parent} does not exist.")
        lock = PlanLock(path)
        holder = lock.acquire()
        if holder is not None:
            raise PlanLockedError(f"{path} is being created by {holder.describe()}.")
        tmp = path.with_name(path.name + ".new")
        try:
            tmp.unlink(missing_ok=True)
            conn = _connect(tmp, read_only=False)
            try:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            finally:
                conn.close()
            engine = cls._migration_engine(tmp)
            try:
                _migrate(engine, version_locations, actor)
            except _MigrationError as exc:
                raise PlanOpenError(f"{path} could not be created ({exc}).") from exc
            finally:
                engine.dispose()
            # The plan appears under its name only once it is complete.
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            lock.release()
            raise
        store = cls(path, cls._engine(path, False), False, lock, None, actor)
        with store.transaction(reason="Plan created") as session:
            session.add(PlanSetting(key="created", value=dt.datetime.now(dt.UTC).isoformat()))
        return store

    @staticmethod
    def _upgrade(
        path: Path, revision: str, head: str, version_locations: Sequence[Path], actor: str
    ) -> None:
        """Upgrade the file in place after backing it up; a failure rolls every step back."""
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        # Named after the schema it holds, so a user can tell which Gantry reads it.
        backup = path.with_name(
            f"{path.stem}.before-upgrade-from-{revision}-{stamp}{path.suffix}.bak"
        )
        source = _connect(path, read_only=True)
        try:
            backup_copy(source, backup)
        finally:
            source.close()
        engine = PlanStore._migration_engine(path)
        try:
            _migrate(engine, version_locations, actor)
        except _MigrationError as exc:
            raise PlanOpenError(
                f"{path} could not be upgraded from schema {revision} to {head} ({exc}); the "
                f"file was left as it was, and {backup.name} beside it is a copy of it."
            ) from exc
        finally:
            engine.dispose()

    @property
    def read_only_reason(self) -> str:
        if self.locked_by is not None:
            return f"locked by {self.locked_by.describe()}"
        return self.unwritable or "opened read-only"

    # -- use --------------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads; one consistent snapshot of the plan."""
        with _reporting_damage(self.path), self._sessions() as session:
            with session.begin():
                yield session

    @contextmanager
    def transaction(self, reason: str = "", actor: str | None = None) -> Iterator[Session]:
        """One user action: everything in it commits together, or nothing does."""
        if self.read_only:
            raise ReadOnlyPlanError(
                f"{self.path} is open read-only ({self.read_only_reason}); nothing was changed."
            )
        with _reporting_damage(self.path), self._write_sessions() as session:
            session.info["actor"] = actor or self.actor
            session.info["reason"] = reason
            with session.begin():
                yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read session over a private in-memory copy of the plan, taken now.

        For long reads (verifying a 300,000-event audit trail takes seconds): SQLite would
        make an edit wait for a reader holding the file that long. The copy is taken in
        small steps, each holding the file's read lock for a moment only.
        """
        memory = sqlite3.connect(":memory:", check_same_thread=False)
        raw = self.engine.raw_connection()
        try:
            # A pause after each step lets a writer in: it need not wait for the whole copy.
            raw.driver_connection.backup(  # type: ignore[union-attr]
                memory, pages=256, progress=lambda *_: _pause(0.002)
            )
        finally:
            raw.close()
        engine = create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool)
        try:
            with _reporting_damage(self.path), Session(engine) as session, session.begin():
                yield session
        finally:
            engine.dispose()
            memory.close()

    def write_scheduled_dates(self, batch: list[tuple[int, dt.date, dt.date]]) -> None:
        """Store the scheduler's dates for other readers of the file, in one short transaction.

        A Core statement, not the ORM: derived values never enter the audit trail."""
        table: Table = WorkItem.__table__  # type: ignore[assignment]
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(scheduled_start=bindparam("b_start"), scheduled_finish=bindparam("b_finish"))
        )
        with self.transaction() as session:
            session.connection().execute(
                statement, [{"b_id": i, "b_start": s, "b_finish": f} for i, s, f in batch]
            )

    def save_as(self, target: str | Path) -> Path:
        """Copy the plan to a new file with the backup API; the open plan stays this one."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise PlanOpenError("Save As needs a different file than the open plan.")
        raw = self.engine.raw_connection()
        try:
            backup_copy(raw.driver_connection, target)  # type: ignore[arg-type]
        except sqlite3.Error as exc:
            raise PlanOpenError(f"Could not write {target}: {exc}.") from None
        finally:
            raw.close()
        return target

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> PlanStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def plain_rows(session: Session, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a plain SELECT as DB-API tuples, skipping SQLAlchemy's per-value processing.

    Used where a 100,000-row read must be fast. SQLite hands dates back as the ISO text it
    stores; DateParser turns them into dates.
    """
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows in one DB-API executemany, skipping SQLAlchemy's per-value processing.

    Used where 100,000 rows are written in one action (a baseline's dates): a quarter of the
    time a Core insert takes. Values must be as SQLite stores them: dates as ISO text. Table
    and column names are our own, never user input. Not audited: no mapper events run.
    """
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


class DateParser:
    """Parses ISO date text once per distinct value (a plan has few distinct dates)."""

    def __init__(self) -> None:
        self._seen: dict[Any, dt.date | None] = {None: None}

    def __call__(self, value: Any) -> dt.date | None:
        try:
            return self._seen[value]
        except KeyError:
            try:
                parsed = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
            except (TypeError, ValueError) as exc:
                raise _UnreadableValueError(f"{value!r} is not a date") from exc
            self._seen[value] = parsed
            return parsed
