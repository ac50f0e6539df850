"""Alembic environment and revisions of the plan file schema; run from app.store at open."""
