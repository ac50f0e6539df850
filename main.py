"""Gantry's entry point: a subcommand runs headless, anything else starts the GUI."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _has_display() -> bool:
    """Qt aborts the process without one; on Linux say so instead (other systems have one)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from app.cli import SUBCOMMANDS, run, unknown_word

    # A word that cannot be a plan is a mistyped command: run() says which one was meant.
    if args and (args[0] in SUBCOMMANDS or args[0].startswith("-") or unknown_word(args[0])):
        return run(args)
    if not _has_display():
        print(
            "gantry: no display to open the window on; use a subcommand (gantry --help) "
            "or set QT_QPA_PLATFORM=offscreen.",
            file=sys.stderr,
        )
        return 2
    # Import the GUI only when needed, so headless commands work without a display.
    from ui.application import run as run_gui

    plan = Path(args[0]) if args else None
    return run_gui(plan, [sys.argv[0], *args[1:]])


if __name__ == "__main__":
    sys.exit(main())
