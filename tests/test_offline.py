"""Offline by construction: no product module can reach a network, and the guard is real."""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest

from tests.conftest import NetworkAccessError

ROOT = Path(__file__).resolve().parents[1]
NETWORK_MODULES = {
    "socket",
    "ssl",
    "http",
    "urllib",
    "requests",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "xmlrpc",
    "asyncio",
    "websockets",
    "PySide6.QtNetwork",
}
# Reading the host name for the lock file is not network access.
ALLOWED = {("app/store.py", "socket")}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_product_code_imports_no_network_module() -> None:
    offenders = []
    for package in ("app", "ui", "models", "migrations", "resources"):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            for name in _imports(path):
                top = {name, name.split(".")[0]}
                if top & NETWORK_MODULES and (rel, name) not in ALLOWED:
                    offenders.append(f"{rel}: {name}")
    assert offenders == []


def test_store_uses_socket_only_for_the_host_name() -> None:
    source = (ROOT / "app" / "store.py").read_text(encoding="utf-8")
    uses = {
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "socket"
    }
    assert uses == {"gethostname"}


def test_the_guard_refuses_connections() -> None:
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkAccessError), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
