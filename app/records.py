"""Generic records: a table declared as fields, read and edited through the unit of work.

Most coming editors (calendar entries, risks, environments, deployments, notes, ...) are a
RecordType: the fields with their rules, the model, the order, and the rules that span
several fields. RecordService then lists, creates, edits, deletes and restores them, each
change one audited unit of work, and the generic table model and form show them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any

from sqlalchemy import Table, inspect, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.fields import FieldKind, FieldSet
from app.unit_of_work import ChangeNotice, UnitOfWork
from models import Base


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a record table as plain values, read like a dataclass (`record.name`)."""

    id: int
    values: Mapping[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def title_from(name: str) -> Callable[[Record], str]:
    """A `RecordType.title` that is one field of the record as text: a component's name, a
    change's key."""

    def title(record: Record) -> str:
        return str(getattr(record, name))

    return title


@dataclass(frozen=True, slots=True)
class RecordType:
    """The declaration that makes a table editable."""

    fields: FieldSet
    model: type[Base]
    order_by: tuple[str, ...]
    title: Callable[[Record], str]  # how undo texts and messages name one record
    rules: Callable[[Mapping[str, Any]], list[str]] = lambda _values: []  # across fields
    defaults: Mapping[str, Any] = field(default_factory=dict)
    # Stored columns Gantry keeps from the fields' values (say, a duration from two times),
    # written with every create and edit so that they never fall out of step.
    derived: Callable[[Mapping[str, Any]], Mapping[str, Any]] = lambda _values: {}
    # Fields no two records share (a component and a release, say), checked across the rows
    # before the database's unique constraint would refuse it in its own words; `duplicate`
    # says why, given the record already there and how a field of it is shown.
    unique: tuple[str, ...] = ()
    duplicate: Callable[[Record, Callable[[str], str]], str] = lambda record, _shown: (
        f"There is already such a record ({record.id})"
    )

    @property
    def entity(self) -> str:
        return self.fields.entity


class RecordService:
    """The records of one RecordType, cached in memory and refreshed by change notices."""

    def __init__(self, uow: UnitOfWork, kind: RecordType) -> None:
        self.kind = kind
        self.fields = kind.fields
        self._uow = uow
        self._rows: dict[int, Record] | None = None
        self._unsubscribe = uow.subscribe(self._changed)

    @property
    def read_only(self) -> bool:
        return self._uow.read_only

    def _changed(self, notice: ChangeNotice) -> None:
        if notice.touches(self.kind.entity) or any(
            f.kind == FieldKind.REFERENCE and notice.touches(f.reference) for f in self.fields
        ):
            self._rows = None  # read again on next use: these tables are small

    def _table(self) -> Table:
        table: Table = self.kind.model.__table__  # type: ignore[assignment]
        return table

    def _load(self) -> dict[int, Record]:
        if self._rows is None:
            table = self._table()
            names = [f.name for f in self.fields if f.name in table.c]
            columns = [table.c.id, *(table.c[n] for n in names)]
            order = [table.c[n] for n in self.kind.order_by]
            with self._uow.store.read() as session:
                result = session.execute(select(*columns).order_by(*order, table.c.id))
                self._rows = {
                    row[0]: Record(row[0], MappingProxyType(dict(zip(names, row[1:], strict=True))))
                    for row in result
                }
        return self._rows

    def rows(self) -> list[Record]:
        return list(self._load().values())

    def row(self, record_id: int) -> Record:
        return self._load()[record_id]

    def _existing(self, record_id: int) -> Record:
        try:
            return self.row(record_id)
        except KeyError:
            raise ValidationError(
                f"That {self.fields.noun} (#{record_id}) is no longer in the plan"
            ) from None

    def label(self, record_id: int) -> str:
        return self.kind.title(self.row(record_id))

    def options(self, name: str) -> list[tuple[Any, str]]:
        """The values a field offers as (value, label): its choices, or the records it can
        refer to (with its empty meaning first)."""
        field_ = self.fields[name]
        if field_.kind == FieldKind.CHOICE:
            return list(field_.choices)
        if field_.kind != FieldKind.REFERENCE:
            return []
        table = Base.metadata.tables[field_.reference]
        label = next((table.c[n] for n in ("name", "key") if n in table.c), table.c.id)
        with self._uow.store.read() as session:
            found = [(int(i), str(n)) for i, n in session.execute(select(table.c.id, label))]
        return [(None, field_.none_label or "—"), *found]

    # -- editing -------------------------------------------------------------------------------

    def _validated(self, values: Mapping[str, Any], subject: str) -> dict[str, Any]:
        problems: list[str] = []
        clean: dict[str, Any] = {}
        for field_ in self.fields:
            if field_.computed or field_.name not in values:
                continue
            try:
                clean[field_.name] = field_.coerce(values[field_.name], subject)
            except ValidationError as exc:
                problems.extend(exc.problems)
        if not problems:
            problems.extend(f"{subject}: {p}" if subject else p for p in self.kind.rules(clean))
        if problems:
            raise ValidationError(problems)
        return clean

    def _refuse_duplicate(self, clean: Mapping[str, Any], record_id: int | None) -> None:
        unique = self.kind.unique
        if not unique:
            return
        wanted = tuple(clean.get(n) for n in unique)
        for row in self.rows():
            if row.id != record_id and tuple(row.values[n] for n in unique) == wanted:
                raise ValidationError(self.kind.duplicate(row, partial(self._shown, row)))

    def _shown(self, record: Record, name: str) -> str:
        """A field of `record` as a person reads it: a reference by its name."""
        value = record.values[name]
        if self.fields[name].kind == FieldKind.REFERENCE:
            return str(dict(self.options(name)).get(value, value))
        return str(value)

    def update(self, record_id: int, name: str, value: Any, reason: str = "") -> Any:
        """Set one field; returns the old value (what undo puts back)."""
        self.fields.editable(name)
        current = self._existing(record_id)
        subject = self.kind.title(current)
        clean = self._validated({**current.values, name: value}, subject)
        if name in self.kind.unique:
            self._refuse_duplicate(clean, record_id)
        old = current.values[name]
        derived = self.kind.derived(clean)

        def apply(session: Session) -> None:
            record = session.get_one(self.kind.model, record_id)
            for key, new in {name: clean[name], **derived}.items():
                setattr(record, key, new)

        self._uow.run(reason, apply)
        return old

    def create(
        self, values: Mapping[str, Any], reason: str = "", record_id: int | None = None
    ) -> int:
        """Add a record from field values (defaults fill the rest); returns its id."""
        clean = self._validated({**self.kind.defaults, **values}, "")
        self._refuse_duplicate(clean, None)
        derived = self.kind.derived(clean)
        new_id = 0

        def apply(session: Session) -> None:
            nonlocal new_id
            record = self.kind.model(id=record_id, **clean, **derived)
            session.add(record)
            session.flush()
            new_id = int(inspect(record).identity[0])  # type: ignore[index]

        noun = self.fields.noun
        self._uow.run(reason or f"Add {noun}", apply)
        return new_id

    def delete(self, record_id: int, reason: str = "") -> dict[str, Any]:
        """Delete one record; returns its stored values, which restore() puts back."""
        title = self.kind.title(self._existing(record_id))
        captured: dict[str, Any] = {}

        def apply(session: Session) -> None:
            record = session.get_one(self.kind.model, record_id)
            captured.update(
                {c.key: getattr(record, c.key) for c in inspect(self.kind.model).column_attrs}
            )
            session.delete(record)

        self._uow.run(reason or f"Delete {self.fields.noun} {title}", apply)
        return captured

    def restore(self, values: Mapping[str, Any], reason: str = "") -> None:
        """Put back a deleted record with its id (undo of a delete)."""

        def apply(session: Session) -> None:
            session.add(self.kind.model(**values))

        self._uow.run(reason or f"Restore {self.fields.noun}", apply)

    def close(self) -> None:
        self._unsubscribe()
