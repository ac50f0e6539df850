"""Which Gantry this is: its version and the plan schema revision it writes."""

from __future__ import annotations

from app import __version__
from app.schema import head_revision


def version_text() -> str:
    """One line for `gantry --version` and bug reports, e.g. `gantry 0.1.0 (plan schema 0006)`."""
    return f"gantry {__version__} (plan schema {head_revision()})"
