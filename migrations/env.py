"""Alembic environment: always driven from code with a connection handed in by app.store."""

from alembic import context

from models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guards against `alembic upgrade` by hand
    raise RuntimeError("Gantry migrations run from app.store, which passes the connection in.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
