"""Signed PDFs: signing keys, PAdES signatures with a visible appearance, and verification."""
