"""Printed documents: the runbook and the release record as PDFs (model -> render -> fields)."""
