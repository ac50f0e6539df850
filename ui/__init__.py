"""Gantry's desktop interface: PySide6 windows, views, item models and undo commands."""
