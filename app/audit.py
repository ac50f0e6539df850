"""The hash-chained audit trail: recorded inside every flush, verified against the data."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Table,
    and_,
    event,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapper, Session, object_session, sessionmaker

from models import AuditEvent, Base, Baseline, BaselineDate, WorkItem

GENESIS = "0" * 64
AUDIT_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]
_PENDING = "gantry_audit_pending"
# (action, entity, id) of every change audited in a session's transaction so far: what the
# unit of work announces once it commits, so that "audited" and "announced" never differ.
CHANGES = "gantry_changes"
# Set in the info of the sessions whose changes are recorded: a store's write sessions.
AUDITED = "gantry_audited"


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


def audited_columns(mapper: Mapper[Any]) -> list[str]:
    return [c.key for c in mapper.column_attrs if c.columns[0].info.get("audit", True)]


def audited_rows(cls: type[Base]) -> bool:
    """Whether each row of a model gets its own events (a bulk table's rows do not: a
    summary on another row stands for them, such as a baseline's dates_digest)."""
    return bool(getattr(cls, "__audited__", True))


def content_digest(rows: Iterable[Sequence[Any]]) -> str:
    """SHA-256 of rows as text: a line per row, its values as str() writes them (a date in
    ISO form, as SQLite keeps it), separated by commas.

    What the trail records of a bulk table's rows: with the row count, it pins their content
    without an event per row. The caller gives the rows in a fixed order (by key). Plans hold
    digests made this way, so the form may never change.
    """
    content = "".join(f"{','.join(map(str, row))}\n" for row in rows)
    return hashlib.sha256(content.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, frozenset):
        # A set of weekdays (a window's); empty is stored as NULL, so it reads as null.
        return sorted(value) or None
    return value


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, frozenset):
        return sorted(value) or None
    raise TypeError(f"{type(value).__name__} is not a value the audit trail records")


# The encoder calls _iso only for the dates: the text is that of dumping _jsonable values, at
# a fraction of the cost per event (an import writes 100,000 events).
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_iso)


# What json.dumps(fields, separators=(",", ":"), ensure_ascii=False) writes, without building
# an encoder per event.
_HASHED = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dump(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return _ENCODER.encode(values)


def event_hash(
    prev_hash: str,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: int,
    before: str | None,
    after: str | None,
    reason: str,
    subject_id: int | None = None,
) -> str:
    fields: list[Any] = [prev_hash, at, actor, action, entity, entity_id, before, after, reason]
    # Events from before revision 0003 have no subject; their hashes must stay valid.
    if subject_id is not None:
        fields.append(subject_id)
    return hashlib.sha256(_HASHED.encode(fields).encode("utf-8")).hexdigest()


def row_values(obj: Base) -> dict[str, Any]:
    # getattr loads anything expired, so the values are those of the row in the database.
    return {key: getattr(obj, key) for key in audited_columns(inspect(obj).mapper)}


def _queue(
    target: Base, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    session = object_session(target)
    if session is None or not session.info.get(AUDITED):
        return  # a session that is not one of a plan store's write sessions
    if not audited_rows(type(target)):
        return
    values = after or before or {}
    subject_field = getattr(target, "__audit_subject__", None)
    subject = values.get(subject_field) if subject_field else None
    session.info.setdefault(_PENDING, []).append(
        (action, target.__tablename__, values["id"], subject, before, after)
    )


def _after_insert(_mapper: Mapper[Any], _conn: Connection, target: Base) -> None:
    if isinstance(target, AuditEvent):
        return
    _queue(target, "create", None, row_values(target))


def _after_update(mapper: Mapper[Any], _conn: Connection, target: Base) -> None:
    if isinstance(target, AuditEvent):
        return
    state = inspect(target)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in audited_columns(mapper):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            before[key], after[key] = old, new
    if after:
        before["id"] = after["id"] = state.dict["id"]
        for key in getattr(target, "__audit_context__", ()):
            before.setdefault(key, getattr(target, key))
            after.setdefault(key, getattr(target, key))
        _queue(target, "update", before, after)


def _before_delete(_mapper: Mapper[Any], _conn: Connection, target: Base) -> None:
    if isinstance(target, AuditEvent):
        return
    _queue(target, "delete", row_values(target), None)


# (action, entity, id, subject id, before, after): one change waiting for its event.
Pending = tuple[str, str, int, Any, dict[str, Any] | None, dict[str, Any] | None]


def _after_flush(session: Session, _context: object) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        _append(session, pending)


def _append(session: Session, pending: Sequence[Pending]) -> None:
    """Chain events for `pending` onto the trail's head and insert them in one executemany;
    the changes join what the unit of work announces. The ORM's flushes and bulk inserts
    both come here, so their events cannot differ in form."""
    conn = session.connection()
    head = (
        conn.execute(
            select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).scalar_one_or_none()
        or GENESIS
    )
    actor = session.info.get("actor") or default_actor()
    reason = session.info.get("reason") or ""
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    rows: list[tuple[Any, ...]] = []
    for action, entity, entity_id, subject, before, after in pending:
        before_s, after_s = dump(before), dump(after)
        digest = event_hash(
            head, at, actor, action, entity, entity_id, before_s, after_s, reason, subject
        )
        rows.append(
            (at, actor, action, entity, entity_id, subject, before_s, after_s, reason, head, digest)
        )
        head = digest
    _execute_many(session, AUDIT_TABLE.name, _EVENT_COLUMNS, rows)
    session.info.setdefault(CHANGES, []).extend(
        (action, entity, entity_id) for action, entity, entity_id, *_ in pending
    )


def insert_created(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows of an audited model with one executemany, and their "create" events
    with another: the events, their chain and the notice are what an ORM flush of the same
    rows would write, without an object and a mapper event per row (100,000 imported items).

    Each row gives every audited column, its id included (the caller numbers new rows), with
    the values as the ORM would hold them after a flush (defaults filled in).
    """
    if not session.info.get(AUDITED) or not audited_rows(model):
        raise ValueError(f"{model.__name__} rows are not audited in this session")
    if not rows:
        return
    columns = audited_columns(inspect(model))
    entity = model.__tablename__
    subject_field = getattr(model, "__audit_subject__", None)
    pending: list[Pending] = []
    for row in rows:
        after = {column: row[column] for column in columns}
        subject = after[subject_field] if subject_field else None
        pending.append(("create", entity, after["id"], subject, None, after))
    _insert_many(session, model.__table__, rows)  # type: ignore[arg-type]
    _append(session, pending)


def _insert_many(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """One DB-API executemany of `rows` (every row the same keys): a third of what a Core
    insert spends per row on binding values, which shows at 100,000 rows. Dates go in as the
    ISO text SQLite keeps (what the Date type would write)."""
    names = list(rows[0])
    dates = [n for n, name in enumerate(names) if isinstance(table.c[name].type, Date)]
    values: list[Any] = []
    for row in rows:
        record = [row[name] for name in names]
        for n in dates:
            if record[n] is not None:
                record[n] = record[n].isoformat()
        values.append(record)
    _execute_many(session, table.name, names, values)


# The columns of an event row as _append builds it (a tuple: no dict per event).
_EVENT_COLUMNS = (
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "subject_id",
    "before",
    "after",
    "reason",
    "prev_hash",
    "hash",
)


def _execute_many(
    session: Session, table: str, names: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    marks = ", ".join("?" for _ in names)
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
    driver = session.connection().connection.driver_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(CHANGES, None)


_installed = False


def install() -> None:
    """Hook the models' mapper events (idempotent). They act only in audited sessions."""
    global _installed
    if _installed:
        return
    event.listen(Base, "after_insert", _after_insert, propagate=True)
    event.listen(Base, "after_update", _after_update, propagate=True)
    event.listen(Base, "before_delete", _before_delete, propagate=True)
    _installed = True


def audited_sessions(bind: Any, **options: Any) -> sessionmaker[Session]:
    """A session factory whose every flush appends its changes to the trail.

    The listeners belong to this factory alone (a plan store's write sessions), so another
    program's sessions over the same models are left alone.
    """
    install()
    factory = sessionmaker(bind, info={AUDITED: True}, **options)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_soft_rollback", lambda s, _t: _after_rollback(s))
    return factory


# -- verification -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditReport:
    events: int
    head: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _label(entity: str, entity_id: int, values: dict[str, Any] | None) -> str:
    name = ""
    if values:
        for field in ("key", "name", "title"):
            if values.get(field):
                name = f" ({values[field]})"
                break
    return f"{entity} #{entity_id}{name}"


def _iter_events(session: Session) -> Iterator[Row[Any]]:
    cols = AUDIT_TABLE.c
    yield from session.execute(
        select(
            cols.id,
            cols.at,
            cols.actor,
            cols.action,
            cols.entity,
            cols.entity_id,
            cols.before,
            cols.after,
            cols.reason,
            cols.subject_id,
            cols.prev_hash,
            cols.hash,
        ).order_by(cols.id)
    )


def verify(session: Session) -> AuditReport:
    """Recompute the chain, then compare the data the trail describes with the data on file."""
    problems: list[str] = []
    expected: dict[tuple[str, int], dict[str, Any]] = {}
    head = GENESIS
    count = 0
    chain_broken = False
    for (
        eid,
        at,
        actor,
        action,
        entity,
        entity_id,
        before,
        after,
        reason,
        subject,
        prev,
        digest,
    ) in _iter_events(session):
        count += 1
        if not chain_broken:
            if prev != head:
                problems.append(
                    f"Audit event #{eid} does not follow the event before it: an event was "
                    "removed or reordered."
                )
                chain_broken = True
            elif (
                event_hash(
                    prev, at, actor, action, entity, entity_id, before, after, reason, subject
                )
                != digest
            ):
                problems.append(
                    f"Audit event #{eid} ({action} {entity} #{entity_id} by {actor} at {at}) "
                    "was altered after it was written."
                )
                chain_broken = True
        head = digest
        key = (entity, entity_id)
        if action == "create":
            expected[key] = json.loads(after)
        elif action == "update":
            expected.setdefault(key, {}).update(json.loads(after))
        else:
            expected.pop(key, None)

    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if cls is AuditEvent or not audited_rows(cls):
            continue
        table = cls.__tablename__
        columns = audited_columns(mapper)
        attrs = [getattr(cls, c) for c in columns]
        seen: set[int] = set()
        for row in session.execute(select(*attrs)):
            actual = {c: _jsonable(v) for c, v in zip(columns, row, strict=True)}
            entity_id = actual["id"]
            seen.add(entity_id)
            trail = expected.get((table, entity_id))
            label = _label(table, entity_id, actual)
            if trail is None:
                problems.append(
                    f"{label} is in the file but not in the audit trail: it was "
                    "added outside Gantry."
                )
                continue
            for column in columns:
                if trail.get(column) != actual[column]:
                    problems.append(
                        f"{label}: {column} is {actual[column]!r} in the file but the audit "
                        f"trail says {trail.get(column)!r}: it was changed outside Gantry."
                    )
        for (entity, entity_id), values in expected.items():
            if entity == table and entity_id not in seen:
                problems.append(
                    f"{_label(entity, entity_id, values)} is in the audit trail but "
                    "not in the file: it was deleted outside Gantry."
                )
    problems.extend(_baseline_date_problems(session))
    return AuditReport(events=count, head=head, problems=problems)


def _baseline_date_problems(session: Session) -> list[str]:
    """Each baseline's dates against the item_count and dates_digest the trail checked above.

    Baseline dates have no events of their own (BaselineDate.__audited__), so this is what
    ties them to the trail: trail -> baseline row -> its dates.
    """
    pinned = {
        baseline_id: (name, count, digest)
        for baseline_id, name, count, digest in session.execute(
            select(Baseline.id, Baseline.name, Baseline.item_count, Baseline.dates_digest)
        )
    }
    # Plain text: the dates as the file holds them, which is what the digest was made of.
    rows = session.execute(
        text(
            f"SELECT baseline_id, item_id, start, finish FROM {BaselineDate.__tablename__} "
            "ORDER BY baseline_id, item_id"
        )
    )
    held: dict[int, list[tuple[int, Any, Any]]] = {}
    for baseline_id, item_id, start, finish in rows:
        held.setdefault(baseline_id, []).append((item_id, start, finish))
    problems = []
    for baseline_id, (name, count, digest) in pinned.items():
        found = held.pop(baseline_id, [])
        label = _label(Baseline.__tablename__, baseline_id, {"name": name})
        if len(found) != count:
            problems.append(
                f"{label} holds {len(found)} item dates in the file but {count} in the audit "
                "trail: dates were added or removed outside Gantry."
            )
        elif content_digest(found) != digest:
            problems.append(
                f"{label}: its item dates in the file are not the ones the audit trail pins: "
                "they were changed outside Gantry."
            )
    for baseline_id, found in held.items():
        problems.append(
            f"{len(found)} item dates of {Baseline.__tablename__} #{baseline_id}, which is not "
            "in the file, were left or added outside Gantry."
        )
    return problems


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One recorded change to one entity, newest first in a history."""

    at: dt.datetime
    actor: str
    action: str
    entity: str  # e.g. "work_items", or "dependencies" for a link of the item
    changes: list[tuple[str, Any, Any]]  # (field, before, after); all fields on create/delete
    reason: str


def item_history(session: Session, item_id: int, limit: int = 50) -> list[HistoryEntry]:
    """Everything recorded about one work item: its own changes and its links' changes.

    Events of the item itself are found by (entity, entity_id) (revision 0002's index, which
    also covers events written before revision 0003); its links' events by subject_id.
    """
    cols = AUDIT_TABLE.c
    return history(
        session,
        or_(
            and_(cols.entity == WorkItem.__tablename__, cols.entity_id == item_id),
            cols.subject_id == item_id,
        ),
        limit,
    )


def history(session: Session, where: ColumnElement[bool], limit: int = 50) -> list[HistoryEntry]:
    """The events matching `where` as history entries, newest first."""
    cols = AUDIT_TABLE.c
    rows = session.execute(
        select(cols.at, cols.actor, cols.action, cols.entity, cols.before, cols.after, cols.reason)
        .where(where)
        .order_by(cols.id.desc())
        .limit(limit)
    )
    entries = []
    for at, actor, action, entity, before, after, reason in rows:
        old = json.loads(before) if before else {}
        new = json.loads(after) if after else {}
        changes = [
            (field, old.get(field), new.get(field))
            for field in sorted(old.keys() | new.keys())
            if field != "id"
        ]
        entries.append(
            HistoryEntry(dt.datetime.fromisoformat(at), actor, action, entity, changes, reason)
        )
    return entries
