"""The About box: Gantry's version and plan schema, the Qt and PySide6 versions, the open plan."""

from __future__ import annotations

import html
import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

import app
from app.schema import head_revision


def gantry_version() -> str:
    return app.__version__


def about_text(plan: Path | None) -> str:
    plan_text = html.escape(str(plan)) if plan else "none"
    return (
        f"<h3>Gantry {html.escape(gantry_version())}</h3>"
        "<p>Offline release planning: releases, work items, dependencies, runbooks and "
        "signed records in one local plan file.</p>"
        "<table cellspacing='4'>"
        f"<tr><td>Plan schema</td><td>{html.escape(head_revision())}</td></tr>"
        f"<tr><td>Qt</td><td>{qVersion()}</td></tr>"
        f"<tr><td>PySide6</td><td>{PySide6.__version__}</td></tr>"
        f"<tr><td>Python</td><td>{platform.python_version()}</td></tr>"
        f"<tr><td>Plan</td><td>{plan_text}</td></tr>"
        "</table>"
    )


def show_about(parent: QWidget, plan: Path | None) -> None:
    QMessageBox.about(parent, "About Gantry", about_text(plan))
