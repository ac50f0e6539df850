"""Gantry's product logic, free of Qt."""
