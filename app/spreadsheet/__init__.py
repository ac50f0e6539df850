"""Spreadsheets in and out of a plan: reading foreign sheets safely, mapping and importing them."""
