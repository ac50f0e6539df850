"""Test settings for every test: offscreen Qt, a private GANTRY_HOME and no network at all."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class NetworkAccessError(AssertionError):
    """Raised when code under test tries to reach the network."""


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise NetworkAccessError("Gantry must never open a network connection")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline by construction: any attempt to connect or resolve a name fails the test."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:  # local IPC (e.g. a session bus) is not network
            real_connect(self, address)
            return
        _refuse()

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", lambda *a, **k: _refuse())
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)


@pytest.fixture(autouse=True)
def gantry_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("gantry-home")
    monkeypatch.setenv("GANTRY_HOME", str(home))
    yield home
