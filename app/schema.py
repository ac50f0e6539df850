"""Alembic driven from code: the plan file's schema revision, and upgrades to the newest one."""

import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from app.resources import package_folder

# Alembic reads the revisions as files, found like the code: in the checkout, or installed.
MIGRATIONS_DIR = package_folder("migrations")


def _option(value: str) -> str:
    # Alembic keeps options in a ConfigParser, where "%" starts an interpolation.
    return value.replace("%", "%%")


def alembic_config(
    connection: Connection | None = None,
    version_locations: Sequence[Path] = (),
    actor: str | None = None,
) -> Config:
    """The product's migrations, plus revisions in `version_locations` (tests add their own).

    `actor` is who the audit events of a revision that moves data are recorded under.
    """
    config = Config()
    config.set_main_option("script_location", _option(str(MIGRATIONS_DIR)))
    if version_locations:
        # Setting version_locations replaces the default versions folder, so name it too.
        folders = [MIGRATIONS_DIR / "versions", *version_locations]
        config.set_main_option("path_separator", "os")  # Alembic 1.16 and later
        config.set_main_option("version_path_separator", "os")  # before 1.16
        config.set_main_option(
            "version_locations", _option(os.pathsep.join(str(f) for f in folders))
        )
    if connection is not None:
        config.attributes["connection"] = connection
    if actor is not None:
        config.attributes["actor"] = actor
    return config


def script_directory(version_locations: Sequence[Path] = ()) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(version_locations=version_locations))


def head_revision(version_locations: Sequence[Path] = ()) -> str:
    head = script_directory(version_locations).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def known_revisions(version_locations: Sequence[Path] = ()) -> set[str]:
    return {rev.revision for rev in script_directory(version_locations).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(
    connection: Connection, version_locations: Sequence[Path] = (), actor: str | None = None
) -> None:
    command.upgrade(alembic_config(connection, version_locations, actor), "head")
