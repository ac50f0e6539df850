"""Gantry's product logic, free of Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gantry")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
