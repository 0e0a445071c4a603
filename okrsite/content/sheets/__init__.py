"""Spreadsheets (CSV, XLSX) read into rows, and rows into objective documents: `okrsite import`."""
