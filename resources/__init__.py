"""Gantry's icons, style sheet and fonts: a package so that its wheel carries them as data."""
