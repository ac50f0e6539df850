"""Gantry's entry point: a subcommand runs headless, anything else starts the GUI."""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from app.cli import SUBCOMMANDS, run

    if args and (args[0] in SUBCOMMANDS or args[0].startswith("-")):
        return run(args)
    # Import the GUI only when needed, so headless commands work without a display.
    from ui.application import run as run_gui

    plan = Path(args[0]) if args else None
    return run_gui(plan, [sys.argv[0], *args[1:]])


if __name__ == "__main__":
    sys.exit(main())
