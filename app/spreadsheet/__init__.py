"""Spreadsheets: Gantry's own workbook written out, and sheets of any team read in."""
